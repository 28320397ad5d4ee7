#!/usr/bin/python3
"""Tiny CryoLithe-layout models for tests (no training, no network access).

Writes, next to this script:
  tiny_voxel.onnx   / tiny_voxel.json     one output per voxel
  tiny_wavelet.onnx / tiny_wavelet.json   8 bior3.1 sub-band coefficients per half-grid point

The .json files hold the same float32 weights as the .onnx initializers (checked below after
re-reading the saved .onnx), for the TypeScript CPU evaluation in src/engine/reference/localnet.ts.

Needs Debian's python3-onnx (1.12, opset ≤ 17) and numpy:  apt-get install -y python3-onnx
Run: /usr/bin/python3 models/tiny/make_tiny.py   (deterministic: seeded weights)

Network (bias-free, like CryoLithe; see README.md here and docs/background.md#cryolithe):
  inputs  patches [batch, nTilts, P, P] (row s along the tilt axis v, column along u), angles [nTilts] in degrees
  pe[t, 2i] = sin(θ_t / 1000^(2i/F)),  pe[t, 2i+1] = cos(θ_t / 1000^(2i/F))
      (the argument, up to 90 since θ is in degrees, is first reduced to [−π, π] in float32:
       a − 2π·round(a/2π). WGSL's sin and cos are only accurate there (2^-11 absolute, by the
       spec), so without it onnxruntime-web's WebGPU backend is off by ~1e-4 of the output.)
  for every patch row s (own weights per row):
      h = (patches[:, t, s, :] @ W1[s]) * pe[t]            P → F, times the angle encoding
      h = relu(h @ W2[s])                                  F → H
      h = mean over tilts t                                (any number of tilts)
      f_s = relu(h @ W3[s])                                H → G
  out = relu(concat_s(f_s) @ Wc1) @ Wc2                    P·G → C → nOut
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

P, F, H, G, C = 5, 8, 16, 4, 16
OPSET = 17
HERE = os.path.dirname(os.path.abspath(__file__))


def weights(seed, n_out):
    rng = np.random.default_rng(seed)

    def he(*shape):
        fan_in = shape[-2]
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    return {
        "W1": he(P, P, F),  # [row][col][F]
        "W2": he(P, F, H),
        "W3": he(P, H, G),
        "Wc1": he(P * G, C),
        "Wc2": he(C, n_out),
    }


def angle_encoding_constants():
    """1/1000^(2i/F) for columns 2i and 2i+1, and masks selecting sin (even) and cos (odd) columns."""
    j = np.arange(F)
    inv_freq = (1000.0 ** (-(2 * (j // 2)) / F)).astype(np.float32)
    even = (j % 2 == 0).astype(np.float32)
    return inv_freq, even, (1 - even).astype(np.float32)


def build(w, n_out, name):
    inv_freq, even, odd = angle_encoding_constants()
    inits = [
        numpy_helper.from_array(w["W1"].reshape(P, 1, P, F), "W1"),
        numpy_helper.from_array(w["W2"].reshape(P, 1, F, H), "W2"),
        numpy_helper.from_array(w["W3"], "W3"),
        numpy_helper.from_array(w["Wc1"], "Wc1"),
        numpy_helper.from_array(w["Wc2"], "Wc2"),
        numpy_helper.from_array(inv_freq, "inv_freq"),
        numpy_helper.from_array(even, "even"),
        numpy_helper.from_array(odd, "odd"),
        numpy_helper.from_array(np.array(2 * np.pi, np.float32), "two_pi"),
        numpy_helper.from_array(np.array([1], np.int64), "axis1"),
        numpy_helper.from_array(np.array([-1, P * G], np.int64), "flat_shape"),
    ]
    n = helper.make_node
    nodes = [
        # Angle encoding [T, F]: exact sin/cos columns selected by 0/1 masks.
        n("Unsqueeze", ["angles", "axis1"], ["angles_col"]),
        n("Mul", ["angles_col", "inv_freq"], ["arg_full"]),
        n("Div", ["arg_full", "two_pi"], ["turns"]),
        n("Round", ["turns"], ["whole_turns"]),
        n("Mul", ["whole_turns", "two_pi"], ["wrap"]),
        n("Sub", ["arg_full", "wrap"], ["arg"]),
        n("Sin", ["arg"], ["sin"]),
        n("Cos", ["arg"], ["cos"]),
        n("Mul", ["sin", "even"], ["sin_even"]),
        n("Mul", ["cos", "odd"], ["cos_odd"]),
        n("Add", ["sin_even", "cos_odd"], ["pe"]),
        # Rows first, so that one batched MatMul applies each row's own weights: [P, B, T, P].
        n("Transpose", ["patches"], ["rows"], perm=[2, 0, 1, 3]),
        n("MatMul", ["rows", "W1"], ["h1"]),  # [P, B, T, F]
        n("Mul", ["h1", "pe"], ["h1pe"]),  # broadcasts pe over rows and batch
        n("MatMul", ["h1pe", "W2"], ["h2"]),  # [P, B, T, H]
        n("Relu", ["h2"], ["h2r"]),
        n("ReduceMean", ["h2r"], ["hm"], axes=[2], keepdims=0),  # mean over tilts: [P, B, H]
        n("MatMul", ["hm", "W3"], ["h3"]),  # [P, B, G]
        n("Relu", ["h3"], ["h3r"]),
        n("Transpose", ["h3r"], ["feat"], perm=[1, 0, 2]),  # [B, P, G]
        n("Reshape", ["feat", "flat_shape"], ["flat"]),  # [B, P·G], row-major: row s, then feature
        n("MatMul", ["flat", "Wc1"], ["c1"]),
        n("Relu", ["c1"], ["c1r"]),
        n("MatMul", ["c1r", "Wc2"], ["out"]),  # [B, nOut]
    ]
    graph = helper.make_graph(
        nodes,
        name,
        [
            helper.make_tensor_value_info("patches", TensorProto.FLOAT, ["batch", "nTilts", P, P]),
            helper.make_tensor_value_info("angles", TensorProto.FLOAT, ["nTilts"]),
        ],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", n_out])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="wedgelab make_tiny.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def forward_numpy(w, patches, angles):
    """The same network in float64 numpy, as a check of the graph's wiring (used only below)."""
    inv_freq, even, odd = angle_encoding_constants()
    two_pi = np.float32(2 * np.pi)
    arg = angles[:, None].astype(np.float32) * inv_freq
    arg = (arg - np.round(arg / two_pi) * two_pi).astype(np.float64)  # float32 range reduction, as the graph
    pe = np.sin(arg) * even + np.cos(arg) * odd
    feats = []
    for s in range(P):
        h = (patches[:, :, s, :] @ w["W1"][s]) * pe
        h = np.maximum(h @ w["W2"][s], 0).mean(axis=1)
        feats.append(np.maximum(h @ w["W3"][s], 0))
    return np.maximum(np.concatenate(feats, axis=1) @ w["Wc1"], 0) @ w["Wc2"]


def main():
    for variant, n_out, seed in (("voxel", 1, 5), ("wavelet", 8, 8)):
        w = weights(seed, n_out)
        model = build(w, n_out, f"tiny_{variant}")
        path = os.path.join(HERE, f"tiny_{variant}.onnx")
        onnx.save(model, path)
        # Re-read the saved file: the JSON must carry exactly its initializers.
        saved = {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
        for key, value in w.items():
            assert np.array_equal(saved[key].reshape(value.shape), value), key
        card = {
            "variant": variant,
            "patch": P,
            "features": F,
            "hidden": H,
            "rowFeatures": G,
            "combineHidden": C,
            "outputs": n_out,
            "seed": seed,
            "layout": "each weight is row-major [in][out] (x @ W); W1, W2, W3 carry a leading patch-row index",
            # float32 values printed by Python's repr round-trip exactly.
            "weights": {k: {"shape": list(v.shape), "data": [float(x) for x in v.ravel()]} for k, v in w.items()},
        }
        with open(os.path.join(HERE, f"tiny_{variant}.json"), "w") as f:
            json.dump(card, f, separators=(",", ":"))
            f.write("\n")
        x = np.random.default_rng(1).standard_normal((3, 4, P, P))
        print(variant, os.path.getsize(path), "bytes; numpy out[0] =", forward_numpy(w, x, np.array([-50.0, -10.0, 20.0, 45.0]))[0])


if __name__ == "__main__":
    main()
