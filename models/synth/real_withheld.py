#!/usr/bin/python3
"""Withheld 0° and ±15° of two real tilt series (docs/synthesis.md "Results", must-show 2), in one command:

  /usr/bin/python3 models/synth/real_withheld.py --data DIR --work /tmp/synth/real [--model lbp-small|FOLDER] [--out models/synth/lbp_small]

DIR holds empiar_10009_128.mrc/.tlt and jason64.ali/.tlt (bench/real_cv.sh: public test data of the Ettention
project, not shipped here). The tilts nearest 0°, +15° and −15° are withheld; the model (`wedgelab synthesize
--method latentbp`, the engine) predicts them from the rest, and the workbench's held-out-tilt cross-validation
(`wedgelab cv --drop`) reprojects FBP (ram-lak and cosine), SIRT (20 iterations) and the local network (both
shipped models) reconstructed from the same rest. Every prediction is scored against the measured tilt as `cv`
scores it (docs/conventions.md#held-out-tilt-cross-validation): per tilt, NMSE and correlation after standardising
both. No ground truth: the measured tilt carries its own noise, so no method reaches NMSE 0.

Scale: the model was trained on simulated series 48–80 pixels wide, 24–32 thick (models/synth/make_data.sh), so
each series is given as the workbench would and, for EMPIAR-10009, also binned 2 × 2 (128 → 64 pixels, 4 → 8 Å):
- empiar_10009_128 at 128 × 128 (thickness 32) and binned 2 (64 × 64, thickness 16): unsigned bytes as read;
- jason64 at 64 × 64 (thickness 16), each tilt's mean subtracted first (int16 near −32 700; `--subtract-mean`).
The thickness is the workbench's default, a quarter of the width, for every method. No randomness: every method
here is deterministic (the same command gives the same table). Writes real_withheld.json and .md into --out.
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
# (label, stack, tilt file, binning, subtract each tilt's mean)
CASES = [("EMPIAR-10009, 128 px, 4 Å", "empiar_10009_128.mrc", "empiar_10009_128.tlt", 1, False),
         ("EMPIAR-10009 binned 2, 64 px, 8 Å", "empiar_10009_128.mrc", "empiar_10009_128.tlt", 2, False),
         ("jason64, 64 px, 32 Å", "jason64.ali", "jason64.tlt", 1, True)]
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


def prepare(tilts, binning, subtract_mean):
    """What the workbench gives a method with --bin B (B × B means) and --subtract-mean (each tilt's own mean)."""
    if binning > 1:
        k, ny, nx = tilts.shape
        ny, nx = ny // binning * binning, nx // binning * binning
        tilts = tilts[:, :ny, :nx].reshape(k, ny // binning, binning, nx // binning, binning).mean(axis=(2, 4))
    if subtract_mean:
        tilts = tilts - tilts.mean(axis=(1, 2), keepdims=True)
    return np.ascontiguousarray(tilts, dtype=np.float32)


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


def evaluate_case(model, data, work, label, stack, tlt, binning, subtract_mean):
    angles = read_angles(os.path.join(data, tlt))
    tilts = prepare(read_stack(os.path.join(data, stack)), binning, subtract_mean)
    thickness = max(1, round(tilts.shape[2] / 4))
    withheld = [int(np.argmin([abs(a - w) for a in angles])) for w in WITHHELD]
    given = [i for i in range(len(angles)) if i not in withheld]
    folder = os.path.join(work, f"{os.path.splitext(stack)[0]}_bin{binning}")
    given_stack, given_tlt = write_series(tilts[given], [angles[i] for i in given], os.path.join(folder, "given"))
    held_angles = [angles[i] for i in withheld]
    add = ",".join(f"{a:.2f}" for a in held_angles)
    out_dir = os.path.join(folder, "latentbp")
    # --flag=VALUE: a value may start with a minus sign.
    run(["node", "bin/wedgelab.js", "synthesize", "--tilts", given_stack, "--angles", given_tlt, "--method", "latentbp", f"--model={model}",
         f"--add={add}", "--thickness", str(thickness), "--out-dir", out_dir, "--force", "--quiet"])
    with mrcfile.open(os.path.join(out_dir, "tilt_series.mrc"), permissive=True) as m:
        synthesised = np.asarray(m.data, dtype=np.float32)[-len(withheld):]
    methods = {f"latent back-projection ({os.path.basename(model)})": scores(synthesised, tilts[withheld])}
    common = ["--tilts", os.path.join(data, stack), "--angles", os.path.join(data, tlt), "--thickness", str(thickness), "--bin", str(binning),
              *(["--subtract-mean"] if subtract_mean else []), f"--drop={add}", "--json", "--quiet"]
    for name, flags in BASELINES:
        cv = json.loads(run(["node", "bin/wedgelab.js", "cv", *common, *flags]))
        by_angle = {round(s["angle"], 2): s for s in cv["perAngle"]}
        methods[name] = [{"nmse": by_angle[round(a, 2)]["nmse"], "corr": by_angle[round(a, 2)]["corr"]} for a in held_angles]
    print(f"{label} done", flush=True)
    return {"series": label, "stack": stack, "binning": binning, "subtractMean": subtract_mean, "size": list(tilts.shape[1:]),
            "thickness": thickness, "withheldAngles": held_angles, "givenTilts": len(given), "methods": methods}


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
    args = p.parse_args()
    data = os.path.abspath(args.data)
    model = os.path.abspath(args.model) if os.path.isdir(args.model) else args.model
    for f in {c[1] for c in CASES} | {c[2] for c in CASES}:
        if not os.path.isfile(os.path.join(data, f)):
            sys.exit(f"real_withheld.py: {os.path.join(data, f)} is missing (--data must hold empiar_10009_128.mrc/.tlt and jason64.ali/.tlt)")
    results = [evaluate_case(model, data, os.path.abspath(args.work), *case) for case in CASES]
    with open(os.path.join(args.out, "real_withheld.json"), "w") as f:
        json.dump(results, f)
    with open(os.path.join(args.out, "real_withheld.md"), "w") as f:
        f.write(report(results))


if __name__ == "__main__":
    main()
