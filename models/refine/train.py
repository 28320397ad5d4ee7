#!/usr/bin/python3
"""Train a 3-D U-Net that fills the missing wedge of a tomogram, on that tomogram's own subtomograms.

  /usr/bin/python3 models/refine/train.py --tomogram T.mrc (--angles T.tlt | --wedge -60,60) \\
      --objective cryogen|isonet --out DIR [--steps N] [--cube 32] [--seed S] [--channels 8] [--lr L]

Several tomograms may be given (`--tomogram A.mrc B.mrc --angles A.tlt B.tlt`, or one --wedge for all): the
pretrained models are trained so, on tomograms made by `wedgelab simulate` + `wedgelab recon`. Python does no
projection geometry: the tilt angles only give the wedge cone [θmin, θmax] of unet.wedge_mask, the engine's
wedgeMask (docs/conventions.md#wedge-cone; test_wedge.py).

Data: each tomogram is normalised by its own mean and std (the engine does the same before the model and
undoes it after); --subtomos cubes of --cube voxels are cut from it at seeded random origins. Training cubes
are wedged already: they are the observation y.

Objectives (docs/refine.md; ../papers: IsoNet, Liu et al. 2022; CryoGEN):
- isonet: IsoNet's recursive scheme. --iterations rounds; before each round every cube is refilled,
  x = y + (1 − M)·g(y) in Fourier space (M the wedge), so what the network predicts in the wedge is kept and
  what was measured stays the data. Each step takes a cube x, a rotation R from IsoNet's set (rotations that
  move the wedge), and trains g(T_M(R x) + n) → R x with the mean absolute error; n is wedge-filtered Gaussian
  noise of a level that is 0 for the first third of the rounds and then rises linearly to --noise (IsoNet's
  noise schedule). Adam, constant --lr (IsoNet 4e-4).
- cryogen: no refill; the paper's Algorithm 1. Each step: x = g(y + ε_g); the generator's loss is
  --energy × E's term (E scores T_M(R x) against real wedged cubes y + ε; a GAN, non-saturating loss;
  E: unet.EnergyModel) + --fidelity × ‖T_M x − y‖² (the data term 1/(2σ_n²)·‖T_M g(y + ε_g) − y‖² of the
  paper's f) + λ·‖R⁻¹ g(T_M(R(x' + ε_h))) − x'‖², the consistency term with x' = g(y) held fixed (θ' = θ of
  the step, Eq. 7). Noise scales are --noise × u, u ~ U(0, 1] drawn per step. λ = --lambda for the first
  epoch (one pass over the cubes) and then decays linearly to 0 at the last step. Adam at --lr (paper 1e-4) for
  g and E, linear warm-up over the first tenth of the steps, then linear decay. --init starts g from a
  model.onnx; the state is checkpointed in OUT/checkpoint.pt, and --resume continues a killed run.

Writes into --out: model.onnx (opset 17; input `cube` float32 [batch, 1, n, n, n], n a multiple of 4, output
`out` the same shape, normalised units), card.json (architecture, parameters, MACs per voxel, training data,
steps, the loss curve, time and machine) and fixture.json (a seeded 16³ input and torch's output for it, for
the engine's check that onnxruntime-web gives the same).
"""
import argparse
import json
import os
import platform
import shlex
import sys
import time

import mrcfile
import numpy as np
import torch
import torch.nn.functional as F

from unet import EnergyModel, RefineUNet, apply_wedge, macs_per_voxel, parameter_count, rotations, seconds_for, wedge_mask

LOSS_POINTS = 100  # loss curve samples kept in the card


def read_angles(path):
    with open(path) as f:
        return [float(line) for line in f if line.strip()]


def load_tomograms(paths, angle_files, wedge):
    """Each tomogram normalised (mean 0, std 1), with its wedge cone (θmin, θmax) in degrees."""
    if angle_files and len(angle_files) != len(paths):
        raise SystemExit(f"{len(paths)} tomograms but {len(angle_files)} angle files")
    out = []
    for k, path in enumerate(paths):
        with mrcfile.open(path, permissive=True) as m:
            data = np.asarray(m.data, dtype=np.float32)
        data = (data - data.mean()) / max(float(data.std()), 1e-12)
        if angle_files:
            angles = read_angles(angle_files[k])
            cone = (min(angles), max(angles))
        else:
            cone = wedge
        out.append({"name": os.path.join(os.path.basename(os.path.dirname(os.path.abspath(path))), os.path.basename(path)), "data": data, "cone": cone})
    return out


def cut_cubes(tomograms, count, n, rng):
    """`count` cubes per tomogram at random origins; their wedge masks and rotation sets."""
    cubes, masks, rots = [], [], []
    for t in tomograms:
        nz, ny, nx = t["data"].shape
        if min(nz, ny, nx) < n:
            raise SystemExit(f"{t['name']} ({nx}×{ny}×{nz}) is smaller than a {n}³ cube: use a smaller --cube")
        mask = torch.from_numpy(wedge_mask((n, n, n), *t["cone"]))[None]
        rot = rotations(n, *t["cone"])
        for _ in range(count):
            z, y, x = (int(rng.integers(0, s - n + 1)) for s in (nz, ny, nx))
            cubes.append(torch.from_numpy(t["data"][z:z + n, y:y + n, x:x + n].copy())[None])
            masks.append(mask)
            rots.append(rot)
    return torch.stack(cubes), torch.stack(masks), rots


def rotate_batch(volumes, chosen, inverse=False):
    return torch.stack([(r[1] if inverse else r[0])(v) for v, r in zip(volumes, chosen)])


def warmup_linear(step, steps):
    """Learning-rate factor: linear warm-up over the first tenth of the steps, then linear decay to 0."""
    warm = max(1, steps // 10)
    return (step + 1) / warm if step < warm else max(0.0, (steps - step) / (steps - warm))


def train_isonet(g, cubes, masks, rots, args, rng, log):
    opt = torch.optim.Adam(g.parameters(), lr=args.lr)
    per_round = max(1, args.steps // args.iterations)
    refilled = cubes.clone()
    step = 0
    for it in range(args.iterations):
        if it > 0:
            with torch.no_grad():
                prediction = torch.cat([g(cubes[i:i + 8]) for i in range(0, len(cubes), 8)])
                refilled = cubes + apply_wedge(prediction, 1 - masks)
        # IsoNet adds noise from its 11th of 30 iterations on, in growing steps.
        start = args.iterations // 3
        level = 0.0 if it < start else args.noise * (it - start + 1) / (args.iterations - start)
        for _ in range(per_round if it < args.iterations - 1 else args.steps - step):
            pick = rng.integers(0, len(cubes), args.batch)
            chosen = [rots[i][rng.integers(0, len(rots[i]))] for i in pick]
            target = rotate_batch(refilled[pick], chosen)
            noise = apply_wedge(torch.randn_like(target), masks[pick]) * level
            loss = F.l1_loss(g(apply_wedge(target, masks[pick]) + noise), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            log(step, {"loss": loss.item(), "noise": level, "round": it})
            step += 1


def train_cryogen(g, cubes, masks, rots, args, rng, log, checkpoint):
    """Algorithm 1 of the CryoGEN paper, with ε_g on the generator's input and its data term 1/(2σ_n²)·‖T_M g(y + ε_g) − y‖²."""
    energy = EnergyModel(args.channels).to(cubes.device)
    opt_g = torch.optim.Adam(g.parameters(), lr=args.lr, betas=(0.5, 0.999))
    opt_e = torch.optim.Adam(energy.parameters(), lr=args.lr, betas=(0.5, 0.999))
    schedule = lambda step: warmup_linear(step, args.steps)  # noqa: E731
    sched_g = torch.optim.lr_scheduler.LambdaLR(opt_g, schedule)
    sched_e = torch.optim.lr_scheduler.LambdaLR(opt_e, schedule)
    state = {"g": g, "energy": energy, "opt_g": opt_g, "opt_e": opt_e, "sched_g": sched_g, "sched_e": sched_e}
    start = checkpoint.resume(state, rng)
    epoch = max(1, len(cubes) // args.batch)
    bce = torch.nn.BCEWithLogitsLoss()
    for step in range(start, args.steps):
        lam = args.lam if step < epoch else args.lam * max(0.0, (args.steps - step) / max(1, args.steps - epoch))
        scale = args.noise * float(1 - rng.random())  # u ~ U(0, 1]
        pick = rng.integers(0, len(cubes), args.batch)
        y, m = cubes[pick], masks[pick]
        chosen = [rots[i][rng.integers(0, len(rots[i]))] for i in pick]
        x = g(y + scale * torch.randn_like(y))
        with torch.no_grad():
            held = g(y)  # g_θ'(y): the consistency target, θ' = θ of this step
        # Consistency (Eq. 7): re-wedge the rotated target plus ε_h, predict again, rotate back.
        again = g(apply_wedge(rotate_batch(held + scale * torch.randn_like(held), chosen), m))
        consistency = F.mse_loss(rotate_batch(again, chosen, inverse=True), held)
        # The data term of f: the prediction keeps what was measured (without it g is free to rescale and
        # texture the measured coefficients, which E cannot tell from real data).
        fidelity = F.mse_loss(apply_wedge(x, m), y)
        fake = apply_wedge(rotate_batch(x, chosen), m)
        adversarial = bce(energy(fake), torch.ones(len(pick), 1, device=y.device))
        loss_g = args.energy * adversarial + args.fidelity * fidelity + lam * consistency
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        real = y + scale * torch.randn_like(y)  # E sees real cubes with ε, as Eq. 9
        loss_e = bce(energy(real), torch.ones(len(pick), 1, device=y.device)) + bce(energy(fake.detach()), torch.zeros(len(pick), 1, device=y.device))
        opt_e.zero_grad()
        loss_e.backward()
        opt_e.step()
        sched_g.step()
        sched_e.step()
        log(step, {"loss": loss_g.item(), "consistency": consistency.item(), "fidelity": fidelity.item(), "energy_g": adversarial.item(),
                   "energy_e": loss_e.item(), "lambda": lam, "noise": scale})
        checkpoint.save(state, rng, step + 1)


class Checkpoint:
    """Every --checkpoint-every steps, the training state in OUT/checkpoint.pt, so that a killed run resumes
    (--resume) where it was, with the same random draws as an uninterrupted run (on the CPU; CUDA's generator is
    not saved). Removed when the run ends."""

    def __init__(self, out_dir, every, resume, curve, started):
        self.path = os.path.join(out_dir, "checkpoint.pt")
        self.every, self.wanted, self.curve, self.started = every, resume, curve, started
        self.elapsed = 0.0  # training seconds of the runs before this one

    def resume(self, state, rng):
        if not (self.wanted and os.path.exists(self.path)):
            return 0
        saved = torch.load(self.path)
        for name, obj in state.items():
            obj.load_state_dict(saved[name])
        rng.bit_generator.state = saved["rng"]
        torch.set_rng_state(saved["torch_rng"])
        self.curve[:] = saved["curve"]
        self.elapsed = saved["elapsed"]
        print(f"resumed at step {saved['step']} from {self.path}", flush=True)
        return saved["step"]

    def save(self, state, rng, step):
        if self.every and step % self.every == 0:
            saved = {name: obj.state_dict() for name, obj in state.items()}
            saved.update(rng=rng.bit_generator.state, torch_rng=torch.get_rng_state(), curve=list(self.curve), step=step,
                         elapsed=self.elapsed + time.time() - self.started)
            torch.save(saved, self.path + ".tmp")
            os.replace(self.path + ".tmp", self.path)


def load_onnx_weights(g, path):
    """Warm start: the generator's weights from a model.onnx this script wrote (its initializers keep torch's names)."""
    import onnx
    from onnx import numpy_helper
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in onnx.load(path).graph.initializer}
    g.load_state_dict(weights)


def export(g, out_dir, seed):
    """model.onnx with dynamic batch and cube sides, and fixture.json: a seeded 16³ input and torch's output."""
    g.eval()
    example = torch.zeros(1, 1, 16, 16, 16)
    path = os.path.join(out_dir, "model.onnx")
    axes = {0: "batch", 2: "nz", 3: "ny", 4: "nx"}
    torch.onnx.export(g, example, path, input_names=["cube"], output_names=["out"], opset_version=17, dynamic_axes={"cube": axes, "out": axes})
    x = torch.from_numpy(np.random.default_rng(seed + 1000).standard_normal((1, 1, 16, 16, 16)).astype(np.float32))
    with torch.no_grad():
        y = g(x)
    with open(os.path.join(out_dir, "fixture.json"), "w") as f:
        json.dump({"dims": [1, 1, 16, 16, 16], "cube": [round(float(v), 7) for v in x.flatten()], "out": [round(float(v), 7) for v in y.flatten()]}, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tomogram", nargs="+", required=True)
    wedge = ap.add_mutually_exclusive_group(required=True)
    wedge.add_argument("--angles", nargs="+", help="one .tlt per tomogram: the wedge is [min, max] of its angles")
    wedge.add_argument("--wedge", help="θmin,θmax in degrees, for every tomogram")
    ap.add_argument("--objective", choices=["cryogen", "isonet"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--cube", type=int, default=32, help="cube side in voxels, a multiple of 4")
    ap.add_argument("--subtomos", type=int, default=32, help="cubes cut from each tomogram")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--channels", type=int, default=8, help="U-Net width c (levels c, 2c, 4c)")
    ap.add_argument("--lr", type=float, default=None, help="Adam's rate (default: isonet 4e-4, cryogen 1e-4, as the papers)")
    ap.add_argument("--lambda", dest="lam", type=float, default=1.0, help="cryogen: the consistency weight of the first epoch")
    ap.add_argument("--fidelity", type=float, default=1.0, help="cryogen: the data term's weight 1/(2σ_n²), σ_n² the noise variance in units of the normalised tomogram's")
    ap.add_argument("--energy", type=float, default=1.0, help="cryogen: the weight of E's term in the generator's loss")
    ap.add_argument("--init", help="warm start: the generator's weights from this model.onnx (one this script wrote)")
    ap.add_argument("--resume", action="store_true", help="cryogen: continue from OUT/checkpoint.pt if there is one")
    ap.add_argument("--checkpoint-every", type=int, default=50, help="cryogen: steps between checkpoints (0: none)")
    ap.add_argument("--note", help="a sentence for the card (e.g. why the rate or the steps differ from the paper's)")
    ap.add_argument("--noise", type=float, default=0.2, help="noise scale in units of the normalised tomogram's std")
    ap.add_argument("--iterations", type=int, default=10, help="isonet: refill rounds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    if args.cube % 4:
        raise SystemExit(f"--cube must be a multiple of 4 (the U-Net halves it twice), got {args.cube}")
    args.lr = args.lr if args.lr is not None else (4e-4 if args.objective == "isonet" else 1e-4)
    cone = tuple(float(v) for v in args.wedge.split(",")) if args.wedge else None
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    os.makedirs(args.out, exist_ok=True)

    tomograms = load_tomograms(args.tomogram, args.angles, cone)
    cubes, masks, rots = cut_cubes(tomograms, args.subtomos, args.cube, rng)
    g = RefineUNet(args.channels)
    if args.init:
        load_onnx_weights(g, args.init)
    if device == "cuda":  # the rotations and masks are cheap; the networks and FFTs move
        g, cubes, masks = g.cuda(), cubes.cuda(), masks.cuda()
    started = time.time()
    curve = []
    checkpoint = Checkpoint(args.out, args.checkpoint_every, args.resume, curve, started)
    clock = lambda: checkpoint.elapsed + time.time() - started  # noqa: E731  training seconds, over resumed runs too
    every = max(1, args.steps // LOSS_POINTS)

    def log(step, values):
        if step % every == 0 or step == args.steps - 1:
            curve.append({"step": step, "seconds": round(clock(), 1), **{k: round(v, 5) for k, v in values.items()}})
            print(json.dumps(curve[-1]), flush=True)

    if args.objective == "cryogen":
        train_cryogen(g, cubes, masks, rots, args, rng, log, checkpoint)
    else:
        train_isonet(g, cubes, masks, rots, args, rng, log)
    seconds = clock()
    if os.path.exists(checkpoint.path):
        os.remove(checkpoint.path)
    g = g.cpu()
    export(g, args.out, args.seed)
    macs = macs_per_voxel(g)
    card = {
        "objective": args.objective,
        "architecture": f"residual 3-D U-Net, depth 2, channels {args.channels}/{2 * args.channels}/{4 * args.channels}, bias-free; "
                        "3×3×3 Conv3d + ReLU, stride-2 Conv3d down, nearest Resize ×2 + Conv3d up, skip concatenation, out = x + f(x)",
        "energyModel": "four 3×3×3 Conv3d, adaptive average pooling, three FC layers" if args.objective == "cryogen" else None,
        "channels": args.channels,
        "parameters": parameter_count(g),
        "macsPerVoxel": macs,
        "estimatedSeconds512x512x256At2TMACs": round(seconds_for(512 * 512 * 256, macs, 2.0), 1),
        "input": "cube float32 [batch, 1, n, n, n] (n a multiple of 4), the tomogram normalised by its mean and std; out the same",
        "trainingData": [{"tomogram": t["name"], "shape": list(t["data"].shape[::-1]), "wedge": list(t["cone"])} for t in tomograms],
        "cube": args.cube,
        "subtomosPerTomogram": args.subtomos,
        "steps": args.steps,
        "batch": args.batch,
        "lr": args.lr,
        "noise": args.noise,
        "lambda": args.lam if args.objective == "cryogen" else None,
        "fidelity": args.fidelity if args.objective == "cryogen" else None,
        "energyWeight": args.energy if args.objective == "cryogen" else None,
        "init": args.init,
        "iterations": args.iterations if args.objective == "isonet" else None,
        "seed": args.seed,
        "seconds": round(seconds, 1),
        "machine": f"{platform.machine()} {platform.processor() or ''} {device}, {args.threads} torch thread(s), torch {torch.__version__}".replace("  ", " "),
        "loss": curve,
        "command": shlex.join(["models/refine/train.py"] + sys.argv[1:]),
        "note": args.note,
    }
    with open(os.path.join(args.out, "card.json"), "w") as f:
        json.dump({k: v for k, v in card.items() if v is not None}, f, indent=1)
    print(f"{args.objective}: {args.steps} steps in {seconds:.0f} s → {args.out}/model.onnx")


if __name__ == "__main__":
    main()
