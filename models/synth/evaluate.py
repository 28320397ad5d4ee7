#!/usr/bin/python3
"""What a tilt-synthesis model does on series it never saw (docs/synthesis.md), written next to the model:

  /usr/bin/python3 models/synth/evaluate.py --model models/synth/lbp_small --work /tmp/synth/eval [--snr-db S] [--ranges 60,45]

Cases: new seeds of four of the training families (wedgelab simulate) and both families of the independent
simulator (models/validation/ellipsoids.py), never seen in training; 64 × 64 × 32, recorded −87…87° in 3° steps,
Gaussian noise at --snr-db (default 0 dB; docs/conventions.md#noise-level) on every recorded tilt.

1. Beyond the range: the model is given the tilts within ±60° (and ±45°) and synthesises every tilt beyond;
   beside it, the reprojections there of FBP (ram-lak) and SIRT (20 iterations) of the same limited series
   (`wedgelab recon`, projected with geometry.py: the engine's projector). Per tilt, against the noise-free
   truth: NMSE and correlation after standardising both (docs/conventions.md#held-out-tilt-cross-validation,
   the paper's MMSE/MCorr). Then FBP of the extended series (given + synthesised) against FBP of the given one,
   both against the ground truth (`wedgelab metrics`): PSNR and SSIM after the affine fit, and the FSC inside
   the missing wedge of the given range (shell-count-weighted mean of the wedge-missing FSC).
2. Withheld 0° and ±15° (the paper's table): given ±60° without them, predicted against the noise-free truth
   and against the noisy measured tilt, beside FBP and SIRT reprojections.
The model runs in torch here (the engine gives the same numbers to ~1e-6: src/engine/methods/latentbp/latentbp.test.ts).
Writes evaluation.json and evaluation.md into --model at 0 dB and ±60°, ±45°; evaluation_snr{S}dB.json/.md at another
--snr-db, and ranges{R,…} in the name when --ranges is not the default.
"""
import argparse
import json
import os
import subprocess
import sys

import mrcfile
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import geometry as G  # noqa: E402
import train as T  # noqa: E402

SIZE = (64, 64, 32)
CASES = [("spheres", "wedgelab", 5001), ("cell", "wedgelab", 5002), ("lamella", "wedgelab", 5003), ("filaments", "wedgelab", 5004),
         ("ellipsoids", "independent", 5005), ("shells", "independent", 5006)]
RANGES = (60, 45)


def run(args):
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def simulate(family, simulator, seed, out):
    size, angles = ",".join(map(str, SIZE)), "-87,87,3"
    if not os.path.exists(os.path.join(out, "ground_truth.mrc")):
        if simulator == "wedgelab":
            run(["node", "bin/wedgelab.js", "simulate", "--phantom", family, "--size", size, "--angles", angles, "--seed", str(seed), "--out-dir", out, "--force"])
        else:
            run([sys.executable, "models/validation/ellipsoids.py", "--family", family, "--size", size, "--angles", angles, "--seed", str(seed), "--out-dir", out])
    return T.read_series(out)


def write_series(tilts, angles, folder):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "tilts.mrc")
    with mrcfile.new(path, overwrite=True) as m:
        m.set_data(np.ascontiguousarray(tilts.numpy(), dtype=np.float32))
    with open(os.path.join(folder, "tilts.tlt"), "w") as f:
        f.write("".join(f"{a:.2f}\n" for a in angles))
    return path, os.path.join(folder, "tilts.tlt")


def reconstruct(tilts, angles, folder, method, thickness):
    stack, tlt = write_series(tilts, angles, folder)
    out = os.path.join(folder, f"{method}.mrc")
    extra = ["--iterations", "20"] if method == "sirt" else ["--filter", "ram-lak"]
    run(["node", "bin/wedgelab.js", "recon", "--tilts", stack, "--angles", tlt, "--method", method, "--thickness", str(thickness),
         "--engine", "gpu", "--quiet", "--force", "--out", out, *extra])
    with mrcfile.open(out, permissive=True) as m:
        return out, torch.tensor(np.asarray(m.data, dtype=np.float32))


def reproject(volume, angles):
    nz, ny, nx = volume.shape
    return G.forward_project(volume, G.projector_matrix(angles, nx, nz))


def scores(predicted, truth):
    """Per tilt: NMSE and Pearson correlation after standardising both (population std)."""
    out = []
    for p, t in zip(predicted, truth):
        p = (p - p.mean()) / p.std(unbiased=False)
        t = (t - t.mean()) / t.std(unbiased=False)
        out.append({"nmse": float(((p - t) ** 2).sum() / (t ** 2).sum()), "corr": float((p * t).mean())})
    return out


def volume_metrics(tomogram_path, truth_path, given_tlt):
    m = json.loads(run(["node", "bin/wedgelab.js", "metrics", "--a", tomogram_path, "--b", truth_path, "--angles", given_tlt, "--json"]))
    counts, fsc = np.array(m["countsWedgeMissing"][1:], dtype=float), np.array(m["fscWedgeMissing"][1:], dtype=float)
    return {"psnr": m["psnr"], "ssim": m["ssim"], "fscMissing": float((counts * fsc).sum() / counts.sum())}


def evaluate_case(model, family, simulator, seed, work, snr_db, ranges):
    folder = os.path.join(work, f"{family}_{seed}")
    s = simulate(family, simulator, seed, os.path.join(folder, "sim"))
    angles, clean, thickness = torch.tensor(s["angles"]), s["tilts"], s["thickness"]
    measured = T.add_noise(clean, snr_db, torch.Generator().manual_seed(seed))
    truth_path = os.path.join(folder, "sim", "ground_truth.mrc")
    result = {"family": family, "simulator": simulator, "seed": seed, "snrDb": snr_db, "ranges": {}}
    for R in ranges:
        given, beyond = torch.nonzero(angles.abs() <= R)[:, 0], torch.nonzero(angles.abs() > R)[:, 0]
        gdir = os.path.join(folder, f"given{R}")
        given_angles, beyond_angles = angles[given].tolist(), angles[beyond].tolist()
        with torch.no_grad():
            synth = T.synthesise(model, measured[given], given_angles, beyond_angles, thickness)
        fbp_path, fbp = reconstruct(measured[given], given_angles, gdir, "fbp", thickness)
        _, sirt = reconstruct(measured[given], given_angles, gdir, "sirt", thickness)
        per_tilt = {"angles": beyond_angles, "latentbp": scores(synth, clean[beyond]),
                    "fbp": scores(reproject(fbp, beyond_angles), clean[beyond]), "sirt": scores(reproject(sirt, beyond_angles), clean[beyond])}
        edir = os.path.join(folder, f"extended{R}")
        ext_path, _ = reconstruct(torch.cat([measured[given], synth]), given_angles + beyond_angles, edir, "fbp", thickness)
        given_tlt = os.path.join(gdir, "tilts.tlt")
        volumes = {"fbp": volume_metrics(fbp_path, truth_path, given_tlt), "fbpExtended": volume_metrics(ext_path, truth_path, given_tlt)}
        result["ranges"][R] = {"perTilt": per_tilt, "volumes": volumes}
    # Withheld 0° and ±15° from ±60°.
    withheld = [int(torch.nonzero(angles == a)[0, 0]) for a in (0, 15, -15) if (angles == a).any()]
    if len(withheld) < 3:  # the grid is −87…87 in 3° steps: 0 and ±15 are on it
        raise RuntimeError("0° and ±15° must be recorded")
    given = [i for i in torch.nonzero(angles.abs() <= 60)[:, 0].tolist() if i not in withheld]
    given_angles, held_angles = angles[given].tolist(), angles[withheld].tolist()
    with torch.no_grad():
        synth = T.synthesise(model, measured[given], given_angles, held_angles, thickness)
    wdir = os.path.join(folder, "withheld")
    _, fbp = reconstruct(measured[given], given_angles, wdir, "fbp", thickness)
    _, sirt = reconstruct(measured[given], given_angles, wdir, "sirt", thickness)
    predictions = {"latentbp": synth, "fbp": reproject(fbp, held_angles), "sirt": reproject(sirt, held_angles)}
    result["withheld"] = {"angles": held_angles,
                          "truth": {k: scores(v, clean[withheld]) for k, v in predictions.items()},
                          "measured": {k: scores(v, measured[withheld]) for k, v in predictions.items()}}
    return result


def mean(rows, key):
    return float(np.mean([r[key] for r in rows]))


def report(results, snr_db, ranges):
    lines = [f"Six series never seen in training (64 × 64 × 32, {snr_db:g} dB); the last two from the independent simulator, a family never seen.", ""]
    for R in ranges:
        lines += [f"### Given ±{R}°: synthesised tilts beyond it against the noise-free truth (means over the tilts beyond)", "",
                  "| series | latentbp NMSE | FBP reproj. NMSE | SIRT reproj. NMSE | latentbp corr | FBP reproj. corr | SIRT reproj. corr |", "|---|---|---|---|---|---|---|"]
        for r in results:
            t = r["ranges"][R]["perTilt"]
            lines.append(f"| {r['family']} ({r['simulator']}) | " + " | ".join(f"{mean(t[m], k):.3f}" for k in ("nmse", "corr") for m in ("latentbp", "fbp", "sirt")) + " |")
        lines += ["", f"Per tilt, means over the six series (given ±{R}°):", "", "| angle | latentbp NMSE | FBP NMSE | SIRT NMSE | latentbp corr | FBP corr | SIRT corr |", "|---|---|---|---|---|---|---|"]
        angles = results[0]["ranges"][R]["perTilt"]["angles"]
        for i, a in enumerate(angles):
            if a < 0:
                continue
            row = [np.mean([r["ranges"][R]["perTilt"][m][i][k] for r in results]) for k in ("nmse", "corr") for m in ("latentbp", "fbp", "sirt")]
            lines.append(f"| {a:+.0f}° | " + " | ".join(f"{v:.3f}" for v in row) + " |")
        lines += ["", f"FBP (ram-lak) of the series given ±{R}° and of it extended by the synthesised tilts, against the ground truth "
                  "(PSNR, SSIM after the affine fit; FSC: shell-count-weighted mean over the missing wedge of the given range):", "",
                  "| series | PSNR given | PSNR extended | SSIM given | SSIM extended | missing FSC given | missing FSC extended |", "|---|---|---|---|---|---|---|"]
        for r in results:
            v = r["ranges"][R]["volumes"]
            lines.append(f"| {r['family']} | {v['fbp']['psnr']:.2f} | {v['fbpExtended']['psnr']:.2f} | {v['fbp']['ssim']:.3f} | {v['fbpExtended']['ssim']:.3f} | "
                         f"{v['fbp']['fscMissing']:.3f} | {v['fbpExtended']['fscMissing']:.3f} |")
        lines.append("")
    lines += ["### Withheld 0° and ±15° (given the rest of ±60°), means over the three tilts", "",
              "| series | against | latentbp NMSE | FBP NMSE | SIRT NMSE | latentbp corr | FBP corr | SIRT corr |", "|---|---|---|---|---|---|---|---|"]
    for r in results:
        for against in ("truth", "measured"):
            w = r["withheld"][against]
            lines.append(f"| {r['family']} | {against} | " + " | ".join(f"{mean(w[m], k):.3f}" for k in ("nmse", "corr") for m in ("latentbp", "fbp", "sirt")) + " |")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--snr-db", type=float, default=0.0, help="noise on every recorded tilt (default 0 dB)")
    p.add_argument("--ranges", default=",".join(map(str, RANGES)), help="given ranges ±R°, degrees (default 60,45)")
    args = p.parse_args()
    ranges = tuple(int(r) for r in args.ranges.split(","))
    torch.set_num_threads(1)
    card = json.load(open(os.path.join(args.model, "card.json")))
    model = T.LatentBP(card["width"], card["channels"])
    model.load_state_dict(torch.load(os.path.join(args.model, "model.pt")))
    model.eval()
    results = []
    for family, simulator, seed in CASES:
        results.append(evaluate_case(model, family, simulator, seed, args.work, args.snr_db, ranges))
        print(f"{family} done", flush=True)
    name = os.path.join(args.model, "evaluation" + output_suffix(args.snr_db, ranges))
    with open(name + ".json", "w") as f:
        json.dump(results, f)
    with open(name + ".md", "w") as f:
        f.write(report(results, args.snr_db, ranges))


def output_suffix(snr_db, ranges):
    """'' for the default evaluation (0 dB, ±60° and ±45°), e.g. '_snr-5dB_ranges60' otherwise."""
    suffix = "" if snr_db == 0 else f"_snr{snr_db:+g}dB"
    return suffix + ("" if ranges == RANGES else "_ranges" + ",".join(map(str, ranges)))


if __name__ == "__main__":
    main()
