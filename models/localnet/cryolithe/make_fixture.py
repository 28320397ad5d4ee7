#!/usr/bin/python3
"""Test fixture for convert.py: randomly initialised networks of the published CryoLithe layout, converted.

  /usr/bin/python3 models/localnet/cryolithe/make_fixture.py

Seeded and deterministic (two runs give the same bytes). For each variant (voxel: 1 output; wavelet: 8):

1. builds the published SliceSet layout (published.py) at small sizes (P = 5, encoding 8, hidden 12/16,
   depth 2, residual skips on, no biases: the flags of the published training configuration), randomly
   initialised (torch's default Linear initialisation, seed below);
2. saves it as the published trainer does: a model directory holding config.json (the configuration, same
   sections and key names as the published one) and checkpoint.pth (torch.save of a dict with
   'model_state_dict', 'ramp' (the filter object, pickled under its published class path
   filter_models.vector.VectorModel_real), 'patch_scale', 'epoch', losses, ...);
3. runs convert.py on that directory and keeps the ONNX file as fixture/{variant}.onnx;
4. writes fixture/{variant}.json: a small input in OUR convention (patches [6, 7, 5, 5] cut from random
   filtered tilts for random points, angles in degrees, unsorted) and the output of the published-layout
   module for the same data in the PUBLISHED convention, mapped here independently of convert.py:
   - patches cut again, the published way: normalised coordinates, torch grid_sample (align_corners, zeros)
     on tilts filtered with the published ramp, which is 2 × the engine's cosine ramp (checked here), patch
     offsets laid out as the published meshgrid ('xy': axis 2 = tilt-axis offset, axis 3 = u offset);
     they must equal 2 × ours, which checks the axis mapping;
   - angles in radians, repeated per point ([batch, nTilts]);
   - wavelet outputs reordered by key names: our band 'abc' over (z, y, x) is the published band over
     (y, x, z) with the letters moved accordingly (checked against pywt on a random volume when pywt is
     installed).
   The reference is computed in float64.
5. checks that convert.py refuses files that are not such checkpoints, with a message naming the problem.

src/engine/onnx/cryolitheConvert.test.ts runs the ONNX files in the engine's own session and compares.
The checkpoints are written to a temporary directory and not kept.
"""
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import types

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from published import PublishedSliceSet  # noqa: E402

FIXTURE = os.path.join(HERE, "fixture")
SEEDS = {"voxel": 11, "wavelet": 12}
B, T, P, N_DET = 6, 7, 5, 16  # points, tilts, patch, square detector
RAMP_SIZE = 600  # the published filter's default length (train_model.yaml: ramp.model.size)


def small_config(n_out):
    """A published-format configuration (config.json) at small sizes, the published flags otherwise."""
    return {
        "data": {"type": "t20", "n_projections": 41},
        "model": {
            "type": "SliceSet", "mlp_output": 4, "patch_size": P, "slice_index": 2, "compare_index": 3,
            "learn_residual": False, "set_input": 8, "set_output": 12, "set_num_layers": 1, "set_hidden_size": 12,
            "set_skip_connection": True, "set_bias": False, "radon_bias": False, "learned_positional_encoding": False,
            "learned_positional_encoding_use_softmax": True, "slice_transformer_avg_pooling": True,
            "slice_transformer_positional_encoding_size": 8,
            "sice_transformer_transformer_positional_encoding_add_angle": False,
            "sice_transformer_positional_encoding_mult_angle": True,
            "slice_mlp_hidden_size": 16, "slice_mlp_num_layers": 2, "slice_mlp_skip_connection": True,
            "slice_mlp_bias": False, "combine_mlp_layers": 2, "combine_mlp_hidden": 16, "combine_dropout": 0,
            "combine_batch_norm": False, "combine_learn_residual": False, "combine_skip_connection": True,
            "combine_mlp_bias": False, "output_size": n_out,
        },
        "filter_projections": True,
        "ramp": {"filter_type": "cosine", "use_learnable_ramp": False, "use_pretrained": False, "pretrain_path": None,
                 "type": "VectorModel_real", "model": {"init": "cosine", "size": RAMP_SIZE}},
        "use_2D_filters": False,
        "training": {"use_wavelet_trainer": n_out == 8, "learn_patch_scale": False, "patch_scale_init": 1,
                     "normalize_patch": False, "use_angle": True, "wavelet": "bior3.1", "wavelet_levels": 1},
    }


# ---------------------------------------------------------------- filters, computed here independently

def cosine_ramp_response(size, scale):
    """scale × (Ram-Lak kernel response on a circular length `size`) × cos(π|f|), DFT bin order."""
    kernel = np.zeros(size)
    kernel[0] = 0.25
    for k in range(1, size, 2):
        kernel[k] = -1.0 / (math.pi * min(k, size - k)) ** 2
    f = np.array([(j if j <= size // 2 else j - size) / size for j in range(size)])
    return scale * np.fft.fft(kernel).real * np.cos(math.pi * np.abs(f))


class VectorModel_real(nn.Module):
    """Stand-in for the published filter object, pickled under its published class path. The published
    trainer builds `vector` as the inverse FFT of scikit-image's 'cosine' filter (2 × Ram-Lak × cos window)."""

    def __init__(self, size):
        super().__init__()
        self.size, self.init = size, "cosine"
        self.vector = nn.Parameter(torch.tensor(np.fft.ifft(cosine_ramp_response(size, 2.0)).real, dtype=torch.float32))


def published_ramp(vector, n):
    """What the published filter object returns for rows n wide: taps truncated to min(size, n), in 2n."""
    r = np.zeros(2 * n)
    keep = min(len(vector), n)
    r[: keep // 2] = vector[: keep // 2]
    r[len(r) - (keep + 1) // 2:] = vector[len(vector) - (keep + 1) // 2:]
    return np.fft.fft(r).real


def register_published_class_path():
    package = types.ModuleType("filter_models")
    module = types.ModuleType("filter_models.vector")
    VectorModel_real.__module__ = "filter_models.vector"
    module.VectorModel_real = VectorModel_real
    package.vector = module
    sys.modules["filter_models"] = package
    sys.modules["filter_models.vector"] = module


# ---------------------------------------------------------------- the two conventions

def our_patches(tilts, angles_deg, points):
    """models/tiny/README.md: [point][tilt][row along v][column along u], offsets j − ⌊P/2⌋ px, bilinear,
    zeros outside; (u, v) = (x cos θ + z sin θ, y) in centred pixel coordinates."""
    n_t, ny, nx = tilts.shape
    half = P // 2
    out = np.zeros((len(points), n_t, P, P))

    def read(k, r, c):
        return tilts[k, r, c] if 0 <= r < ny and 0 <= c < nx else 0.0
    for p, (x, y, z) in enumerate(points):
        for k, a in enumerate(angles_deg):
            th = math.radians(a)
            u = x * math.cos(th) + z * math.sin(th)
            for r in range(P):
                tv = y + (r - half) + (ny - 1) / 2
                v0 = math.floor(tv)
                wv = tv - v0
                for c in range(P):
                    tu = u + (c - half) + (nx - 1) / 2
                    u0 = math.floor(tu)
                    wu = tu - u0
                    out[p, k, r, c] = ((1 - wv) * ((1 - wu) * read(k, v0, u0) + wu * read(k, v0, u0 + 1))
                                       + wv * ((1 - wu) * read(k, v0 + 1, u0) + wu * read(k, v0 + 1, u0 + 1)))
    return out


def published_patches(tilts, angles_rad, points):
    """The published way (utils.py, generate_patches_from_volume_location, ALIGN_CORNERS): points in
    [-1, 1] as (p0, p1, p2) = (depth, x, tilt axis); centre (u, v) = (p1 cos θ + p0 sin θ, p2); the patch
    grid from the detector's linspace (1 pixel apart), meshgrid 'xy' (axis 2 = v offset, axis 3 = u offset);
    grid_sample (x = columns, y = rows), bilinear, zeros, align_corners; result [point, tilt, P, P]."""
    tilts = torch.as_tensor(tilts, dtype=torch.float64)
    n_t, n1, n2 = tilts.shape
    assert n1 == n2, "the published pipeline pads the tilts square"
    s = 2.0 / (n2 - 1)
    pts = torch.tensor([[z * s, x * s, y * s] for x, y, z in points], dtype=torch.float64)
    ax = torch.linspace(-1, 1, n2, dtype=torch.float64)[:P]
    ax = ax - ax[P // 2]
    xx, yy = torch.meshgrid(ax, ax, indexing="xy")
    offsets = torch.stack([xx.flatten(), yy.flatten()], dim=1)  # [P·P, (x, y)]
    out = torch.zeros(len(points), n_t, P, P, dtype=torch.float64)
    for k in range(n_t):
        a = torch.tensor(angles_rad[k], dtype=torch.float64)
        centre = torch.stack([pts[:, 1] * torch.cos(a) + pts[:, 0] * torch.sin(a), pts[:, 2]], dim=1)  # [points, (u, v)]
        grid = (centre[:, None, :] + offsets[None]).reshape(1, 1, -1, 2)
        sampled = torch.nn.functional.grid_sample(tilts[k][None, None], grid, mode="bilinear", padding_mode="zeros", align_corners=True)
        out[:, k] = sampled.reshape(len(points), P, P)
    return out.numpy()


def band_permutation():
    """our band index → published band index, by key names (pywt order aaa, aad, …, ddd)."""
    keys = ["".join(k) for k in itertools.product("ad", repeat=3)]
    perm = []
    for key in keys:
        lz, ly, lx = key  # ours: letters over (z, y, x)
        perm.append(keys.index(ly + lx + lz))  # published: letters over (y, x, z)
    try:
        import pywt
    except ImportError:
        print("pywt not installed: band permutation not cross-checked", file=sys.stderr)
        return perm
    vol = np.random.default_rng(0).standard_normal((6, 8, 10))  # (z, y, x)
    ours = pywt.dwtn(vol, "bior3.1", mode="zero")
    theirs = pywt.dwtn(np.moveaxis(vol, 0, 2), "bior3.1", mode="zero")  # the published (y, x, z) array
    for b, key in enumerate(keys):
        assert np.allclose(ours[key], np.moveaxis(theirs[keys[perm[b]]], 2, 0)), key
    return perm


# ---------------------------------------------------------------- steps

def save_published(directory, config, net):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    checkpoint = {
        "epoch": 0,
        "model_state_dict": net.state_dict(),
        "optimizer_state_dict": {"state": {}, "param_groups": []},
        "scheduler_state_dict": {},
        "train_loss": [],
        "valid_loss": [],
        "ramp": VectorModel_real(RAMP_SIZE),
        "patch_scale": torch.tensor([1.0]),
        "random_state": torch.zeros(8, dtype=torch.uint8),
    }
    if config["training"]["use_wavelet_trainer"]:
        checkpoint["wavelet_train_loss"], checkpoint["wavelet_valid_loss"] = [], []
    torch.save(checkpoint, os.path.join(directory, "checkpoint.pth"))


def convert(args, expect_ok=True):
    run = subprocess.run([sys.executable, os.path.join(HERE, "convert.py"), *args], capture_output=True, text=True)
    if expect_ok and run.returncode != 0:
        raise SystemExit(f"convert.py failed:\n{run.stdout}{run.stderr}")
    return run


def make(variant, work, perm):
    n_out = 1 if variant == "voxel" else 8
    seed = SEEDS[variant]
    torch.manual_seed(seed)
    config = small_config(n_out)
    net = PublishedSliceSet(config["model"]).eval()
    directory = os.path.join(work, f"cryolithe-{variant}")
    save_published(directory, config, net)
    out_dir = os.path.join(work, f"converted-{variant}")
    convert([directory, "--out", out_dir])
    with open(os.path.join(out_dir, "card.json")) as f:
        card = json.load(f)
    assert card["variant"] == variant and card["patch"] == P and card["wrapper"]["inputGain"] == 2.0, card
    shutil.copyfile(os.path.join(out_dir, "model.onnx"), os.path.join(FIXTURE, f"{variant}.onnx"))

    rng = np.random.default_rng(seed)
    tilts = rng.standard_normal((T, N_DET, N_DET))  # already normalised and filtered (engine's filter)
    angles = rng.permutation(np.arange(-54.0, 61.0, 19.0))[:T] + rng.uniform(-2, 2, T)  # unsorted, degrees
    angles = angles.astype(np.float32).astype(np.float64)
    half_span = (N_DET - 1) / 2 - 1
    points = [(rng.uniform(-half_span, half_span), rng.uniform(-half_span, half_span), rng.uniform(-3, 3)) for _ in range(B)]
    ours = our_patches(tilts, angles, points).astype(np.float32)

    # The published tilts went through the published ramp: 2 × the engine's cosine ramp (checked at a
    # realistic width; at 16 pixels the sampled filters differ by a few per cent in shape).
    pub_filter = published_ramp(VectorModel_real(RAMP_SIZE).vector.detach().double().numpy(), 512)
    eng_filter = cosine_ramp_response(1024, 1.0)
    assert np.linalg.norm(pub_filter - 2 * eng_filter) < 1e-3 * np.linalg.norm(pub_filter), "published ramp ≠ 2 × engine cosine ramp"
    theirs = published_patches(2.0 * tilts, np.radians(angles), points)
    mismatch = np.abs(theirs - 2.0 * ours.astype(np.float64)).max()
    assert mismatch < 1e-5, f"the two patch conventions disagree by {mismatch}"

    with torch.no_grad():
        ref = net.double()(torch.from_numpy(theirs), torch.from_numpy(np.radians(angles))[None].repeat(B, 1)).numpy()
    if variant == "wavelet":
        ref = ref[:, perm]
    with open(os.path.join(FIXTURE, f"{variant}.json"), "w") as f:
        json.dump({"variant": variant, "seed": seed, "shape": [B, T, P, P],
                   "patches": [float(v) for v in ours.ravel()], "angles": [float(v) for v in angles],
                   "out": [float(v) for v in ref.ravel()]}, f)
        f.write("\n")
    return directory, net


def check_errors(work, voxel_dir, net):
    """convert.py must refuse what is not a published checkpoint, naming the problem."""
    cases = []
    text = os.path.join(work, "notes.pth")
    with open(text, "w") as f:
        f.write("not a checkpoint\n")
    shutil.copyfile(os.path.join(voxel_dir, "config.json"), os.path.join(work, "config.json"))
    cases.append(([text], "is not a PyTorch checkpoint"))
    plain = os.path.join(work, "plain.pth")
    torch.save({"weights": torch.zeros(3)}, plain)
    cases.append(([plain], "expected a dict with 'model_state_dict'"))
    state = net.float().state_dict()
    dropped = dict(state)
    dropped.pop("combination_mlp.last_layer.weight")
    torch.save({"model_state_dict": dropped}, os.path.join(work, "dropped.pth"))
    cases.append(([os.path.join(work, "dropped.pth")], "key(s) missing, e.g. combination_mlp.last_layer.weight"))
    reshaped = dict(state)
    reshaped["slice_transformers.0.up_layer.weight"] = torch.zeros(8, 7)
    torch.save({"model_state_dict": reshaped}, os.path.join(work, "reshaped.pth"))
    cases.append(([os.path.join(work, "reshaped.pth")], "shape mismatch(es), e.g. slice_transformers.0.up_layer.weight: (8, 7)"))
    os.makedirs(os.path.join(work, "empty"), exist_ok=True)
    cases.append(([os.path.join(work, "empty")], "without checkpoint.pth"))
    cases.append(([os.path.join(voxel_dir, "checkpoint.pth"), "--config", os.path.join(work, "notes.pth")], "has no 'model' section"))
    for args, expected in cases:
        run = convert([*args, "--out", os.path.join(work, "refused")], expect_ok=False)
        if run.returncode != 2 or expected not in run.stderr:
            raise SystemExit(f"convert.py {args}: expected a refusal mentioning {expected!r}, got rc {run.returncode}: {run.stderr}")


def main():
    torch.set_num_threads(1)
    register_published_class_path()
    os.makedirs(FIXTURE, exist_ok=True)
    perm = band_permutation()
    with tempfile.TemporaryDirectory() as work:
        voxel_dir, voxel_net = make("voxel", work, perm)
        make("wavelet", work, perm)
        check_errors(work, voxel_dir, voxel_net)
    for name in sorted(os.listdir(FIXTURE)):
        print(f"{name}: {os.path.getsize(os.path.join(FIXTURE, name))} bytes")


if __name__ == "__main__":
    main()
