#!/usr/bin/python3
"""Withheld 0° and ±15° of two real tilt series (docs/synthesis.md "Results", must-show 2), in one command:

  /usr/bin/python3 models/synth/real_withheld.py --data DIR --work /tmp/synth/real [--model lbp-small|FOLDER] [--out models/synth/lbp_small]
      [--series jason64,empiar-bin2,empiar] [--contrast auto[,dense-bright,both-signs]]

DIR holds empiar_10009_128.mrc/.tlt and jason64.ali/.tlt (bench/real_cv.sh: public test data of the Ettention
project, not shipped here). The tilts nearest 0°, +15° and −15° are withheld; the model (`wedgelab synthesize
--method latentbp`, the engine) predicts them from the rest, and the workbench's held-out-tilt cross-validation
(`wedgelab cv --drop`) reprojects FBP (ram-lak and cosine), SIRT (20 iterations) and the local network (both
shipped models) reconstructed from the same rest. Every prediction is scored against the measured tilt as `cv`
scores it (docs/conventions.md#held-out-tilt-cross-validation): per tilt, NMSE and correlation after standardising
both. No ground truth: the measured tilt carries its own noise, so no method reaches NMSE 0. A reference that
reconstructs nothing: the mean of the two given tilts on either side of each withheld one (a real series changes
little over 2–3°, so any method should beat it to show it adds anything).

Input, the same for every method: each tilt's mean subtracted first (`--subtract-mean`): jason64's int16 tilts sit
near −32 700, EMPIAR-10009's unsigned bytes have tilt means from 83 to 113, and no volume explains a different
offset in every tilt (without it FBP's NMSE at EMPIAR's 0° is 1.26, with it 0.33). Scale: the model was trained on
simulated series 48–80 pixels wide, 24–32 thick (models/synth/make_data.sh), so EMPIAR-10009 is also given binned
2 × 2 (128 → 64 pixels, 4 → 8 Å; `--bin 2` for the others): jason64 64 × 64 (32 Å), EMPIAR-10009 64 × 64 and
128 × 128. The thickness is the workbench's default, a quarter of the width, for every method. No randomness: every
method here is deterministic. Each prediction's scores are kept in --work and reused by a later run (delete it to
recompute). Writes real_withheld.json and .md into --out, the series in --series' order.
"""
import argparse
import json
import os
import struct
import subprocess
import sys

import mrcfile
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WITHHELD = (0.0, 15.0, -15.0)
CONTRASTS = ("auto", "dense-bright", "dense-dark", "both-signs")  # the engine's (src/engine/methods/contrast.ts)
# key: (label, stack, tilt file, binning)
CASES = {"jason64": ("jason64, 64 px, 32 Å", "jason64.ali", "jason64.tlt", 1),
         "empiar-bin2": ("EMPIAR-10009 binned 2, 64 px, 8 Å", "empiar_10009_128.mrc", "empiar_10009_128.tlt", 2),
         "empiar": ("EMPIAR-10009, 128 px, 4 Å", "empiar_10009_128.mrc", "empiar_10009_128.tlt", 1)}
# (label, `wedgelab cv` method flags)
BASELINES = [("FBP ram-lak", ["--method", "fbp", "--filter", "ram-lak"]), ("FBP cosine", ["--method", "fbp", "--filter", "cosine"]),
             ("SIRT 20", ["--method", "sirt", "--iterations", "20"]), ("local network (broad-p11)", ["--method", "localnet"]),
             ("local network (broad-p11-wavelet)", ["--method", "localnet-wavelet"])]
IMOD_STAMP = 1146047817  # 'IMOD' in the header's bytes 152–155


def run(args):
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def read_stack(path):
    """The tilts as float32 [K, ny, nx]; IMOD's mode 0 without its signed flag is unsigned bytes (as src/io/mrc.ts reads it)."""
    with mrcfile.open(path, permissive=True) as m:
        data, mode = np.asarray(m.data), int(m.header.mode)
    with open(path, "rb") as f:
        stamp, flags = struct.unpack("<ii", f.read(160)[152:160])
    if mode == 0 and stamp == IMOD_STAMP and not flags & 1:
        data = data.view(np.uint8)
    return data.astype(np.float32)


def read_angles(path):
    with open(path) as f:
        return [float(line) for line in f if line.strip()]


def prepare(tilts, binning):
    """What the workbench gives a method with --bin B (B × B means) and --subtract-mean (each tilt's own mean)."""
    if binning > 1:
        k, ny, nx = tilts.shape
        ny, nx = ny // binning * binning, nx // binning * binning
        tilts = tilts[:, :ny, :nx].reshape(k, ny // binning, binning, nx // binning, binning).mean(axis=(2, 4))
    tilts = tilts - tilts.mean(axis=(1, 2), keepdims=True)
    return np.ascontiguousarray(tilts, dtype=np.float32)


def cached(path, compute):
    """compute()'s JSON result, kept at path: a run stopped part way resumes where it was."""
    if not os.path.exists(path):
        result = compute()
        with open(path + ".part", "w") as f:
            json.dump(result, f)
        os.replace(path + ".part", path)
    with open(path) as f:
        return json.load(f)


def write_series(tilts, angles, folder):
    os.makedirs(folder, exist_ok=True)
    stack, tlt = os.path.join(folder, "tilts.mrc"), os.path.join(folder, "tilts.tlt")
    with mrcfile.new(stack, overwrite=True) as m:
        m.set_data(tilts)
    with open(tlt, "w") as f:
        f.write("".join(f"{a:.2f}\n" for a in angles))
    return stack, tlt


def scores(predicted, measured):
    """Per tilt: NMSE and Pearson correlation after standardising both (population std), as `wedgelab cv` scores."""
    out = []
    for p, m in zip(predicted.astype(np.float64), measured.astype(np.float64)):
        p, m = (p - p.mean()) / p.std(), (m - m.mean()) / m.std()
        out.append({"nmse": float(((p - m) ** 2).sum() / (m ** 2).sum()), "corr": float((p * m).mean())})
    return out


def neighbour_means(angles, given, withheld, tilts):
    """For each withheld tilt, the mean of the nearest given tilt below its angle and the nearest above."""
    out = []
    for i in withheld:
        below = max((j for j in given if angles[j] < angles[i]), key=lambda j: angles[j])
        above = min((j for j in given if angles[j] > angles[i]), key=lambda j: angles[j])
        out.append((tilts[below] + tilts[above]) / 2)
    return np.stack(out)


def predict_latentbp(model, contrast, tilts, angles, given, withheld, thickness, folder):
    """The withheld tilts as `wedgelab synthesize --method latentbp --contrast C` predicts them from the given ones."""
    given_stack, given_tlt = write_series(tilts[given], [angles[i] for i in given], os.path.join(folder, "given"))
    add = ",".join(f"{angles[i]:.2f}" for i in withheld)
    out_dir = os.path.join(folder, f"latentbp-{contrast}")
    # --flag=VALUE: a value may start with a minus sign.
    run(["node", "bin/wedgelab.js", "synthesize", "--tilts", given_stack, "--angles", given_tlt, "--method", "latentbp", f"--model={model}",
         f"--contrast={contrast}", f"--add={add}", "--thickness", str(thickness), "--out-dir", out_dir, "--force", "--quiet"])
    with mrcfile.open(os.path.join(out_dir, "tilt_series.mrc"), permissive=True) as m:
        return np.asarray(m.data, dtype=np.float32)[-len(withheld):]


def cross_validate(flags, stack, tlt, binning, thickness, held_angles):
    """`wedgelab cv --drop` of a reconstruction method: its scores at the withheld angles."""
    cv = json.loads(run(["node", "bin/wedgelab.js", "cv", "--tilts", stack, "--angles", tlt, "--thickness", str(thickness), "--bin", str(binning),
                         "--subtract-mean", "--drop=" + ",".join(f"{a:.2f}" for a in held_angles), "--json", "--quiet", *flags]))
    by_angle = {round(s["angle"], 2): s for s in cv["perAngle"]}
    return [{"nmse": by_angle[round(a, 2)]["nmse"], "corr": by_angle[round(a, 2)]["corr"]} for a in held_angles]


def evaluate_case(model, contrasts, data, work, key):
    label, stack, tlt, binning = CASES[key]
    stack, tlt = os.path.join(data, stack), os.path.join(data, tlt)
    angles = read_angles(tlt)
    tilts = prepare(read_stack(stack), binning)
    thickness = max(1, round(tilts.shape[2] / 4))
    withheld = [int(np.argmin([abs(a - w) for a in angles])) for w in WITHHELD]
    given = [i for i in range(len(angles)) if i not in withheld]
    held_angles = [angles[i] for i in withheld]
    folder = os.path.join(work, key)
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(model)
    methods = {f"latent back-projection ({name}, contrast {c})": cached(os.path.join(folder, f"latentbp_{name}_{c}.json"), lambda c=c: scores(
                   predict_latentbp(model, c, tilts, angles, given, withheld, thickness, folder), tilts[withheld])) for c in contrasts}
    methods["mean of the two neighbouring given tilts"] = scores(neighbour_means(angles, given, withheld, tilts), tilts[withheld])
    for method, flags in BASELINES:
        methods[method] = cached(os.path.join(folder, f"cv_{'_'.join(flags[1:])}.json"), lambda: cross_validate(flags, stack, tlt, binning, thickness, held_angles))
        print(f"{label}: {method} done", flush=True)
    return {"series": label, "binning": binning, "size": list(tilts.shape[1:]), "thickness": thickness, "withheldAngles": held_angles,
            "givenTilts": len(given), "methods": methods}


def report(results):
    lines = ["Withheld the tilts nearest 0° and ±15° of two real series; each method predicts them from the rest and is scored",
             "against the measured tilt (NMSE and correlation after standardising both; no ground truth).", "",
             "| series | thickness | method | NMSE 0° | NMSE +15° | NMSE −15° | mean NMSE | mean corr |", "|---|---|---|---|---|---|---|---|"]
    for r in results:
        for name, s in r["methods"].items():
            nmse = " | ".join(f"{t['nmse']:.3f}" for t in s)
            lines.append(f"| {r['series']} | {r['thickness']} | {name} | {nmse} | {np.mean([t['nmse'] for t in s]):.3f} | {np.mean([t['corr'] for t in s]):.3f} |")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="folder with empiar_10009_128.mrc/.tlt and jason64.ali/.tlt")
    p.add_argument("--work", required=True)
    p.add_argument("--model", default="lbp-small", help="a shipped model's name or a model's folder (default: lbp-small)")
    p.add_argument("--out", default=os.path.join(HERE, "lbp_small"), help="where the table goes (default: the shipped model's folder)")
    p.add_argument("--series", default=",".join(CASES), help=f"which series, in the table's order (default {','.join(CASES)})")
    p.add_argument("--contrast", default="auto", help="the network's --contrast, or several, comma-separated, a row each (default auto)")
    args = p.parse_args()
    data = os.path.abspath(args.data)
    model = os.path.abspath(args.model) if os.path.isdir(args.model) else args.model
    keys = args.series.split(",")
    if any(k not in CASES for k in keys):
        sys.exit(f"real_withheld.py: --series takes {', '.join(CASES)} (given {args.series})")
    for f in {f for k in keys for f in CASES[k][1:3]}:
        if not os.path.isfile(os.path.join(data, f)):
            sys.exit(f"real_withheld.py: {os.path.join(data, f)} is missing (--data must hold empiar_10009_128.mrc/.tlt and jason64.ali/.tlt)")
    contrasts = args.contrast.split(",")
    if any(c not in CONTRASTS for c in contrasts):
        sys.exit(f"real_withheld.py: --contrast takes {', '.join(CONTRASTS)} (given {args.contrast})")
    results = [evaluate_case(model, contrasts, data, os.path.abspath(args.work), key) for key in keys]
    with open(os.path.join(args.out, "real_withheld.json"), "w") as f:
        json.dump(results, f)
    with open(os.path.join(args.out, "real_withheld.md"), "w") as f:
        f.write(report(results))


if __name__ == "__main__":
    main()
