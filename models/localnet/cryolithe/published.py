"""The published CryoLithe network ("SliceSet"), as a PyTorch module of our own.

Written from facts read in the reference code (swing-research/CryoLithe, src/CryoLithe/models/sliceSet.py and
models/standardmlp.py; see README.md here), not copied from it. What has to match is the published module
tree, so that a published checkpoint's `model_state_dict` loads with the same keys and shapes, and the
published forward, so that the numbers match:

  slice_transformers.{s}.up_layer                 Linear(P → set_input), bias = radon_bias
  slice_transformers.{s}.setMlP.layers.{j}        set_num_layers Linear (set_input → set_hidden_size → …)
  slice_transformers.{s}.setMlP.last_layer        Linear(set_hidden_size → set_output)
  slice_transformers.{s}.mlp.layers.{j}           slice_mlp_num_layers Linear (set_output → slice_mlp_hidden_size → …)
  slice_transformers.{s}.mlp.last_layer           Linear(slice_mlp_hidden_size → mlp_output)
  combination_mlp.layers.{j}, .last_layer         (P·mlp_output → combine_mlp_hidden → … → output_size)
  combination_mlp.batch_norms.{j}                 only with combine_batch_norm
  pos_encoder                                     only with learned_positional_encoding: Linear(1 → encoding size)

One "MLP" (standardMLP) is: for every hidden layer j, h = relu(layer_j(h)), plus the layer's input when
skip connections are on and j > 0 (the first layer changes the width); then a plain linear last layer
(no activation). Batch norm, when on, sits between layer_j and the ReLU. Dropout is a no-op in evaluation.

Forward, in the published conventions (what the published evaluator feeds it):
  x       [batch, nTilts, P, P]: patch axis 2 runs along the tilt axis (projection rows, y), axis 3 across
          it (projection columns, x = the u direction); offsets j − ⌊P/2⌋ pixels, bilinear, zeros outside.
  angles  [batch, nTilts] in RADIANS, every row the same (the evaluator repeats the stack's angles; the
          encoding reads row 0 only).
  x is permuted to [batch, P (axis `slice_index`), nTilts, P (axis `compare_index`)]; slice s goes to its
  own row network: up_layer on each tilt's P values, ⊙ (or +) the angle encoding, setMlP, mean over tilts
  (or the first tilt), mlp → mlp_output features; the P feature vectors are concatenated in slice order
  and go through combination_mlp. With learn_residual the mean over tilts of the patch centre is added.
  Angle encoding (size d, base b): θ° = angle·180/π, pe[2i] = sin(θ°/b^(2i/d)), pe[2i+1] = cos(θ°/b^(2i/d)),
  i < d/2 (an odd d leaves the last column 0).
"""
import math

import torch
from torch import nn

# SliceSet's keyword defaults in the published code: a config.json may omit any of these.
SLICESET_DEFAULTS = {
    "slice_index": 2,
    "compare_index": 3,
    "learn_residual": False,
    "set_input": 512,
    "set_output": None,  # → set_input
    "set_hidden_size": 1024,
    "set_num_layers": 3,
    "set_skip_connection": False,
    "set_bias": False,
    "radon_bias": True,
    "learned_positional_encoding": False,
    "learned_positional_encoding_use_softmax": False,
    "slice_transformer_avg_pooling": True,
    "slice_transformer_positional_encoding_size": 128,
    "slice_transformer_positional_encoding_base": 1000,
    "sice_transformer_transformer_positional_encoding_add_angle": False,  # sic, the published key names
    "sice_transformer_positional_encoding_mult_angle": False,
    "slice_mlp_hidden_size": 512,
    "slice_mlp_num_layers": 3,
    "slice_mlp_skip_connection": False,
    "slice_mlp_bias": False,
    "combine_mlp_layers": 5,
    "combine_mlp_hidden": 256,
    "combine_dropout": 0,
    "combine_batch_norm": False,
    "combine_learn_residual": False,  # a no-op in the published MLP
    "combine_skip_connection": False,
    "combine_mlp_bias": False,
    "output_size": 1,
}
REQUIRED = ("mlp_output", "patch_size")


class ConfigError(ValueError):
    """The model configuration is not one this module can reproduce."""


class PlainMLP(nn.Module):
    """The published standardMLP: `layers` (ModuleList), optional `batch_norms`, `last_layer`."""

    def __init__(self, n_in, n_out, hidden, n_layers, skip=False, bias=True, batch_norm=False):
        super().__init__()
        widths = [hidden] * n_layers if isinstance(hidden, int) else list(hidden)
        if len(widths) != n_layers or n_layers < 1:
            raise ConfigError(f"an MLP needs one hidden width per layer ({n_layers} layers, widths {hidden})")
        if skip and any(a != b for a, b in zip(widths[:-1], widths[1:])):
            raise ConfigError(f"skip connections need equal hidden widths (got {widths})")
        self.skip = skip
        self.layers = nn.ModuleList(nn.Linear(a, b, bias=bias) for a, b in zip([n_in] + widths[:-1], widths))
        if batch_norm:
            self.batch_norms = nn.ModuleList(nn.BatchNorm1d(w) for w in widths)
        self.last_layer = nn.Linear(widths[-1], n_out, bias=bias)

    def forward(self, h):
        norms = getattr(self, "batch_norms", None)
        for j, layer in enumerate(self.layers):
            y = layer(h)
            if norms is not None:
                y = norms[j](y)
            y = torch.relu(y)
            h = y + h if self.skip and j > 0 else y
        return self.last_layer(h)


class RowNetwork(nn.Module):
    """One patch row's set network (the published RadonSet): up_layer, setMlP, mlp."""

    def __init__(self, c):
        super().__init__()
        set_output = c["set_output"] if c["set_output"] is not None else c["set_input"]
        self.combine = c["combine"]
        self.avg_pooling = c["slice_transformer_avg_pooling"]
        self.up_layer = nn.Linear(c["patch_size"], c["set_input"], bias=c["radon_bias"])
        self.setMlP = PlainMLP(c["set_input"], set_output, c["set_hidden_size"], c["set_num_layers"],
                               skip=c["set_skip_connection"], bias=c["set_bias"])
        self.mlp = PlainMLP(set_output, c["mlp_output"], c["slice_mlp_hidden_size"], c["slice_mlp_num_layers"],
                            skip=c["slice_mlp_skip_connection"], bias=c["slice_mlp_bias"])

    def forward(self, rows, encoding):
        """rows [batch, nTilts, P], encoding broadcastable to [batch, nTilts, set_input] → [batch, mlp_output]."""
        h = self.up_layer(rows)
        h = h * encoding if self.combine == "multiply" else h + encoding
        h = self.setMlP(h)
        h = h.mean(dim=1) if self.avg_pooling else h[:, 0]
        return self.mlp(h)


class PublishedSliceSet(nn.Module):
    """The published SliceSet network; state_dict keys and shapes as a published checkpoint's."""

    def __init__(self, model_config):
        super().__init__()
        c = resolve_model_config(model_config)
        self.config = c
        self.patch_size = c["patch_size"]
        self.slice_index, self.compare_index = c["slice_index"], c["compare_index"]
        self.learn_residual = c["learn_residual"]
        self.encoding_size = c["slice_transformer_positional_encoding_size"]
        self.encoding_base = float(c["slice_transformer_positional_encoding_base"])
        self.learned_encoding = c["learned_positional_encoding"]
        # Off by default (the published arithmetic); convert.py turns it on for export: WebGPU's sin/cos
        # are only specified on [−π, π], so the argument is reduced there first (same value in exact arithmetic).
        self.reduce_angle_argument = False
        if self.learned_encoding:
            self.pos_encoder = nn.Linear(1, self.encoding_size, bias=c["radon_bias"])
            self.pos_softmax = c["learned_positional_encoding_use_softmax"]
        self.slice_transformers = nn.ModuleList(RowNetwork(c) for _ in range(self.patch_size))
        self.combination_mlp = PlainMLP(self.patch_size * c["mlp_output"], c["output_size"], c["combine_mlp_hidden"],
                                        c["combine_mlp_layers"], skip=c["combine_skip_connection"],
                                        bias=c["combine_mlp_bias"], batch_norm=c["combine_batch_norm"])
        d = self.encoding_size
        j = torch.arange(d)
        self.register_buffer("inv_freq", (self.encoding_base ** (-(2 * (j // 2)).double() / d)).float(), persistent=False)
        self.register_buffer("sin_mask", ((j % 2 == 0) & (j < 2 * (d // 2))).float(), persistent=False)
        self.register_buffer("cos_mask", (j % 2 == 1).float(), persistent=False)

    def angle_encoding(self, angles):
        """angles [batch, nTilts] in radians → [nTilts, d] (fixed) or [batch, nTilts, d] (learned)."""
        if self.learned_encoding:
            pe = self.pos_encoder(angles.unsqueeze(-1))
            return torch.softmax(pe, dim=-1) if self.pos_softmax else pe
        degrees = angles[0] * (180.0 / math.pi)
        arg = degrees[:, None] * self.inv_freq
        if self.reduce_angle_argument:
            arg = arg - torch.round(arg / (2 * math.pi)) * (2 * math.pi)
        return torch.sin(arg) * self.sin_mask + torch.cos(arg) * self.cos_mask

    def forward(self, x, angles):
        residual = x[:, :, self.patch_size // 2, self.patch_size // 2].mean(dim=1) if self.learn_residual else None
        x = x.permute(0, self.slice_index, 1, self.compare_index)
        encoding = self.angle_encoding(angles)
        features = torch.cat([net(x[:, s], encoding) for s, net in enumerate(self.slice_transformers)], dim=1)
        out = self.combination_mlp(features)
        return out + residual.unsqueeze(1) if residual is not None else out


def resolve_model_config(model_config):
    """The published `model` section (config.json) with SliceSet's defaults filled in, checked."""
    if not isinstance(model_config, dict):
        raise ConfigError("the configuration has no 'model' section (a dict)")
    kind = model_config.get("type", "SliceSet")
    if kind != "SliceSet":
        raise ConfigError(f"model type {kind!r}: only the published 'SliceSet' network (CryoLithe's released models) is supported")
    missing = [k for k in REQUIRED if k not in model_config]
    if missing:
        raise ConfigError(f"the model configuration lacks {', '.join(missing)}")
    c = dict(SLICESET_DEFAULTS)
    c.update({k: v for k, v in model_config.items() if k != "type"})
    if sorted((c["slice_index"], c["compare_index"])) != [2, 3]:
        raise ConfigError(f"slice_index/compare_index must be the patch axes 2 and 3 (got {c['slice_index']}, {c['compare_index']})")
    add = c["sice_transformer_transformer_positional_encoding_add_angle"]
    mult = c["sice_transformer_positional_encoding_mult_angle"]
    if not add and not mult:
        raise ConfigError("the angle encoding is concatenated to the features: the published code itself cannot run that "
                          "layout (setMlP expects set_input features), so it is not supported")
    c["combine"] = "add" if add else "multiply"  # the published code tests 'add' first
    if c["slice_transformer_positional_encoding_size"] != c["set_input"]:
        raise ConfigError(f"the angle encoding size ({c['slice_transformer_positional_encoding_size']}) must equal set_input "
                          f"({c['set_input']}): it is combined element-wise with the up-projected rows")
    for k in ("patch_size", "mlp_output", "set_input", "output_size"):
        if not isinstance(c[k], int) or c[k] < 1:
            raise ConfigError(f"{k} must be a positive integer (got {c[k]!r})")
    return c


def variant_of(config):
    """'voxel' (1 output) or 'wavelet' (8 bior3.1 sub-bands, one level); ConfigError otherwise."""
    model = config.get("model", {})
    outputs = model.get("output_size", SLICESET_DEFAULTS["output_size"])
    training = config.get("training", {}) or {}
    wavelet_trainer = bool(training.get("use_wavelet_trainer", False))
    if outputs == 1 and not wavelet_trainer:
        return "voxel"
    if outputs == 8 and wavelet_trainer:
        wavelet, levels = training.get("wavelet"), training.get("wavelet_levels", 1)
        if wavelet != "bior3.1" or levels != 1:
            raise ConfigError(f"the wavelet variant here is one level of bior3.1 (the engine's inverse transform); this model uses {wavelet!r}, {levels} level(s)")
        return "wavelet"
    raise ConfigError(f"{outputs} output(s) with use_wavelet_trainer={wavelet_trainer}: expected 1 output (voxels) or 8 with the wavelet trainer")


def build_from_config(config):
    """The published network for a checkpoint's configuration (config.json: sections model, data, training)."""
    if not isinstance(config, dict):
        raise ConfigError("the configuration is not a mapping")
    training = config.get("training", {}) or {}
    if training.get("use_angle", True) is False:
        raise ConfigError("training.use_angle is false: the SliceSet network needs the tilt angles")
    variant_of(config)
    return PublishedSliceSet(config.get("model"))
