#!/usr/bin/python3
"""Train the latent back-projection network (tilt synthesis, docs/synthesis.md), export it as three ONNX files.

  models/synth/make_data.sh /tmp/synth/train 36          # noise-free series −87…87°, six phantom families
  /usr/bin/python3 models/synth/train.py --data /tmp/synth/train --out models/synth/lbp_small
  /usr/bin/python3 models/synth/train.py --init models/synth/lbp_small --tilts S.mrc --angles S.tlt --out DIR

The network (the paper's layout, ../README.md §3; sizes in card.json):
  1. encoder (2-D, ResNet blocks): each tilt [1, H, W] → C latent channels at [H/F, W/F], F = 4;
  2. back-projection of the K latent tilts at their angles into a C-channel latent volume [C, D, H/F, W/F]
     (D = ceil(thickness / F)), the engine's projector at the latent grid (geometry.py), weight 1/K;
  3. refiner (3-D convolutions, residual) on that volume;
  4. projection of the refined volume at the requested angles, weight 1/D;
  5. decoder (2-D, ResNet blocks, two 2× transposed convolutions): [C, H/F, W/F] → [1, H, W].
Steps 2 and 4 are not in the ONNX files: the engine runs its own projector there, so train and run share one
geometry (test_geometry.py). F = 4, not the paper's 16: the demo series are 32–80 pixels wide, and 1/16 would
leave 2–5 latent pixels across a tilt, too coarse to place anything.
Input normalisation: the measured tilts minus their mean, over their (population) std, one mean and std for the
whole series; the output is multiplied back. H and W must be multiples of F (the engine pads).

Training, a masked autoencoder on simulations with ground truth (--data): each step takes one series, keeps
the tilts within ±R (R uniform in 40…70°), hides a random 0–25 % of those, adds Gaussian noise at an SNR
uniform in −10…+10 dB (docs/conventions.md#noise-level) to what stays, and predicts 20 random tilts of the
noise-free truth (−87…87°, hidden, seen and beyond the range alike); MSE. Mirroring x (with the angles negated)
and y augments. Adam, lr 1e-3 with a cosine decay to 1e-5 (the paper's constant 1e-5 is for days on a GPU).
The last two series are held out for the validation loss (R = 60°, 0 dB, every tilt beyond ±60°).
Fine-tuning on a user's series (--tilts/--angles, no ground truth): hide random measured tilts, predict them.

Writes into --out: encoder.onnx, refiner.onnx, decoder.onnx (opset 17), model.pt (the weights, for --init),
loss.csv, card.json, fixture.json (a small input and torch's output of the whole pipeline, for the engine's
test) and README.md (card.py).
"""
import argparse
import csv
import glob
import json
import math
import os
import sys
import time

import mrcfile
import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geometry as G  # noqa: E402

FACTOR = 4


class ResBlock(nn.Module):
    def __init__(self, channels, conv=nn.Conv2d):
        super().__init__()
        self.a = conv(channels, channels, 3, padding=1)
        self.b = conv(channels, channels, 3, padding=1)

    def forward(self, x):
        return x + self.b(torch.relu(self.a(x)))


class Encoder(nn.Module):
    """[N, 1, H, W] → [N, C, H/4, W/4]."""

    def __init__(self, width, C):
        super().__init__()
        # Full resolution sees one strided convolution only: the tilts are the largest tensors of a step.
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 4, stride=2, padding=1), nn.ReLU(), ResBlock(width),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1), nn.ReLU(), ResBlock(2 * width),
            nn.Conv2d(2 * width, C, 1),
        )

    def forward(self, tilts):
        return self.net(tilts)


class Refiner(nn.Module):
    """[1, C, D, h, w] → the same shape: two residual 3-D blocks."""

    def __init__(self, C):
        super().__init__()
        self.net = nn.Sequential(ResBlock(C, nn.Conv3d), nn.ReLU(), ResBlock(C, nn.Conv3d))

    def forward(self, volume):
        return self.net(volume)


class Decoder(nn.Module):
    """[N, C, h, w] → [N, 1, 4h, 4w]."""

    def __init__(self, width, C):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(C, 2 * width, 3, padding=1), nn.ReLU(), ResBlock(2 * width),
            nn.ConvTranspose2d(2 * width, width, 2, stride=2), nn.ReLU(), ResBlock(width),
            nn.ConvTranspose2d(width, 1, 2, stride=2),
        )

    def forward(self, latent):
        return self.net(latent)


class LatentBP(nn.Module):
    def __init__(self, width=12, C=16, seed=1):
        super().__init__()
        torch.manual_seed(seed)
        self.C, self.width = C, width
        self.encoder, self.refiner, self.decoder = Encoder(width, C), Refiner(C), Decoder(width, C)

    def forward(self, tilts, angles, targets, thickness):
        """tilts [K, H, W] normalised, at `angles` (degrees) → [K', H, W] at `targets`."""
        K, H, W = tilts.shape
        h, w, D = H // FACTOR, W // FACTOR, latent_depth(thickness)
        latent = self.encoder(tilts[:, None]).permute(1, 0, 2, 3)  # [C, K, h, w]
        volume = G.back_project(latent, G.projector_matrix(angles, w, D), 1.0 / K)  # [C, D, h, w]
        refined = self.refiner(volume[None])[0]
        projected = G.forward_project(refined, G.projector_matrix(targets, w, D), 1.0 / D)  # [C, K', h, w]
        return self.decoder(projected.permute(1, 0, 2, 3))[:, 0]


def latent_depth(thickness):
    return max(1, math.ceil(thickness / FACTOR))


def normalise(tilts):
    mean, std = tilts.mean(), tilts.std(unbiased=False).clamp_min(1e-12)
    return (tilts - mean) / std, mean, std


def synthesise(model, tilts, angles, targets, thickness):
    """Raw tilts [K, H, W] → raw tilts at `targets`: the pipeline the engine runs (normalise, model, scale back)."""
    x, mean, std = normalise(tilts)
    return model(x, angles, targets, thickness) * std + mean


def read_series(folder):
    with mrcfile.open(os.path.join(folder, "tilt_series.mrc"), permissive=True) as m:
        tilts = torch.tensor(np.asarray(m.data, dtype=np.float32))
    angles = [float(a) for a in open(os.path.join(folder, "tilt_series.tlt")).read().split()]
    with mrcfile.open(os.path.join(folder, "ground_truth.mrc"), permissive=True) as m:
        nz = m.data.shape[0]
    return {"tilts": tilts, "angles": angles, "thickness": nz, "name": os.path.basename(folder)}


def add_noise(clean, snr_db, gen):
    noise_std = math.sqrt(float(clean.var(unbiased=False)) / 10 ** (snr_db / 10))
    return clean + noise_std * torch.randn(clean.shape, generator=gen)


def masked_example(series, gen, R=None, snr_db=None, hide=None, n_targets=20):
    """Seen (noisy) tilts and their angles, target angles and the noise-free targets, normalised together."""
    angles = torch.tensor(series["angles"])
    R = R if R is not None else 40 + 30 * float(torch.rand(1, generator=gen))
    snr_db = snr_db if snr_db is not None else -10 + 20 * float(torch.rand(1, generator=gen))
    inside = torch.nonzero(angles.abs() <= R + 1e-6)[:, 0]
    hide = hide if hide is not None else float(torch.rand(1, generator=gen)) * 0.25
    keep = inside[torch.randperm(len(inside), generator=gen)[: max(8, round(len(inside) * (1 - hide)))]].sort().values
    beyond = torch.nonzero(angles.abs() > R + 1e-6)[:, 0]
    if n_targets is None:
        target = beyond
    else:
        target = torch.randperm(len(angles), generator=gen)[:n_targets]
    clean = series["tilts"]
    seen = add_noise(clean[keep], snr_db, gen)
    _, mean, std = normalise(seen)
    return ((seen - mean) / std, angles[keep].tolist(), angles[target].tolist(), (clean[target] - mean) / std, series["thickness"])


def augment(example, gen):
    seen, angles, targets, truth, thickness = example
    if float(torch.rand(1, generator=gen)) < 0.5:  # mirror x: the projection of the mirrored object at −θ
        seen, truth = seen.flip(-1), truth.flip(-1)
        angles, targets = [-a for a in angles], [-a for a in targets]
    if float(torch.rand(1, generator=gen)) < 0.5:  # mirror y: rows are independent
        seen, truth = seen.flip(-2), truth.flip(-2)
    return seen, angles, targets, truth, thickness


def count_parameters(module):
    return sum(p.numel() for p in module.parameters())


def macs(model, H, W, K, targets, thickness):
    """Multiply-accumulates of one synthesis: convolutions only (the projector's work is the engine's)."""
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        if isinstance(module, (nn.Conv2d, nn.Conv3d)):
            total += output.numel() * module.in_channels * int(np.prod(module.kernel_size))
        elif isinstance(module, nn.ConvTranspose2d):
            total += inputs[0].numel() * module.out_channels * int(np.prod(module.kernel_size))

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d))]
    with torch.no_grad():
        model(torch.zeros(K, H, W), list(np.linspace(-60, 60, K)), targets, thickness)
    for h in handles:
        h.remove()
    return total


def export(model, out):
    """Three ONNX files, every size dynamic: the engine feeds whole series and latent volumes."""
    C = model.C
    specs = [
        ("encoder", model.encoder, torch.zeros(3, 1, 16, 20), "tilts", "latent", {0: "n", 2: "h", 3: "w"}),
        ("refiner", model.refiner, torch.zeros(1, C, 3, 4, 5), "volume", "refined", {2: "d", 3: "h", 4: "w"}),
        ("decoder", model.decoder, torch.zeros(3, C, 4, 5), "latent", "tilts", {0: "n", 2: "h", 3: "w"}),
    ]
    for name, module, example, input_name, output_name, axes in specs:
        torch.onnx.export(module, example, os.path.join(out, f"{name}.onnx"), input_names=[input_name], output_names=[output_name],
                          dynamic_axes={input_name: axes, output_name: axes}, opset_version=17)


def write_fixture(model, out, gen):
    """A small series (H, W multiples of 4) and torch's synthesis of it: the engine's pipeline must match (float32)."""
    K, H, W, thickness = 5, 12, 16, 10
    angles = [-40.0, -20.0, 0.0, 20.0, 40.0]
    targets = [-63.0, 55.5, 10.0]
    tilts = torch.randn(K, H, W, generator=gen) * 2 + 1
    with torch.no_grad():
        synth = synthesise(model, tilts, angles, targets, thickness)
    with open(os.path.join(out, "fixture.json"), "w") as f:
        json.dump({"shape": [K, H, W], "angles": angles, "targets": targets, "thickness": thickness,
                   "tilts": tilts.flatten().tolist(), "out": synth.flatten().tolist()}, f)


def train(args):
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    model = LatentBP(args.width, args.channels, args.seed)
    if args.init:
        model.load_state_dict(torch.load(os.path.join(args.init, "model.pt")))
    if args.tilts:
        series = [user_series(args)]
        held = []
    else:
        folders = sorted(glob.glob(os.path.join(args.data, "*")))
        all_series = [read_series(f) for f in folders]
        series, held = all_series[:-2], all_series[-2:]
    val_gen = torch.Generator().manual_seed(999)
    val_examples = [masked_example(s, val_gen, R=60, snr_db=0, hide=0, n_targets=None) for s in held]
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    os.makedirs(args.out, exist_ok=True)
    rows, started, window = [], time.time(), []
    for step in range(1, args.steps + 1):
        lr = args.lr_end + 0.5 * (args.lr - args.lr_end) * (1 + math.cos(math.pi * (step - 1) / args.steps))
        for g in opt.param_groups:
            g["lr"] = lr
        s = series[int(torch.randint(len(series), (1,), generator=gen))]
        seen, angles, targets, truth, thickness = augment(fine_tune_example(s, gen) if args.tilts else masked_example(s, gen), gen)
        loss = torch.mean((model(seen, angles, targets, thickness) - truth) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        window.append(float(loss))
        if step % args.log_every == 0 or step == args.steps:
            val = validation_loss(model, val_examples) if val_examples else float("nan")
            rows.append({"step": step, "seconds": round(time.time() - started), "lr": lr, "train_mse": float(np.mean(window)), "val_mse": val})
            window = []
            print(f"step {step} {rows[-1]}", flush=True)
    return model, rows, len(series), time.time() - started


def validation_loss(model, examples):
    with torch.no_grad():
        return float(np.mean([float(torch.mean((model(s, a, t, d) - y) ** 2)) for s, a, t, y, d in examples]))


def user_series(args):
    with mrcfile.open(args.tilts, permissive=True) as m:
        tilts = torch.tensor(np.asarray(m.data, dtype=np.float32))
    angles = [float(a) for a in open(args.angles).read().split()]
    H, W = (tilts.shape[1] // FACTOR) * FACTOR, (tilts.shape[2] // FACTOR) * FACTOR
    return {"tilts": tilts[:, :H, :W], "angles": angles, "thickness": args.thickness or max(FACTOR, W // 4), "name": os.path.basename(args.tilts)}


def fine_tune_example(series, gen):
    """Hide 10–30 % of the measured tilts and predict them from the rest: no ground truth needed."""
    x, _, _ = normalise(series["tilts"])
    K = x.shape[0]
    order = torch.randperm(K, generator=gen)
    hidden = order[: max(1, round(K * (0.1 + 0.2 * float(torch.rand(1, generator=gen)))))]
    keep = order[len(hidden):].sort().values
    angles = series["angles"]
    return x[keep], [angles[i] for i in keep], [angles[i] for i in hidden], x[hidden], series["thickness"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help="folder of series from make_data.sh (training from scratch)")
    p.add_argument("--tilts", help="fine-tune on this stack (with --angles and --init)")
    p.add_argument("--angles")
    p.add_argument("--thickness", type=int, default=0, help="fine-tuning: the sample's thickness in pixels (default W/4)")
    p.add_argument("--init", help="a model folder to start from (its model.pt)")
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--width", type=int, default=12)
    p.add_argument("--channels", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--lr-end", type=float, default=1e-5)
    p.add_argument("--log-every", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if bool(args.data) == bool(args.tilts):
        p.error("give --data (training) or --tilts with --angles (fine-tuning)")
    model, rows, n_series, seconds = train(args)
    model.eval()
    torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))
    export(model, args.out)
    write_fixture(model, args.out, torch.Generator().manual_seed(7))
    with open(os.path.join(args.out, "loss.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    card = {
        "factor": FACTOR, "channels": model.C, "width": model.width,
        "parameters": {name: count_parameters(getattr(model, name)) for name in ("encoder", "refiner", "decoder")},
        "macs64": macs(model, 64, 64, 41, list(range(-87, 88, 3)), 32),
        "training": {"data": args.data or args.tilts, "series": n_series, "steps": args.steps, "seconds": round(seconds),
                     "lr": [args.lr, args.lr_end], "seed": args.seed, "init": args.init},
        "loss": rows[-1],
    }
    with open(os.path.join(args.out, "card.json"), "w") as f:
        json.dump(card, f, indent=1)


if __name__ == "__main__":
    main()
