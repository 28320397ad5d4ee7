#!/usr/bin/python3
"""Convert a published CryoLithe checkpoint into a WedgeLab local model (ONNX, models/tiny/README.md interface).

  /usr/bin/python3 models/localnet/cryolithe/convert.py CHECKPOINT [--config CONFIG] --out DIR

CHECKPOINT is a published model directory (config.json + checkpoint.pth, as `cryolithe download` leaves
them; checkpoint_BP.pth is the fallback the published evaluator uses) or the checkpoint file itself. The
configuration is the config.json next to it unless --config names one (JSON, or YAML with the same sections:
model, data, training, ramp, ...).

Writes DIR/model.onnx (float32, opset 17; inputs `patches` [batch, nTilts, P, P] and `angles` [nTilts] in
degrees, output `out` [batch, 1] or [batch, 8]), DIR/card.json and DIR/README.md. The ONNX graph is the
published network (published.py) behind a thin wrapper that maps our conventions onto the published ones:

  patches  same axes in both pipelines ([point, tilt, row along the tilt axis, column along u], offsets
           j − ⌊P/2⌋, 1 pixel apart), multiplied by the filter gain: the published ramp (skimage's 'cosine'
           filter, 2 × the Ram-Lak response) is 2 × the engine's cosine filter, so the network sees the
           amplitudes it was trained on (measured from the checkpoint's filter, see card.json);
  angles   degrees → radians, repeated for every point (the published module takes [batch, nTilts] radians);
  out      voxel: as is; wavelet: the 8 channels reordered from the published band order (keys over the
           published volume axes (y, x, z)) to pywt order over our (z, y, x) volume.

The checkpoint is read with an unpickler that rebuilds tensors only: any other object in it (the pickled
filter module, optimizer classes) becomes an inert record, so no code from the file runs.
"""
import argparse
import collections
import copyreg
import hashlib
import io
import json
import math
import os
import pickle
import sys
import zipfile

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from published import ConfigError, build_from_config, resolve_model_config, variant_of  # noqa: E402

OPSET = 17
TILTS_FOR_MACS = (41, 61, 121)
# Published wavelet band index = 4·b_y + 2·b_x + b_z (keys over the published (y, x, z) volume axes);
# ours = 4·b_z + 2·b_y + b_x (pywt keys over (z, y, x)). OUR_TO_PUBLISHED[ours] = published.
OUR_TO_PUBLISHED = [4 * ((b >> 1) & 1) + 2 * (b & 1) + ((b >> 2) & 1) for b in range(8)]
FILTER_CHECK_WIDTHS = (128, 256, 512, 1024, 2048)


class ConversionError(Exception):
    pass


# ---------------------------------------------------------------- reading the checkpoint without running it
# torch.save writes a zip archive: <name>/data.pkl (the pickled object, tensors as persistent ids) and
# <name>/data/<key> (each storage's raw little-endian bytes). It is read here directly: tensors are rebuilt
# from the bytes, and every other class the pickle names (the filter module, optimizer classes, ...) becomes
# an inert record, so nothing from the file is imported or run (torch 1.13's torch.load also ignores a
# custom pickle_module unless weights_only, which refuses the pickled filter object).

class InertObject:
    """Stands in for any pickled object that is not a tensor or a plain container."""

    stub_module = "?"
    stub_name = "?"

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs, self.state = args, kwargs, None

    def __setstate__(self, state):
        self.state = state

    def __repr__(self):
        return f"<{self.stub_module}.{self.stub_name}>"


def _inert_class(module, name):
    return type(name, (InertObject,), {"stub_module": module, "stub_name": name})


class StorageKind:
    def __init__(self, dtype):
        self.dtype = dtype


STORAGE_DTYPES = {
    "FloatStorage": torch.float32, "DoubleStorage": torch.float64, "HalfStorage": torch.float16,
    "BFloat16Storage": torch.bfloat16, "LongStorage": torch.int64, "IntStorage": torch.int32,
    "ShortStorage": torch.int16, "CharStorage": torch.int8, "ByteStorage": torch.uint8, "BoolStorage": torch.bool,
    "UntypedStorage": torch.uint8,
}


def _rebuild_tensor(storage, offset, size, stride, *rest):
    # rest: requires_grad, backward hooks, and (torch ≥ 2) subclass metadata: not needed for weights.
    return torch.as_strided(storage, tuple(size), tuple(stride), offset)


def _rebuild_parameter(data, *rest):
    return data


def _rebuild_from_type(func, new_type, args, state):
    return func(*args)


ALLOWED = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type,
    ("torch", "Size"): torch.Size,
    ("torch", "device"): torch.device,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "slice"): slice,
    ("builtins", "complex"): complex,
    ("builtins", "object"): object,
    ("copyreg", "_reconstructor"): copyreg._reconstructor,
}
NUMPY_ALLOWED = {"_reconstruct", "scalar", "ndarray", "dtype"}


class InertUnpickler(pickle.Unpickler):
    def __init__(self, file, archive, prefix):
        super().__init__(file, encoding="utf-8")
        self.archive, self.prefix = archive, prefix

    def find_class(self, module, name):
        if (module, name) in ALLOWED:
            return ALLOWED[(module, name)]
        if module in ("torch", "torch.storage") and name in STORAGE_DTYPES:
            return StorageKind(STORAGE_DTYPES[name])
        if module == "torch" and isinstance(getattr(torch, name, None), torch.dtype):
            return getattr(torch, name)
        if module.split(".")[0] == "numpy" and (name in NUMPY_ALLOWED or name.endswith("DType")):
            return super().find_class(module, name)
        return _inert_class(module, name)

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        kind, key = pid[1], pid[2]
        dtype = kind.dtype if isinstance(kind, StorageKind) else getattr(kind, "dtype", None)
        if not isinstance(dtype, torch.dtype):
            raise pickle.UnpicklingError(f"unknown storage type {kind!r}")
        raw = bytearray(self.archive.read(f"{self.prefix}data/{key}"))
        if sys.byteorder != "little":
            raise pickle.UnpicklingError("big-endian hosts are not supported")
        return torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)


def torch_zip_load(path):
    """The object torch.save wrote to `path` (zip format), tensors on the CPU, other classes inert."""
    with zipfile.ZipFile(path) as archive:
        pickles = [n for n in archive.namelist() if n.endswith("data.pkl") and n.count("/") == 1]
        if len(pickles) != 1:
            raise ConversionError(f"{path} is a zip archive but not a torch.save file (no single <name>/data.pkl)")
        prefix = pickles[0][: -len("data.pkl")]
        with archive.open(pickles[0]) as f:
            return InertUnpickler(io.BytesIO(f.read()), archive, prefix).load()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def locate(checkpoint_arg, config_arg):
    path = checkpoint_arg
    if os.path.isdir(path):
        for name in ("checkpoint.pth", "checkpoint_BP.pth"):
            if os.path.isfile(os.path.join(path, name)):
                path = os.path.join(path, name)
                break
        else:
            raise ConversionError(f"{checkpoint_arg} is a directory without checkpoint.pth (or checkpoint_BP.pth): not a published CryoLithe model directory")
    elif not os.path.isfile(path):
        raise ConversionError(f"{checkpoint_arg}: no such file or directory")
    config = config_arg
    if config is None:
        here = os.path.dirname(os.path.abspath(path))
        for name in ("config.json", "config.yaml", "config.yml"):
            if os.path.isfile(os.path.join(here, name)):
                config = os.path.join(here, name)
                break
        else:
            raise ConversionError(f"no model configuration next to {path}: the published models keep it in config.json beside "
                                  "checkpoint.pth (patch size, hidden sizes, depth, outputs, angle encoding); pass --config")
    elif not os.path.isfile(config):
        raise ConversionError(f"--config {config}: no such file")
    return path, config


def read_config(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConversionError(f"{path} is not a text configuration (JSON or YAML)") from None
    try:
        config = json.loads(text)
    except json.JSONDecodeError:
        try:
            import yaml
        except ImportError:
            raise ConversionError(f"{path} is not JSON, and PyYAML (python3-yaml) is not installed to read YAML") from None
        try:
            config = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise ConversionError(f"{path} is neither JSON nor YAML: {e}") from None
    if not isinstance(config, dict) or not isinstance(config.get("model"), dict):
        raise ConversionError(f"{path} has no 'model' section: not a CryoLithe model configuration (config.json)")
    return config


def read_checkpoint(path):
    try:
        with open(path, "rb") as f:
            head = f.read(4)
        if head[:1] == b"\x80":
            raise ConversionError(f"{path} uses torch's legacy (pre-1.6) serialization: load and re-save it with a recent torch.save")
        if head[:2] != b"PK":
            raise ConversionError(f"{path} is not a PyTorch checkpoint (not a torch.save zip archive)")
        checkpoint = torch_zip_load(path)
    except ConversionError:
        raise
    except Exception as e:  # noqa: BLE001 (any failure to read means: not such a checkpoint)
        raise ConversionError(f"{path} could not be read as a PyTorch checkpoint: {type(e).__name__}: {e}") from None
    if isinstance(checkpoint, dict) and "model_state_dict" in checkpoint:
        state = checkpoint["model_state_dict"]
    else:
        keys = list(checkpoint)[:8] if isinstance(checkpoint, dict) else type(checkpoint).__name__
        raise ConversionError(f"{path} is not a CryoLithe checkpoint: expected a dict with 'model_state_dict' "
                              f"(what the published trainer saves), found {keys}")
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ConversionError(f"{path}: 'model_state_dict' is not a mapping of tensors")
    return checkpoint, state


def load_weights(model, state, path):
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    shapes = [f"{k}: {tuple(state[k].shape)} in the file, {tuple(v.shape)} from the configuration"
              for k, v in expected.items() if k in state and tuple(state[k].shape) != tuple(v.shape)]
    problems = []
    if missing:
        problems.append(f"{len(missing)} key(s) missing, e.g. {', '.join(missing[:4])}")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected key(s), e.g. {', '.join(unexpected[:4])}")
    if shapes:
        problems.append(f"{len(shapes)} shape mismatch(es), e.g. {'; '.join(shapes[:3])}")
    if problems:
        raise ConversionError(f"{path}: the weights do not fit the published SliceSet layout of its configuration: " + "; ".join(problems))
    for k, v in state.items():
        if not (v.is_floating_point() or k.endswith("num_batches_tracked")):
            raise ConversionError(f"{path}: {k} is {v.dtype}, not a floating-point weight")
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    for k, v in model.state_dict().items():
        if v.is_floating_point() and not torch.isfinite(v).all():
            raise ConversionError(f"{path}: {k} holds non-finite values")


# ---------------------------------------------------------------- the filter the model was trained with

def ramlak_kernel(n):
    """Discrete Ram-Lak kernel on a circular length n: h[0] = 1/4, h[odd k] = −1/(π k)², 0 at even k ≠ 0."""
    h = np.zeros(n)
    h[0] = 0.25
    k = np.arange(1, n, 2)
    h[k] = -1.0 / (np.pi * np.minimum(k, n - k)) ** 2
    return h


def engine_cosine_response(nx):
    """src/engine/filters.ts: Ram-Lak response on L = 2^⌈log2 2nx⌉ times cos(π|f|) (DFT bin order)."""
    L = 1 << int(math.ceil(math.log2(2 * nx)))
    f = np.fft.fftfreq(L)
    return np.real(np.fft.fft(ramlak_kernel(L))) * np.cos(np.pi * np.abs(f))


def skimage_style_filter(size, name):
    """The frequency response the published ramp is initialised from (scikit-image's radon filters): twice the
    Ram-Lak response of length `size`, times the named window; only the windows the published configs use."""
    response = 2.0 * np.real(np.fft.fft(ramlak_kernel(size)))
    if name in ("ramp", "ram-lak"):
        return response
    if name == "cosine":
        j = np.arange(size)
        return response * np.sin(np.pi * ((j + size // 2) % size) / size)  # = cos(π|f|)
    raise ValueError(name)


def published_ramp_response(taps, nx):
    """The published VectorModel_real filter for rows nx wide: its spatial taps (a length-`size` circular
    kernel) truncated to min(size, nx) taps around 0 and placed in a 2·nx buffer, whose FFT multiplies the
    rows zero-padded to 2·nx."""
    size = len(taps)
    r = np.zeros(2 * nx)
    keep = min(size, nx)
    r[:keep // 2] = taps[:keep // 2]
    tail = -((keep + 1) // 2)
    r[tail:] = taps[tail:]
    return np.fft.fft(r)


def ramp_taps(checkpoint, config, notes):
    """The published filter's spatial taps: from the checkpoint's pickled filter object when it is the
    VectorModel_real kind, else rebuilt from config.ramp. None when the kind is unknown."""
    ramp_cfg = config.get("ramp", {}) or {}
    obj = checkpoint.get("ramp")
    if isinstance(obj, InertObject) and isinstance(obj.state, dict):
        params = obj.state.get("_parameters", {}) or {}
        vector = params.get("vector")
        if obj.stub_name == "VectorModel_real" and isinstance(vector, torch.Tensor):
            notes.append(f"filter taps read from the checkpoint's pickled {obj.stub_module}.{obj.stub_name} ({vector.numel()} taps)")
            return vector.detach().double().numpy(), f"{obj.stub_name} from the checkpoint"
        notes.append(f"the checkpoint's filter object is {obj.stub_module}.{obj.stub_name}: not the VectorModel_real kind this converter can evaluate")
        return None, f"{obj.stub_module}.{obj.stub_name} (unknown kind)"
    kind = ramp_cfg.get("type")
    model_cfg = ramp_cfg.get("model", {}) or {}
    if kind == "VectorModel_real" and model_cfg.get("init") in ("cosine", "ramp", "ram-lak") and isinstance(model_cfg.get("size"), int):
        if ramp_cfg.get("use_learnable_ramp"):
            notes.append("config.ramp says the filter was learned, but the checkpoint holds no filter object: its initial value is used, the learned one is unknown")
        size = model_cfg["size"]
        taps = np.real(np.fft.ifft(skimage_style_filter(size, model_cfg["init"])))
        notes.append(f"no filter object in the checkpoint; filter rebuilt from config.ramp (VectorModel_real, init {model_cfg['init']}, size {size})")
        return taps, f"VectorModel_real rebuilt from config (init {model_cfg['init']}, size {size})"
    notes.append(f"filter kind unknown (checkpoint 'ramp' {type(obj).__name__}, config.ramp.type {kind!r})")
    return None, "unknown"


def compare_filters(taps):
    """Least-squares gain of the published filter over the engine's cosine filter, and the relative residual
    of that fit, for rows nx wide (powers of two: both filters then sample the same frequencies)."""
    out = {}
    for nx in FILTER_CHECK_WIDTHS:
        pub = published_ramp_response(taps, nx)
        ours = engine_cosine_response(nx)
        gain = float(np.dot(pub.real, ours) / np.dot(ours, ours))
        resid = float(np.linalg.norm(pub - gain * ours) / np.linalg.norm(pub))
        out[str(nx)] = {"gain": gain, "relativeResidual": resid}
    return out


# ---------------------------------------------------------------- our interface around the published network

class OurInterface(nn.Module):
    """patches [batch, nTilts, P, P] (our layout, engine-filtered), angles [nTilts] degrees → [batch, 1 | 8]."""

    def __init__(self, net, input_gain, channel_order):
        super().__init__()
        self.net = net
        self.input_gain = float(input_gain)
        if channel_order is not None:
            self.register_buffer("channel_order", torch.tensor(channel_order, dtype=torch.int64))
        else:
            self.channel_order = None

    def forward(self, patches, angles):
        # Same axis order on both sides: [point, tilt, row (along the tilt axis), column (along u)].
        x = patches * self.input_gain
        radians = (angles * (math.pi / 180.0)).unsqueeze(0).expand(patches.shape[0], angles.shape[0])
        out = self.net(x, radians)
        return out if self.channel_order is None else torch.index_select(out, 1, self.channel_order)


def macs_per_voxel(c, n_tilts, n_out):
    """Multiply–accumulates per voxel (a wavelet point's count over its 8 voxels); the angle encoding,
    shared by all points, not counted."""
    def mlp(n_in, hidden, layers, n_last):
        widths = [hidden] * layers if isinstance(hidden, int) else list(hidden)
        dims = [n_in] + widths
        return sum(a * b for a, b in zip(dims[:-1], dims[1:])) + widths[-1] * n_last
    P = c["patch_size"]
    set_out = c["set_output"] if c["set_output"] is not None else c["set_input"]
    per_tilt = P * c["set_input"] + c["set_input"] + mlp(c["set_input"], c["set_hidden_size"], c["set_num_layers"], set_out)
    per_row = n_tilts * per_tilt + mlp(set_out, c["slice_mlp_hidden_size"], c["slice_mlp_num_layers"], c["mlp_output"])
    per_point = P * per_row + mlp(P * c["mlp_output"], c["combine_mlp_hidden"], c["combine_mlp_layers"], n_out)
    return per_point / n_out


def export(wrapper, P, path):
    wrapper.eval()
    dummy = (torch.zeros(2, 5, P, P), torch.linspace(-60, 60, 5))
    with torch.no_grad():
        torch.onnx.export(
            wrapper, dummy, path, input_names=["patches", "angles"], output_names=["out"], opset_version=OPSET,
            dynamic_axes={"patches": {0: "batch", 1: "nTilts"}, "angles": {0: "nTilts"}, "out": {0: "batch"}},
        )


def check_onnx(path, P, n_out):
    import onnx
    model = onnx.load(path)
    onnx.checker.check_model(model)

    def dims(v):
        return [d.dim_value if d.HasField("dim_value") else d.dim_param for d in v.type.tensor_type.shape.dim]
    inputs = {v.name: dims(v) for v in model.graph.input}
    outputs = {v.name: dims(v) for v in model.graph.output}
    if inputs.get("patches") != ["batch", "nTilts", P, P] or inputs.get("angles") != ["nTilts"] or outputs.get("out") != ["batch", n_out]:
        raise ConversionError(f"exported graph has inputs {inputs} and outputs {outputs}: not the interface expected")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", help="published model directory (config.json + checkpoint.pth) or checkpoint file")
    ap.add_argument("--config", help="model configuration (JSON or YAML); default: config.json next to the checkpoint")
    ap.add_argument("--out", required=True, help="output directory (model.onnx, card.json, README.md)")
    ap.add_argument("--filter-gain", type=float, help="override the input gain (default: measured from the checkpoint's filter, 2 for the published cosine ramp)")
    ap.add_argument("--name", help="model name for the card (default: the checkpoint's directory name)")
    args = ap.parse_args(argv)
    try:
        card = convert(args)
    except (ConversionError, ConfigError) as e:
        print(f"convert.py: {e}", file=sys.stderr)
        return 2
    print(json.dumps({k: card[k] for k in ("name", "variant", "patch", "outputs", "parameters", "onnxBytes")}))
    return 0


def convert(args):
    ckpt_path, config_path = locate(args.checkpoint, args.config)
    config = read_config(config_path)
    checkpoint, state = read_checkpoint(ckpt_path)
    variant = variant_of(config)
    net = build_from_config(config)
    load_weights(net, state, ckpt_path)
    net.eval()
    c = resolve_model_config(config["model"])
    P, n_out = c["patch_size"], c["output_size"]

    notes, mismatches = [], []
    taps, filter_source = ramp_taps(checkpoint, config, notes)
    filter_check = compare_filters(taps) if taps is not None else None
    if args.filter_gain is not None:
        gain = args.filter_gain
        notes.append(f"input gain {gain} given on the command line")
    elif filter_check is not None:
        gain = float(f"{filter_check['512']['gain']:.4g}")
    else:
        gain = 2.0
        mismatches.append("the published filter could not be evaluated: the input gain assumes the default cosine ramp (2 × the engine's)")
    if filter_check is not None:
        worst = max(v["relativeResidual"] for v in filter_check.values())
        if worst > 0.02:
            mismatches.append(f"the published filter is not a scaled cosine ramp (relative residual up to {worst:.3f} after the best gain): "
                              "the engine offers no such filter, so the model sees differently filtered patches")
    if config.get("filter_projections") is False:
        mismatches.append("the model was trained on unfiltered tilts (filter_projections false); the engine always applies the cosine ramp")
    if config.get("use_2D_filters") or config.get("use_2D_fitlers"):
        mismatches.append("the model was trained with a learned 2-D prefilter (filter_2D) before the ramp; the engine has no such filter")
    training = config.get("training", {}) or {}
    if training.get("normalize_patch"):
        mismatches.append("training.normalize_patch: patches were divided by their norm in training (the published evaluator does not do this either)")
    patch_scale = checkpoint.get("patch_scale")
    if isinstance(patch_scale, torch.Tensor) and patch_scale.numel() == 1:
        patch_scale = float(patch_scale)
    elif not isinstance(patch_scale, (int, float)):
        patch_scale = training.get("patch_scale_init", 1)
    if training.get("learn_patch_scale") and abs(float(patch_scale) - 1) > 1e-6:
        mismatches.append(f"learned patch spacing {patch_scale:.4g} px; the engine samples patches 1 pixel apart "
                          "(so does the published CLI by default: defaults.yaml sets patch_scale 1)")

    channel_order = OUR_TO_PUBLISHED if variant == "wavelet" else None
    net.reduce_angle_argument = True
    wrapper = OurInterface(net, gain, channel_order)
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "model.onnx")
    export(wrapper, P, onnx_path)
    check_onnx(onnx_path, P, n_out)

    n_params = sum(v.numel() for k, v in net.state_dict().items() if v.is_floating_point())
    name = args.name or os.path.basename(os.path.dirname(os.path.abspath(ckpt_path))) or "cryolithe"
    layout = {k: c[k] for k in (
        "patch_size", "mlp_output", "set_input", "set_output", "set_hidden_size", "set_num_layers", "set_skip_connection",
        "set_bias", "radon_bias", "slice_transformer_positional_encoding_size", "slice_transformer_positional_encoding_base",
        "learned_positional_encoding", "slice_transformer_avg_pooling", "slice_mlp_hidden_size", "slice_mlp_num_layers",
        "slice_mlp_skip_connection", "slice_mlp_bias", "combine_mlp_hidden", "combine_mlp_layers", "combine_skip_connection",
        "combine_mlp_bias", "combine_batch_norm", "learn_residual", "slice_index", "compare_index", "output_size")}
    layout["angle_combine"] = c["combine"]
    unknown = sorted(set(config["model"]) - set(layout) - {"type", "combine", "sice_transformer_transformer_positional_encoding_add_angle",
                                                         "sice_transformer_positional_encoding_mult_angle", "combine_dropout",
                                                         "combine_learn_residual", "learned_positional_encoding_use_softmax"})
    if unknown:
        notes.append(f"model configuration keys not used by the SliceSet layout: {', '.join(unknown)}")
    epoch = checkpoint.get("epoch")
    card = {
        "name": name,
        "convertedFrom": {
            "checkpoint": os.path.basename(ckpt_path), "checkpointSha256": sha256(ckpt_path), "config": os.path.basename(config_path),
            "epoch": epoch if isinstance(epoch, int) else None,
            "trainedTilts": (config.get("data", {}) or {}).get("n_projections"),
        },
        "variant": variant,
        "patch": P,
        "outputs": n_out,
        "layout": layout,
        "parameters": n_params,
        "macsPerVoxel": {str(t): round(macs_per_voxel(c, t, n_out)) for t in TILTS_FOR_MACS},
        "onnx": {"file": "model.onnx", "opset": OPSET, "dtype": "float32",
                 "inputs": {"patches": ["batch", "nTilts", P, P], "angles": ["nTilts"]}, "output": {"out": ["batch", n_out]}},
        "onnxBytes": os.path.getsize(onnx_path),
        "wrapper": {
            "patchAxes": "identity: [point, tilt, row along the tilt axis (v), column along u] in both pipelines",
            "inputGain": gain,
            "angles": "degrees → radians, repeated per point ([batch, nTilts]); the network turns them back into degrees",
            "outputOrder": "identity" if channel_order is None else {
                "ours": ["aaa", "aad", "ada", "add", "daa", "dad", "dda", "ddd"], "fromPublishedChannel": channel_order,
                "note": "published channels are ptwt keys over the volume axes (y, x, z); ours are pywt keys over (z, y, x)"},
        },
        "expects": {
            "normalisation": "the whole stack by one mean and std (published reconstruct.py; the engine does the same)",
            "filter": f"rows filtered along x with the published ramp ({filter_source}), zero-padded to 2·nx; "
                      f"the engine's cosine ramp × {gain:g} (the input gain) matches it",
            "filterCheck": filter_check,
            "output": "published: the standardised tomogram ((v − mean)/std of the training targets); the engine multiplies "
                      "the model's output by the stack's std, so a converted model's tomogram is that std × the published one",
            "waveletGrid": None if variant == "voxel" else
            "bior3.1 'zero' mode (ptwt's default), one level; the published evaluator spreads the half grid over the volume's "
            "extent (point k of h at k·(n−1)/(h−1)), the engine puts it on the coefficients' centres (2k − 0.5): up to ½ pixel "
            "apart at the edges, equal at the centre",
            "precision": "the published evaluator runs the network in float16; this export is float32",
        },
        "mismatches": mismatches,
        "notes": notes,
    }
    with open(os.path.join(args.out, "card.json"), "w") as f:
        json.dump(card, f, indent=1)
        f.write("\n")
    write_readme(args.out, card)
    return card


def write_readme(out, card):
    P, v = card["patch"], card["variant"]
    L = card["layout"]
    macs = ", ".join(f"{int(n) / 1e6:.2f} M at {t} tilts" for t, n in card["macsPerVoxel"].items())
    mism = "\n".join(f"- {m}" for m in card["mismatches"]) or "- none detected from the checkpoint and its configuration"
    text = f"""# {card['name']}: CryoLithe {v} model converted to WedgeLab's ONNX interface

Converted by `models/localnet/cryolithe/convert.py` from `{card['convertedFrom']['checkpoint']}` (sha256
`{card['convertedFrom']['checkpointSha256'][:16]}…`) and `{card['convertedFrom']['config']}`. The weights are the
published ones, unchanged, in float32; only a thin wrapper maps WedgeLab's conventions onto the published ones.
Details in `card.json`; the conventions and what could not be verified: models/localnet/cryolithe/README.md.

## Use

    node bin/wedgelab.js recon --tilts TS.mrc --angles TS.tlt --thickness NZ --method localnet --model {out}/model.onnx --out TOMO.mrc

or in the workbench, Local network panel, "Add a model (.onnx)…". The variant follows the model ({v}:
{'one voxel per query' if v == 'voxel' else '8 bior3.1 sub-bands per half-grid point, 8× fewer queries'}).

## Interface

- Inputs `patches` float32 [batch, nTilts, {P}, {P}] (row along the tilt axis, column along u, 1 pixel apart)
  and `angles` float32 [nTilts] in degrees; output `out` float32 [batch, {card['outputs']}]{' in pywt order aaa, aad, …, ddd over (z, y, x)' if v == 'wavelet' else ''}.
- Wrapper: patches × {card['wrapper']['inputGain']:g} (the published ramp is {card['wrapper']['inputGain']:g} × the engine's cosine ramp),
  angles → radians{', output channels reordered from the published (y, x, z) band order' if v == 'wavelet' else ''}.

## Network (published SliceSet layout)

P = {P} patch rows, each with its own set network: Linear {P}→{L['set_input']} (⊙ a {L['slice_transformer_positional_encoding_size']}-d sin/cos angle
encoding, base {L['slice_transformer_positional_encoding_base']}), MLP {L['set_input']}→{L['set_hidden_size']}×{L['set_num_layers']}→{L['set_output'] or L['set_input']}, mean over tilts, MLP
{L['set_output'] or L['set_input']}→{L['slice_mlp_hidden_size']}×{L['slice_mlp_num_layers']}→{L['mlp_output']}; the {P}·{L['mlp_output']} features → MLP {L['combine_mlp_hidden']}×{L['combine_mlp_layers']} → {card['outputs']}.
ReLU; residual skips (set/row/combine): {L['set_skip_connection']}/{L['slice_mlp_skip_connection']}/{L['combine_skip_connection']};
biases (up/set/row/combine): {L['radon_bias']}/{L['set_bias']}/{L['slice_mlp_bias']}/{L['combine_mlp_bias']}.

Parameters: {card['parameters']:,} ({card['onnxBytes'] / 1e6:.1f} MB ONNX). Multiply–accumulates per voxel: {macs}.

## Differences from the published pipeline

{mism}
- Output units: the engine multiplies the output by the stack's std (the published tomogram is not), a global scale.
- Precision: the published evaluator runs the network in float16; this is float32.
"""
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    sys.exit(main())
