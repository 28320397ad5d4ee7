#!/usr/bin/python3
"""Which held-out tilts let the trust score see what a local model gains? (issue #15; docs/trust.md)

  nice -n 10 /usr/bin/python3 models/localnet/trust_holdout.py [--work /tmp/lnet/trust_holdout] [--out-dir models/localnet]

For six of validate.py's cases (same families, seeds, sizes and tilt ranges: the simulations are seeded, so
they are the volumes of the cards' validation tables) and both shipped models, runs `wedgelab trust` with several
held-out specs:

  every:4         the default: every 4th tilt by angle, inside the measured range
  outer:2, outer:3 the 2 (3) most negative and most positive tilts: their angles fall in the missing wedge of
                  the series that is left, so predicting them asks for wedge filling
  every:4+outer:2 both sets at once
  outer:5         a probe further into the wedge (±60° leaves ±45°, ±45° leaves ±30°)

and sets each verdict against the ground truth, the PSNR difference model − ram-lak FBP that validate.py
measured on the same simulations (the model's validation.json). Python does no geometry: the CLI simulates
(through validate.py's helper), reconstructs and scores. An 'outer' spec is passed to the CLI as the list of its
angles, read from the series' own .tlt. Every trust report is kept in --work, so a rerun only runs what is
missing. Writes trust_holdout.json (a row per case, model and spec; perTilt: angle, degrees outside the range of
the tilts left, band mean of the model, of FBP) and trust_holdout.md into --out-dir.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from validate import CASES, ROOT, SIZE, agrees, case_dir, case_label, simulate  # noqa: E402  (the cases and the simulation, as the cards made them)

CASE_NAMES = ("ellipsoids (independent) 0 dB ±60°", "ellipsoids (independent) −5 dB ±45°",
              "shells in a slab (independent) 0 dB ±60°", "shells in a slab (independent) −5 dB ±45°",
              "lamella 0 dB ±60°", "mixed (unseen) 0 dB ±60°")
MODELS = {"voxel": "broad_p11", "wavelet": "broad_p11_wavelet"}
SPECS = ("every:4", "outer:2", "outer:3", "every:4+outer:2", "outer:5")


def held_out_angles(spec, angles):
    """The CLI's --held-out value for `spec`: every:K as it is; outer:N as the list of the N most negative and N
    most positive angles; A+B as the union of both lists (every:K's tilts listed by angle, as the CLI picks them)."""
    if "+" not in spec and not spec.startswith("outer:"):
        return spec
    chosen = set()
    by_angle = sorted(angles)
    for part in spec.split("+"):
        kind, k = part.split(":")
        if kind == "outer":
            chosen |= set(by_angle[:int(k)] + by_angle[-int(k):])
        else:  # every:K: ranks 1, 1 + K, … in angle order (tiltSubsets.ts)
            chosen |= {a for rank, a in enumerate(by_angle) if rank % int(k) == 1}
    return ",".join(f"{a:g}" for a in sorted(chosen))


def trust(model, stack, tlt, spec, angles, cached):
    if os.path.exists(cached):
        return json.load(open(cached))
    started = time.time()
    out = subprocess.run(["node", "--liftoff-only", os.path.join(ROOT, "bin", "wedgelab.js"), "trust", "--tilts", stack, "--angles", tlt,
                          "--thickness", SIZE.split(",")[2], "--method", "localnet", "--model", model,
                          f"--held-out={held_out_angles(spec, angles)}", "--json"], check=True, capture_output=True, text=True)
    report = json.loads(out.stdout)
    kept = {k: report[k] for k in ("verdict", "difference", "tolerance", "summaryMethod", "summaryFbp", "heldOut", "frequencies", "frcMethod", "frcFbp")}
    kept["seconds"] = round(time.time() - started, 1)
    with open(cached, "w") as f:
        json.dump(kept, f)
    return kept


def beyond(angle, angles, held_out):
    """Degrees by which a held-out tilt lies outside the range of the tilts left (0 inside it): how deep in the
    reduced series' missing wedge its central section lies."""
    left = [a for a in angles if a not in {h["angle"] for h in held_out}]
    return max(0.0, angle - max(left), min(left) - angle)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/lnet/trust_holdout")
    ap.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--specs", default=",".join(SPECS))
    args = ap.parse_args()
    specs = args.specs.split(",")
    cases = [c for c in CASES if c[0] in CASE_NAMES]
    rows = []
    for name, fam, snr, rng, seed in cases:
        d = case_dir(args.work, fam, snr, rng, seed, SIZE)
        stack, tlt = os.path.join(d, "tilt_series.mrc"), os.path.join(d, "tilt_series.tlt")
        if not os.path.exists(stack):
            simulate(fam, SIZE, rng, snr, seed, d)
        angles = [float(a) for a in open(tlt).read().split()]
        for variant, folder in MODELS.items():
            model = os.path.join(ROOT, "models", "localnet", folder, "model.onnx")
            truth = {r["case"]: r for r in json.load(open(os.path.join(os.path.dirname(model), "validation.json")))}[case_label(name, seed)]
            gain = truth["localnet"]["psnr"] - truth["fbp"]["psnr"]
            for spec in specs:
                t = trust(model, stack, tlt, spec, angles, os.path.join(d, f"trust_{variant}_{spec.replace(':', '').replace('+', '_')}.json"))
                row = {"case": case_label(name, seed), "model": variant, "spec": spec, "psnrGain": round(gain, 2), "agrees": agrees(t["verdict"], gain),
                       "verdict": t["verdict"], "seconds": t["seconds"],
                       **{k: round(t[k], 4) for k in ("difference", "tolerance", "summaryMethod", "summaryFbp")},
                       "perTilt": [[h["angle"], beyond(h["angle"], angles, t["heldOut"]), round(h["summaryMethod"], 4), round(h["summaryFbp"], 4)] for h in t["heldOut"]]}
                rows.append(row)
                print(json.dumps({k: v for k, v in row.items() if k != "perTilt"}, ensure_ascii=False), flush=True)
    write_tables(args.out_dir, rows, specs)


def write_tables(out, rows, specs):
    with open(os.path.join(out, "trust_holdout.json"), "w") as f:  # a row per line
        f.write("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n")
    lines = ["| case | model | PSNR model − FBP (dB) | " + " | ".join(specs) + " |", "|---|---|---|" + "---|" * len(specs)]
    for case in dict.fromkeys(r["case"] for r in rows):
        for variant in MODELS:
            cells = {r["spec"]: r for r in rows if r["case"] == case and r["model"] == variant}
            if not cells:
                continue
            gain = next(iter(cells.values()))["psnrGain"]
            lines.append(f"| {case} | {variant} | {gain:+.2f} | " + " | ".join(
                f"{c['summaryMethod']:.3f} / {c['summaryFbp']:.3f}: {c['verdict']} ({c['difference']:+.3f} ± {c['tolerance']:.3f}){'' if c['agrees'] else ' ✗'}"
                if (c := cells.get(s)) else "—" for s in specs) + " |")
    tally = " | ".join(f"{sum(r['agrees'] for r in rows if r['spec'] == s)}/{sum(r['spec'] == s for r in rows)}" for s in specs)
    lines.append(f"| agrees with the ground truth | | | {tally} |")
    lines += ["", "Per held-out tilt, band mean model − FBP by how far the tilt lies outside the range of the tilts left "
              "(mean over the cases and both models, with the number of tilts and how many favour the model):", "",
              "| spec | " + " | ".join(f"{d:g}°" for d in depths(rows)) + " |", "|---|" + "---|" * len(depths(rows))]
    for s in specs:
        by_depth = {}
        for r in rows:
            if r["spec"] == s:
                for _, d, m, f in r["perTilt"]:
                    by_depth.setdefault(d, []).append(m - f)
        lines.append(f"| {s} | " + " | ".join(f"{sum(v) / len(v):+.3f} ({sum(x > 0 for x in v)}/{len(v)})" if (v := by_depth.get(d)) else "—" for d in depths(rows)) + " |")
    with open(os.path.join(out, "trust_holdout.md"), "w") as f:
        f.write("Band mean FRC model / FBP: verdict (difference ± tolerance); ✗ where the verdict disagrees with the sign of the "
                "ground-truth PSNR difference ('same' agrees within 0.5 dB). Written by trust_holdout.py.\n\n" + "\n".join(lines) + "\n")


def depths(rows):
    return sorted({d for r in rows for _, d, _, _ in r["perTilt"]})


if __name__ == "__main__":
    main()
