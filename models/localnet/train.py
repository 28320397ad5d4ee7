#!/usr/bin/python3
"""Train a CryoLithe-layout local reconstruction model (voxel or wavelet variant) on patches cut by the engine.

One seeded command regenerates a model (CPU, deterministic for a given thread count; two runs give
byte-identical ONNX files): `models/localnet/make_model.sh voxel|wavelet [PATCH]`, which runs (PATCH 11)

  node bin/wedgelab.js training-set --count 16 --min-size 64 --max-size 112 --seed 1 --out-dir /tmp/lnet/train
  node bin/wedgelab.js training-patches --set /tmp/lnet/train --points 8192 --patch 11 --seed 1 --variant voxel --out-dir /tmp/lnet/patches-voxel-p11
  /usr/bin/python3 models/localnet/train.py --data /tmp/lnet/patches-voxel-p11 --out models/localnet/broad_p11

and validate.py; with `--variant wavelet` the patches' targets are sub-bands and the same train.py gives the
wavelet model (models/localnet/broad_p11_wavelet): the variant follows the data.

Data (from `wedgelab training-patches`; no geometry here): per example patches [N, nTilts, P, P] cut from the
normalised, cosine-ramp-filtered tilts exactly as reconstructLocalnet cuts them, angles [nTilts] in degrees,
and targets [N] = (ground truth − its mean) / stack std, the scale reconstructLocalnet multiplies back; or,
for the wavelet variant, targets [N, 8]: that volume's bior3.1 sub-bands at half-grid points (the model
predicts all 8 at once, 8× fewer queries per tomogram; its MSE is over the coefficients).

Network (bias-free, ReLU; layout of models/tiny/make_tiny.py, which the ONNX interface follows):
  pe[t, 2i] = sin(θ_t / 1000^(2i/F)), pe[t, 2i+1] = cos(θ_t / 1000^(2i/F)), argument reduced to [−π, π]
  per patch row s (own weights): h = (row · W1[s]) ⊙ pe[t]; h = relu(h · W2[s]); mean over tilts; relu(· W3[s])
  out = relu(concat_s · Wc1) · Wc2
With --pool K (odd, > 1; patches cut K·P wide, `make_model.sh wavelet 11x3`) the model has two scales: the
centre P × P of its input, and the P × P means of its K × K blocks (cells K pixels apart, so the patch reaches
K·P pixels without aliasing), each through its own row set-MLPs, their features concatenated before Wc1. The
ONNX file takes the whole K·P-wide patch, so the engine cuts it like any other.
Training: each step takes one example (chosen ∝ its points) and a batch of its points; with probability 1/2
it drops 0–30 random tilts (at least 10 kept), as CryoLithe does, so the model sees varied tilt sets, and
with probability 1/2 it flips the sign of patches and targets (inverted contrast: the stack's normalisation
maps −stack to exactly −patches, and the target to −target). MSE
loss (PSNR is what we score), Adam with a cosine decay from 1e-3 to 1e-5: CryoLithe's constant 1e-4 is for
days of GPU training; with minutes of CPU a larger start converges faster (and the decay settles it).
The last two examples of the set are held out for the validation loss (same distribution, not the test).

Polarity: the exported model is OddNet(f), g(x) = (f(x) − f(−x)) / 2, odd by construction: a stack of
inverted contrast gives exactly the negated tomogram, so no polarity can make the model fill the wedge with
structure of the wrong sign relative to its input. With the sign flips above, the training distribution is
symmetric, f and −f(−·) are equally good estimators, and their average g is at least as good as f (the MSE
is convex). The validation loss is g's. The price is two evaluations of f per point.

A run longer than a session checkpoints: every --checkpoint-every steps (500) the model, the optimiser, the
generator's state and the loss rows go to --out/checkpoint.pt (replaced whole, so a killed run leaves the last
one), and the same command with --resume continues from there to the weights an uninterrupted run gives (bit for
bit, checked at 40 steps stopped at 20, same threads); it refuses a checkpoint written with other options. The
card's seconds then count the training up to each checkpoint, not the time lost after it. weights.pt replaces the
checkpoint at the end.

On a lent GPU (`--device cuda`; bench/device/train_localnet.sh makes the data there and trains in one call) the
run stops at weights.pt with `--no-export`; `--export-only --out DIR` then makes the rest here, with this machine's
torch, whose exporter writes the graph the engine reads. CUDA runs are not bit-reproducible.

Writes into --out: weights.pt (the trained f and its card's fields), model.onnx (opset 17, inputs patches/angles, output out [batch, 1 or 8]), loss.csv,
card.json (sizes, parameters, MACs per voxel, data, steps, losses), fixture.json (a small input and
torch's output for it, for the engine's check in src/engine/onnx/trainedModel.test.ts) and README.md, the
card (card.py; validate.py adds the validation table).
"""
import argparse
import glob
import json
import math
import os
import time

import numpy as np
import torch
from torch import nn

from card import MAKE_DATA_POINTS, write_card


class LocalNet(nn.Module):
    def __init__(self, P, F, H, G, C, n_out, seed, pool=1):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)

        def he(*shape):  # He-normal on the input dimension (second to last)
            return nn.Parameter(torch.randn(*shape, generator=gen) * math.sqrt(2.0 / shape[-2]))

        self.P, self.F, self.pool = P, F, pool
        self.W1 = he(P, 1, P, F)  # leading patch-row index; the 1 broadcasts over the batch
        self.W2 = he(P, 1, F, H)
        self.W3 = he(P, H, G)
        if pool > 1:  # the coarse scale's own row set-MLPs
            self.V1 = he(P, 1, P, F)
            self.V2 = he(P, 1, F, H)
            self.V3 = he(P, H, G)
        self.Wc1 = he(len(self.row_weights()) * P * G, C)
        self.Wc2 = he(C, n_out)
        j = torch.arange(F)
        self.register_buffer("inv_freq", 1000.0 ** (-(2 * (j // 2)).float() / F))
        self.register_buffer("even", (j % 2 == 0).float())

    def row_weights(self):
        """(W1, W2, W3) of each scale: the fine one, then (pool > 1) the coarse one."""
        fine = (self.W1, self.W2, self.W3)
        return [fine, (self.V1, self.V2, self.V3)] if self.pool > 1 else [fine]

    def split(self, patches):
        """The model's input [B, T, K·P, K·P] (K = pool) as its scales, each [B, T, P, P]: with K = 1 the patch
        itself; else the centre P × P (1-pixel spacing) and the K × K block means of the whole input (P × P
        cells K pixels apart, reaching K·P pixels: the low frequencies of a wider neighbourhood, unaliased)."""
        if self.pool == 1:
            return [patches]
        P, K = self.P, self.pool
        c = (K - 1) * P // 2
        B, T = patches.shape[0], patches.shape[1]
        return [patches[:, :, c:c + P, c:c + P], patches.reshape(B, T, P, K, P, K).mean(dim=(3, 5))]

    def encoding(self, angles):
        """[T, F]: sin on even columns, cos on odd ones, the argument reduced to [−π, π] in float32."""
        arg = angles[:, None] * self.inv_freq
        two_pi = 2 * math.pi
        arg = arg - torch.round(arg / two_pi) * two_pi
        return torch.sin(arg) * self.even + torch.cos(arg) * (1 - self.even)

    def row_features(self, patches, angles, W1, W2, W3):
        """[B, P·G]: every patch row through its own set-MLP, averaged over tilts."""
        rows = patches.permute(2, 0, 1, 3)  # [P, B, T, P]: one batched MatMul per patch row
        h = torch.matmul(rows, W1) * self.encoding(angles)
        h = torch.relu(torch.matmul(h, W2)).mean(dim=2)  # [P, B, H]
        h = torch.relu(torch.matmul(h, W3))  # [P, B, G]
        return h.permute(1, 0, 2).reshape(-1, self.P * W3.shape[2])

    def forward_scales(self, scales, angles):
        feats = [self.row_features(x, angles, *w) for x, w in zip(scales, self.row_weights())]
        flat = feats[0] if len(feats) == 1 else torch.cat(feats, dim=1)
        return torch.matmul(torch.relu(torch.matmul(flat, self.Wc1)), self.Wc2)

    def forward(self, patches, angles):
        return self.forward_scales(self.split(patches), angles)


class OddNet(nn.Module):
    """g(x) = (f(x) − f(−x)) / 2 for a LocalNet f: odd in its patches, so contrast inversion negates its output
    exactly. Both signs go through f as one batch."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward_scales(self, scales, angles):
        n = scales[0].shape[0]
        both = self.net.forward_scales([torch.cat([x, -x]) for x in scales], angles)
        return 0.5 * (both[:n] - both[n:])

    def forward(self, patches, angles):
        return self.forward_scales(self.net.split(patches), angles)


def declare_output_shape(onnx_path, n_out):
    """Write the output's shape [batch, n_out] into the exported graph: OddNet's slicing of the two signs'
    batch leaves the exporter's shape inference without n_out, and the engine reads the variant from it."""
    import onnx
    graph = onnx.load(onnx_path)
    graph.graph.output[0].type.tensor_type.shape.dim[1].dim_value = n_out
    onnx.checker.check_model(graph)
    onnx.save(graph, onnx_path)


def macs_per_voxel(P, F, H, G, C, n_out, n_tilts, pool=1):
    """Multiply–accumulates of one voxel (the encoding, shared by all voxels, not counted); with pool > 1 two
    scales of row set-MLPs, and the block means' additions counted as MACs."""
    scales = 2 if pool > 1 else 1
    per_tilt_row = P * F + F + F * H  # W1, ⊙ pe, W2
    pooling = n_tilts * (pool * P) ** 2 if pool > 1 else 0
    per_point = scales * (n_tilts * P * per_tilt_row + P * H * G) + scales * P * G * C + C * n_out + pooling
    return 2 * per_point / n_out  # OddNet runs f twice; a wavelet point gives 8 voxels' worth of coefficients


def patch_record(data_dir):
    """What the patches in `data_dir` were cut from and with (`wedgelab training-patches`' patches.json): the card's
    fields "patchPoints" (make_data.sh's default for sets older than the record) and, for a set drawn with a CTF,
    "trainingCtf" (its --ctf-fraction, --ctf-pixel-size and --ctf-target), which the card's command names."""
    path = os.path.join(data_dir, "patches.json")
    record = json.load(open(path)) if os.path.exists(path) else {}
    return {"patchPoints": record.get("points", MAKE_DATA_POINTS), **({"trainingCtf": record["ctf"]} if "ctf" in record else {})}


def load(data_dir, split, device):
    """The examples, each with its patches as the model's scales (`split`: LocalNet.split; done once here, in
    chunks from the memory-mapped file, so a two-scale set's wide patches never sit in memory whole), on
    `device` (a GPU holds the whole set: 7.7 GB of 11 × 11 patches for 32 volumes)."""
    examples = []
    for d in sorted(glob.glob(os.path.join(data_dir, "example_*"))):
        patches = np.load(os.path.join(d, "patches.npy"), mmap_mode="r")
        chunks = [split(torch.from_numpy(np.array(patches[i:i + 1024]))) for i in range(0, len(patches), 1024)]
        examples.append({
            "name": os.path.basename(d),
            "scales": [torch.cat(parts).to(device) for parts in zip(*chunks)],
            "angles": torch.from_numpy(np.load(os.path.join(d, "angles.npy"))).to(device),
            "targets": torch.from_numpy(np.load(os.path.join(d, "targets.npy"))).reshape(len(patches), -1).to(device),
        })
    if len(examples) < 3:
        raise SystemExit(f"need at least 3 examples in {data_dir}")
    return examples


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=7000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--features", type=int, default=16)  # F
    ap.add_argument("--hidden", type=int, default=16)  # H
    ap.add_argument("--row-features", type=int, default=8)  # G
    ap.add_argument("--combine", type=int, default=32)  # C
    ap.add_argument("--pool", type=int, default=1)  # K: 1, or an odd K for two scales from K·P-wide patches
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--lr-end", type=float, default=1e-5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")  # cuda: a lent GPU (bench/device/train_localnet.sh)
    ap.add_argument("--max-seconds", type=float, default=0)  # > 0: the schedule runs on time too, and ends by then
    ap.add_argument("--no-export", action="store_true")  # stop at weights.pt (a lent GPU); then --export-only here
    ap.add_argument("--export-only", action="store_true")  # export --out's weights.pt; --data unused
    # A run longer than a session: every N steps the whole state goes to --out's checkpoint.pt, and --resume
    # continues from it, to the same weights as a run never stopped (same options and threads).
    ap.add_argument("--checkpoint-every", type=int, default=500)
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()
    if args.export_only:
        return export(args.out)
    if not args.data:
        raise SystemExit("--data DIR is required (the patches of `wedgelab training-patches`)")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch sees no CUDA GPU here")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)

    first = sorted(glob.glob(os.path.join(args.data, "example_*")))[:1]
    if not first:
        raise SystemExit(f"no examples in {args.data}")
    width = np.load(os.path.join(first[0], "patches.npy"), mmap_mode="r").shape[2]
    K = args.pool
    if K < 1 or K % 2 == 0 or width % K:
        raise SystemExit(f"--pool must be 1 or odd and divide the patches' width {width} (got {K})")
    P = width // K
    n_out = np.load(os.path.join(first[0], "targets.npy")).size // len(np.load(os.path.join(first[0], "points.npy")))
    if n_out not in (1, 8):
        raise SystemExit(f"targets have {n_out} values per point: expected 1 (voxels) or 8 (sub-bands)")
    variant = "voxel" if n_out == 1 else "wavelet"
    F, H, G, C = args.features, args.hidden, args.row_features, args.combine
    # The weights are drawn on the CPU from the seed, then moved: the same initial model on either device.
    model = LocalNet(P, F, H, G, C, n_out, args.seed, K).to(args.device)
    odd = OddNet(model)
    examples = load(args.data, model.split, args.device)
    train, held = examples[:-2], examples[-2:]
    n_params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    weights = np.array([len(e["targets"]) for e in train], float)
    weights /= weights.sum()
    # Fixed validation points: the first 2048 of each held-out example (rows are already random).
    val = [([x[:2048] for x in e["scales"]], e["angles"], e["targets"][:2048]) for e in held]
    val_var = float(np.mean([float((t ** 2).mean()) for _, _, t in val]))

    def val_loss():
        with torch.no_grad():
            return float(np.mean([float(((odd.forward_scales(x, a) - t) ** 2).mean()) for x, a, t in val]))

    rows, running, step, progress, before = [], [], 0, 0.0, 0.0
    checkpoint = os.path.join(args.out, "checkpoint.pt")
    if args.resume:
        step, rows, running, before = resume(checkpoint, args, model, opt, rng)
        progress = step / args.steps
    started = time.time() - before  # seconds of training, over every session of a resumed run
    while progress < 1:
        step += 1
        lr = args.lr_end + 0.5 * (args.lr - args.lr_end) * (1 + math.cos(math.pi * progress))
        for group in opt.param_groups:
            group["lr"] = lr
        e = train[rng.choice(len(train), p=weights)]
        idx = torch.from_numpy(rng.choice(len(e["targets"]), size=args.batch, replace=False)).to(args.device)
        T = len(e["angles"])
        keep = np.arange(T)
        if rng.random() < 0.5:
            drop = rng.integers(0, min(30, T - 10) + 1)
            keep = np.sort(rng.choice(T, size=T - drop, replace=False))
        keep = torch.from_numpy(keep).to(args.device)
        sign = -1.0 if rng.random() < 0.5 else 1.0
        pred = model.forward_scales([sign * x[idx][:, keep] for x in e["scales"]], e["angles"][keep])
        loss = ((pred - sign * e["targets"][idx]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        # Relative to the target's mean square (predicting 0 scores 1), so examples of any SNR weigh alike in the log.
        running.append(float(loss) / float((e["targets"][idx] ** 2).mean()))
        # The fraction of the schedule done: by steps, or by --max-seconds where time runs out first (a lent
        # GPU's call has a hard limit; the learning rate still decays to its end before the time is up).
        progress = step / args.steps
        if args.max_seconds > 0:
            progress = max(progress, (time.time() - started) / args.max_seconds)
        if step % args.eval_every == 0 or progress >= 1:
            row = {"step": step, "seconds": round(time.time() - started, 1), "lr": lr, "train_rel_mse": float(np.mean(running)), "val_rel_mse": val_loss() / val_var}
            running = []
            rows.append(row)
            print(json.dumps(row), flush=True)
        # (A schedule that follows the clock, --max-seconds, cannot be resumed: no checkpoints for it.)
        if args.checkpoint_every > 0 and args.max_seconds <= 0 and step % args.checkpoint_every == 0 and progress < 1:
            save_checkpoint(checkpoint, args, step, model, opt, rng, rows, running, time.time() - started)

    with open(os.path.join(args.out, "loss.csv"), "w") as f:
        f.write("step,seconds,lr,train_rel_mse,val_rel_mse\n")
        for r in rows:
            f.write(f"{r['step']},{r['seconds']},{r['lr']:.3e},{r['train_rel_mse']:.5f},{r['val_rel_mse']:.5f}\n")

    card = {
        "variant": variant, "odd": True, "patch": P, "pool": K, "features": F, "hidden": H, "rowFeatures": G, "combineHidden": C, "outputs": n_out,
        "parameters": n_params,
        "macsPerVoxel": {str(t): round(macs_per_voxel(P, F, H, G, C, n_out, t, K)) for t in (41, 61, 121)},
        "trainExamples": [e["name"] for e in train], "heldOutExamples": [e["name"] for e in held],
        "trainPoints": int(sum(len(e["targets"]) for e in train)),
        # The points asked of `wedgelab training-patches` per example, and the set's CTF draw if any, which the card's command names.
        **patch_record(args.data),
        "steps": step, "batch": args.batch, "lr": [args.lr, args.lr_end], "seed": args.seed,
        "seconds": rows[-1]["seconds"], "final": rows[-1],
        # Where it trained, and the options that differ from the defaults (the card's command line adds them).
        "machine": f"a GPU ({torch.cuda.get_device_name()})" if args.device == "cuda" else f"{args.threads} CPU thread(s)",
        "torch": torch.__version__.split("+")[0],
        "trainOptions": " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()
                                 if k not in ("data", "out", "pool", "no_export", "resume", "checkpoint_every") and v != ap.get_default(k)),
    }
    # The weights with what rebuilds the network, so that `--export-only` can make the ONNX file elsewhere
    # (a lent GPU's newer torch need not export as the engine expects; this machine's torch does).
    torch.save({"state": {k: v.cpu() for k, v in model.state_dict().items()}, "card": card},
               os.path.join(args.out, "weights.pt"))
    if os.path.exists(checkpoint):  # weights.pt supersedes it
        os.remove(checkpoint)
    if not args.no_export:
        export(args.out)


# The options a checkpoint must share with the run that resumes it (the others change no number).
RESUME_IGNORES = ("resume", "checkpoint_every", "eval_every", "no_export")


def save_checkpoint(path, args, step, model, opt, rng, rows, running, seconds):
    """Everything the loop's next step depends on, written whole or not at all (a killed session leaves the
    previous checkpoint)."""
    state = {"step": step, "model": model.state_dict(), "opt": opt.state_dict(), "rng": rng.bit_generator.state,
             "rows": rows, "running": running, "seconds": seconds,
             "options": {k: v for k, v in vars(args).items() if k not in RESUME_IGNORES}}
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)


def resume(path, args, model, opt, rng):
    """Restore `save_checkpoint`'s state into the fresh model, optimiser and generator; the step, loss rows,
    running losses and seconds trained so far."""
    if not os.path.exists(path):
        raise SystemExit(f"--resume: no checkpoint at {path} (a run writes one every --checkpoint-every steps)")
    if args.max_seconds > 0:
        raise SystemExit("--resume continues a schedule by steps; --max-seconds makes it follow the clock, which a resumed run cannot repeat")
    state = torch.load(path)
    options = {k: v for k, v in vars(args).items() if k not in RESUME_IGNORES}
    changed = sorted(k for k in options.keys() | state["options"].keys() if options.get(k) != state["options"].get(k))
    if changed:
        raise SystemExit(f"--resume: {path} was written with other options: " +
                         ", ".join(f"--{k.replace('_', '-')} {state['options'].get(k)} (now {options.get(k)})" for k in changed))
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    rng.bit_generator.state = state["rng"]
    print(f"resumed at step {state['step']} of {args.steps} ({state['seconds']:.0f} s trained)", flush=True)
    return state["step"], state["rows"], state["running"], state["seconds"]


def export(out):
    """From out/weights.pt (train's), on the CPU: model.onnx, fixture.json, card.json and the card."""
    saved = torch.load(os.path.join(out, "weights.pt"))
    card = saved["card"]
    P, K, n_out = card["patch"], card["pool"], card["outputs"]
    model = LocalNet(P, card["features"], card["hidden"], card["rowFeatures"], card["combineHidden"], n_out, card["seed"], K)
    model.load_state_dict(saved["state"])
    odd = OddNet(model).eval()
    width = K * P
    onnx_path = os.path.join(out, "model.onnx")
    dummy = (torch.zeros(2, 5, width, width), torch.linspace(-60, 60, 5))
    torch.onnx.export(
        odd, dummy, onnx_path, input_names=["patches", "angles"], output_names=["out"], opset_version=17,
        dynamic_axes={"patches": {0: "batch", 1: "nTilts"}, "angles": {0: "nTilts"}, "out": {0: "batch"}},
    )
    declare_output_shape(onnx_path, n_out)

    # A small fixture: torch's float32 output for seeded random patches, for the engine's check.
    frng = np.random.default_rng(7)
    fx_patches = (frng.standard_normal((4, 9, width, width)) * 0.08).astype(np.float32)
    fx_angles = np.linspace(-57, 63, 9).astype(np.float32)
    with torch.no_grad():
        fx_out = odd(torch.from_numpy(fx_patches), torch.from_numpy(fx_angles)).numpy()
    with open(os.path.join(out, "fixture.json"), "w") as f:
        json.dump({"shape": list(fx_patches.shape), "patches": [float(v) for v in fx_patches.ravel()],
                   "angles": [float(v) for v in fx_angles], "out": [float(v) for v in fx_out.ravel()]}, f)
        f.write("\n")

    card["exportTorch"] = torch.__version__.split("+")[0]
    with open(os.path.join(out, "card.json"), "w") as f:
        json.dump(card, f, indent=1)
        f.write("\n")
    write_card(out)
    print(json.dumps(card))


if __name__ == "__main__":
    main()
