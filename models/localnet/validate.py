#!/usr/bin/python3
"""Validate a local model on held-out simulations, against FBP, with the CLI only (no geometry here).

  /usr/bin/python3 models/localnet/validate.py --model models/localnet/lamella_p11/model.onnx [--work /tmp/lnet/val]
  (--tables-only re-renders validation.md and the card from the model's validation.json, running nothing)

Cases: 'lamella' (the training family) with seeds never used by the training set (training-set draws its
seeds from --seed 1's stream; these are fixed: 9001…9005, and 9101…9105 for the second of --seeds 2), at −5 and 0 dB, ±60° and ±45° (3° steps, sequential),
and the 'mixed' family, never seen in training, at 0 dB ±60°. Every volume is 64 × 64 × 32 (small: in Node
the model runs on one wasm thread, well under 1 GMAC/s here). Each is reconstructed with FBP (ram-lak,
the CLI's default; and cosine, the filter the model's inputs get) and with the model, and scored by
`wedgelab metrics --json` against the ground truth: PSNR and SSIM after an affine fit, and the FSC over the wedge
cone's missing side (fscWedgeMissing), averaged over shells 0 < f ≤ 0.25 cycles/voxel (where the phantoms carry
most of their power), and shell by shell: how many of those shells the model beats both FBPs at, and its
smallest margin there. SIRT (20 iterations) is scored alongside as a regularised baseline.

Writes validation.json and validation.md next to the model, and renders its card again (card.py).
"""
import argparse
import itertools
import json
import os
import subprocess
import time

from card import write_card

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = [
    # name, phantom, snr dB, range °, seed
    ("lamella −5 dB ±60°", "lamella", -5, 60, 9001),
    ("lamella 0 dB ±60°", "lamella", 0, 60, 9002),
    ("lamella −5 dB ±45°", "lamella", -5, 45, 9003),
    ("lamella 0 dB ±45°", "lamella", 0, 45, 9004),
    ("mixed (unseen) 0 dB ±60°", "mixed", 0, 60, 9005),
]
SIZE = (64, 64, 32)


def cli(*args):
    out = subprocess.run(["node", os.path.join(ROOT, "bin", "wedgelab.js"), *args], check=True, capture_output=True, text=True)
    return out.stdout


def scores(volume, truth, angles):
    m = json.loads(cli("metrics", "--a", volume, "--b", truth, "--angles", angles, "--json"))
    shells = [i for i, f in enumerate(m["shells"]) if 0 < f <= 0.25 and m["fscWedgeMissing"][i] is not None]
    wedge = [m["fscWedgeMissing"][i] for i in shells]
    return {"psnr": m["psnr"], "ssim": m["ssim"], "fscWedgeMissing": sum(wedge) / len(wedge), "wedgeShells": wedge}


def shell_margin(row):
    """Shells (0 < f ≤ 0.25) where the model's missing-side FSC is above both FBPs', and the smallest margin."""
    curves = zip(row["localnet"]["wedgeShells"], row["fbp"]["wedgeShells"], row["fbp-cosine"]["wedgeShells"])
    # A shell without voxels on the missing side (the lowest, on a small grid) reads exactly 0 for every volume.
    margins = [m - max(a, b) for m, a, b in curves if (m, a, b) != (0, 0, 0)]
    return {"shellsAbove": sum(1 for d in margins if d > 0), "shells": len(margins), "minMargin": min(margins)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", default="/tmp/lnet/val")
    ap.add_argument("--tables-only", action="store_true", help="re-render the tables and card from validation.json")
    ap.add_argument("--seeds", type=int, default=2, help="simulations per case: seeds base, base + 100, …")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(args.model))
    results = json.load(open(os.path.join(here, "validation.json"))) if args.tables_only else run_cases(args.model, args.work, args.seeds)
    for row in results:
        row["shellCheck"] = shell_margin(row)
    write_tables(here, results)


def run_cases(model, work, seeds):
    results = []
    for (name, phantom, snr, rng, base), k in itertools.product(CASES, range(seeds)):
        seed = base + 100 * k
        d = os.path.join(work, f"{phantom}_{snr}dB_{rng}deg_{seed}")
        cli("simulate", "--phantom", phantom, "--size", ",".join(map(str, SIZE)), "--angles", f"-{rng},{rng},3",
            "--snr-db", str(snr), "--seed", str(seed), "--out-dir", d)
        stack, tlt, truth = (os.path.join(d, f) for f in ("tilt_series.mrc", "tilt_series.tlt", "ground_truth.mrc"))
        row = {"case": f"{name}, seed {seed}"}
        for method, extra in (("fbp", ["--method", "fbp"]), ("fbp-cosine", ["--method", "fbp", "--filter", "cosine"]),
                              ("sirt", ["--method", "sirt", "--iterations", "20"]),
                              ("localnet", ["--method", "localnet", "--model", model])):
            out = os.path.join(d, f"{method}.mrc")
            started = time.time()
            cli("recon", "--tilts", stack, "--angles", tlt, "--thickness", str(SIZE[2]), "--quiet", "--out", out, *extra)
            row[method] = {**scores(out, truth, tlt), "seconds": round(time.time() - started, 1)}
        results.append(row)
        print(json.dumps(row), flush=True)
    return results


def write_tables(here, results):
    with open(os.path.join(here, "validation.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    lines = ["| case | PSNR FBP / FBP-cos / SIRT / model (dB) | SSIM FBP / FBP-cos / SIRT / model | wedge-missing FSC FBP / FBP-cos / SIRT / model | shells model > both FBPs (min margin) | model s |",
             "|---|---|---|---|---|---|"]
    for r in results:
        four = lambda key, fmt: " / ".join(fmt.format(r[m][key]) for m in ("fbp", "fbp-cosine", "sirt", "localnet"))
        c = r["shellCheck"]
        lines.append(f"| {r['case']} | {four('psnr', '{:.2f}')} | {four('ssim', '{:.3f}')} | {four('fscWedgeMissing', '{:.3f}')} | "
                     f"{c['shellsAbove']}/{c['shells']} ({c['minMargin']:+.3f}) | {r['localnet']['seconds']} |")
    with open(os.path.join(here, "validation.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    write_card(here)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
