#!/usr/bin/python3
"""Where does a local model gain over the smoothed FBP, and can held-out tilts see it? (issue #15; docs/trust.md)

  nice -n 10 /usr/bin/python3 models/localnet/wedge_gain.py [--models broad_p11_wide_wavelet,broad_p11_wide]
      [--work /tmp/lnet/wedge_gain] [--out-dir models/localnet]

On the 13 cases of validate.py (same families, seeds, sizes and tilt ranges, so the cards' simulations), for each
model as the cards' hand-over tables run it (--fbp-below 0.15, then a Gaussian of σ 0.75 voxels:
docs/localnet-history.md, "Hand-over and a fixed light smoothing"):

1. FBP (ram-lak) smoothed by each σ of SMOOTHING (0: not smoothed), chosen two ways: by the ground truth (the
   best PSNR: an oracle) and by held-out tilts alone (`wedgelab cv --drop every:4`, the best mean correlation
   of the measured held-out tilts with their prediction: what a user could do without a ground truth).
2. The ground-truth PSNR difference model − that held-out-chosen smoothed FBP, whole and split between the two
   sides of the wedge cone (`wedgelab metrics`, psnrWedge and psnrWedgeMissing: the two parts of the error add
   up to the whole), and the share of the gain in mean square error that lies on the missing side.
3. The held-out-tilt correlation of the model (cv of the same composition, --refine gaussian) against the
   chosen smoothed FBP's: a score that rewards denoising (it is not blind to a blur, as the trust score's FRC
   is) but cannot be won by blur alone, since its FBP has the blur held-out tilts prefer. Its verdict follows
   the trust score's rule (docs/trust.md, "The tolerance": twice the standard error of the per-tilt
   differences, at least 0.01).
4. The trust score (FRC) of the same composition, from the model's hand-over validation (its card's table).

Each verdict is set against the measured side's PSNR difference, the only part a held-out tilt inside the
range can see ('same' agrees with a difference within 0.5 dB, as in validate.py). Python does no geometry: the
CLI simulates (validate.py's helper), reconstructs, smooths, cross-validates and scores. Every step's output is
kept in --work, so a rerun only runs what is missing. Writes wedge_gain.json and wedge_gain.md into --out-dir.
"""
import argparse
import json
import os
import statistics
import time

from validate import CASES, ROOT, SIZE, agrees, case_label, cli, metrics, simulate

SMOOTHING = (0, 0.5, 0.75, 1, 1.5, 2, 3)  # Gaussian σ tried on the FBP, voxels (0: none)
COMPOSITION = {"fbp_below": "0.15", "sigma": "0.75"}  # the cards' hand-over tables (docs/localnet.md)


def cached(path, make):
    """The JSON at `path`, made by `make()` and saved there the first time."""
    if not os.path.exists(path):
        value = make()
        with open(path, "w") as f:
            json.dump(value, f)
    return json.load(open(path))


def held_out(args):
    """`wedgelab cv --drop every:4` of the given method flags: the correlation of each held-out tilt."""
    report = json.loads(cli("cv", *args, "--drop", "every:4", "--json"))
    return [tilt["corr"] for tilt in report["perAngle"]]


def scored(volume, truth, tlt):
    m = metrics(volume, truth, tlt)
    return {k: m[k] for k in ("psnr", "psnrWedge", "psnrWedgeMissing")}


def fbp_row(d, common, truth, tlt):
    """FBP smoothed by each σ: ground-truth scores and held-out correlations."""
    fbp = os.path.join(d, "fbp.mrc")
    if not os.path.exists(fbp):
        cli("recon", *common, "--method", "fbp", "--quiet", "--out", fbp)
    rows = {}
    for sigma in SMOOTHING:
        path = fbp if sigma == 0 else os.path.join(d, f"fbp_sigma{sigma}.mrc")
        if not os.path.exists(path):
            cli("refine", "--tomogram", fbp, "--method", "gaussian", "--sigma", str(sigma), "--quiet", "--out", path)
        refine = ["--refine", "gaussian", "--refine-sigma", str(sigma)] if sigma else []
        rows[str(sigma)] = {**scored(path, truth, tlt), "heldOut": held_out([*common, "--method", "fbp", *refine])}
    return rows


def model_row(d, common, truth, tlt, model):
    """The model (a folder of models/localnet) composed as the cards' hand-over tables: scores and held-out correlations."""
    onnx = os.path.join(ROOT, "models", "localnet", model, "model.onnx")
    flags = ["--method", "localnet", "--model", onnx, "--fbp-below", COMPOSITION["fbp_below"]]
    raw, out = (os.path.join(d, f"{model}{ext}") for ext in (".raw.mrc", ".mrc"))
    if not os.path.exists(out):
        cli("recon", *common, *flags, "--quiet", "--force", "--out", raw)
        cli("refine", "--tomogram", raw, "--method", "gaussian", "--sigma", COMPOSITION["sigma"], "--quiet", "--force", "--out", out)
    return {**scored(out, truth, tlt),
            "heldOut": held_out([*common, *flags, "--refine", "gaussian", "--refine-sigma", COMPOSITION["sigma"]])}


def verdict(differences):
    """The trust score's rule (docs/trust.md): better/worse beyond twice the standard error of the per-tilt
    differences, at least 0.01."""
    mean = statistics.mean(differences)
    tolerance = max(0.01, 2 * statistics.stdev(differences) / len(differences) ** 0.5)
    return {"difference": mean, "tolerance": tolerance,
            "verdict": "better" if mean > tolerance else "worse" if mean < -tolerance else "same"}


def mse(psnr):
    """The mean square error behind a PSNR, in units of L² (the same L for every volume of a case)."""
    return 10 ** (-psnr / 10)


def compare(case, fbp, model, trust):
    """The row of one case and model: the chosen σ, the PSNR differences by side, the held-out verdicts."""
    mean_corr = {s: statistics.mean(r["heldOut"]) for s, r in fbp.items()}
    chosen = max(fbp, key=lambda s: mean_corr[s])
    oracle = max(fbp, key=lambda s: fbp[s]["psnr"])
    base = fbp[chosen]
    gain = {k: model[k] - base[k] for k in ("psnr", "psnrWedge", "psnrWedgeMissing")}
    saved = {side: mse(base[side]) - mse(model[side]) for side in ("psnrWedge", "psnrWedgeMissing")}
    correlation = verdict([a - b for a, b in zip(model["heldOut"], base["heldOut"])])
    return {"case": case, "sigmaHeldOut": float(chosen), "sigmaOracle": float(oracle),
            "psnrOracleMinusChosen": fbp[oracle]["psnr"] - base["psnr"], "gain": gain,
            "missingShare": saved["psnrWedgeMissing"] / (saved["psnrWedge"] + saved["psnrWedgeMissing"]),
            "correlation": {**correlation, "agreesMeasured": agrees(correlation["verdict"], gain["psnrWedge"]),
                            "agreesWhole": agrees(correlation["verdict"], gain["psnr"])},
            "trust": trust and {**trust, "agreesMeasured": agrees(trust["verdict"], gain["psnrWedge"]),
                                "agreesWhole": agrees(trust["verdict"], gain["psnr"])}}


def card_trust(model):
    """The trust verdicts of the model's hand-over validation, by case name (without its seed)."""
    path = os.path.join(ROOT, "models", "localnet", model, "handover-smoothed", "validation.json")
    if not os.path.exists(path):
        return {}
    return {r["case"].split(",")[0]: {k: r["trust"][k] for k in ("verdict", "difference", "tolerance")}
            for r in json.load(open(path)) if r.get("trust")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="broad_p11_wide_wavelet,broad_p11_wide", help="folders of models/localnet, comma-separated")
    ap.add_argument("--work", default="/tmp/lnet/wedge_gain")
    ap.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    rows = []
    for model in args.models.split(","):
        trusts = card_trust(model)
        for name, fam, snr, rng, seed in CASES:
            started = time.time()
            d = os.path.join(args.work, f"{fam}_{snr}dB_{rng}deg_{seed}")
            os.makedirs(d, exist_ok=True)
            if not os.path.exists(os.path.join(d, "tilt_series.mrc")):
                simulate(fam, SIZE, rng, snr, seed, d)
            stack, tlt, truth = (os.path.join(d, f) for f in ("tilt_series.mrc", "tilt_series.tlt", "ground_truth.mrc"))
            common = ["--tilts", stack, "--angles", tlt, "--thickness", SIZE.split(",")[2]]
            fbp = cached(os.path.join(d, "fbp.json"), lambda: fbp_row(d, common, truth, tlt))
            result = cached(os.path.join(d, f"{model}.json"), lambda: model_row(d, common, truth, tlt, model))
            rows.append({"model": model, **compare(case_label(name, seed), fbp, result, trusts.get(name))})
            print(f"{model} {name}: {time.time() - started:.0f} s", flush=True)
    with open(os.path.join(args.out_dir, "wedge_gain.json"), "w") as f:
        json.dump(rows, f, indent=1)
        f.write("\n")
    write_tables(args.out_dir, rows)


def marked(v):
    """' ✗' after a verdict that disagrees with the measured side's PSNR difference."""
    return "" if v["agreesMeasured"] else " ✗"


def agreeing(rows, key, side):
    """How many rows' `key` verdict (correlation, trust) agrees with `side` (agreesMeasured, agreesWhole)."""
    return sum(1 for r in rows if r[key] and r[key][side])


def write_tables(out, rows):
    lines = ["# Where a local model gains over the smoothed FBP, and what held-out tilts see of it",
             "", "Made by `models/localnet/wedge_gain.py` (its docstring says how); read in docs/trust.md.", ""]
    for model in dict.fromkeys(r["model"] for r in rows):
        mine = [r for r in rows if r["model"] == model]
        lines += [f"## {model} (hand-over 0.15 + σ 0.75)", "",
                  "| case | σ held-out / oracle (oracle − held-out, dB) | PSNR model − smoothed FBP: whole / measured side / missing side (dB) | share of the gain on the missing side | held-out correlation vs smoothed FBP (tolerance) | trust (FRC) vs FBP, cards |",
                  "|---|---|---|---|---|---|"]
        for r in mine:
            g, c, t = r["gain"], r["correlation"], r["trust"]
            trust = f"{t['verdict']} ({t['difference']:+.3f}){marked(t)}" if t else "—"
            lines.append(f"| {r['case']} | {r['sigmaHeldOut']:g} / {r['sigmaOracle']:g} ({r['psnrOracleMinusChosen']:+.2f}) | "
                         f"{g['psnr']:+.2f} / {g['psnrWedge']:+.2f} / {g['psnrWedgeMissing']:+.2f} | {r['missingShare']:.2f} | "
                         f"{c['verdict']} ({c['difference']:+.4f}, {c['tolerance']:.4f}){marked(c)} | {trust} |")
        with_trust = sum(1 for r in mine if r["trust"])
        shares = [r["missingShare"] for r in mine]
        lines += ["", f"- Share of the gain on the missing side: {min(shares):.2f}…{max(shares):.2f}, mean {statistics.mean(shares):.2f}.",
                  f"- Verdicts that agree with the measured side's PSNR difference: held-out correlation {agreeing(mine, 'correlation', 'agreesMeasured')} of {len(mine)}, "
                  f"trust {agreeing(mine, 'trust', 'agreesMeasured')} of {with_trust}; with the whole PSNR difference: "
                  f"{agreeing(mine, 'correlation', 'agreesWhole')} of {len(mine)} and {agreeing(mine, 'trust', 'agreesWhole')} of {with_trust}.",
                  "- ✗: the verdict disagrees with the measured side's PSNR difference ('same' agrees within 0.5 dB).", ""]
    with open(os.path.join(out, "wedge_gain.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
