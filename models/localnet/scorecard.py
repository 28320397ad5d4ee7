#!/usr/bin/python3
r"""The generalisation bar of docs/localnet.md ("Scorecard"), counted run by run over validation tables.

  /usr/bin/python3 models/localnet/scorecard.py models/localnet/broad96_p11_wavelet/fsc-handover-fsc-sigma \
      models/localnet/broad96_p11_wavelet/fsc-handover-fsc-sigma-seeds-3-4 [more table folders, of any models]

Each argument is a folder of validate.py's tables (validation.json, and validation.md for its title line); its
parent is the model's folder (card.json names the variant). The folders of one model must hold the same
composition (the title's words before the seeds and families, e.g. "FBP hand-over weighted by its odd/even FSC,
then Gaussian σ 0.75 voxels where that FSC is low"), and no run twice. Prints one Markdown row per model:

- independent runs (the families of models/validation/ellipsoids.py, which no model saw): PSNR at least 1 dB above
  the best of ram-lak FBP, cosine FBP and the FBP smoothed by the oracle's σ (and, per case, the mean of its
  seeds' margins); the mean FSC of the missing side of the wedge (0 < f ≤ 0.25 cycles/voxel) above both FBPs';
  no shell of it more than 0.1 below the better FBP's;
- lamella runs: PSNR no more than 0.5 dB below the lamella-only model of the same variant on the same simulation
  (lamella_reference/, the models the broad ones replaced, run as they were shipped; runs without a reference
  row are not counted);
- every run with a trust score: its difference (the model's held-out-tilt FRC less ram-lak FBP's) of the same sign
  as the ground truth's PSNR difference between the two; and its verdict agreeing with that PSNR difference as
  validate.py's tables judge it ('better' above FBP, 'worse' below, 'same' within 0.5 dB).

Each count lists its misses by family and seed, with the value that missed. Nothing is run: it reads what validate.py wrote.
"""
import json
import os
import sys

from validate import agrees, case_name, case_seed, family, gain_over_fbp, margin_over_fbp, title_composition

REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lamella_reference")
INDEPENDENT = ("ellipsoids", "shells")
MARGIN_DB = 1.0  # the independent runs' PSNR bar over the best FBP
LAMELLA_DROP_DB = 0.5  # how far below the lamella-only model a lamella run may fall
SHELL_DROP = 0.1  # how far below the better FBP's one missing-side shell's FSC may fall


def composition(folder):
    """The title's composition: '# name: WHAT; seeds, families' → WHAT."""
    with open(os.path.join(folder, "validation.md")) as f:
        title = f.readline().rstrip("\n")
    what = title_composition(title)
    if what is None:
        sys.exit(f"{folder}: validation.md has no run title (validate.py --out-dir writes one)")
    return what


def reference_psnr(variant):
    """PSNR by case of the lamella-only model of this variant: every table under its folder in lamella_reference/."""
    psnr = {}
    for name in sorted(os.listdir(REFERENCE)):
        if not os.path.isdir(os.path.join(REFERENCE, name)):
            continue
        with open(os.path.join(REFERENCE, name, "card.json")) as f:
            if json.load(f)["variant"] != variant:
                continue
        for root, _, files in os.walk(os.path.join(REFERENCE, name)):
            if "validation.json" in files:
                with open(os.path.join(root, "validation.json")) as f:
                    psnr.update({r["case"]: r["localnet"]["psnr"] for r in json.load(f) if r["case"].startswith("lamella")})
    return psnr


def run_name(row):
    """'ellipsoids 9403': the family and seed that name one run (lamella seeds 9201… repeat ellipsoid ones)."""
    return family(row) + " " + case_seed(row)


def tally(rows, misses, listed):
    """'k / n' passing, then the misses as listed; '—' without rows."""
    if not rows:
        return "—"
    return f"{len(rows) - len(misses)} / {len(rows)}" + (f" (misses: {', '.join(listed)})" if misses else "")


def count(rows, passes, shown, fmt="{:+.2f}"):
    """tally() with each miss as 'family seed value' (shown(row), formatted)."""
    misses = [r for r in rows if not passes(r)]
    return tally(rows, misses, [f"{run_name(r)} {fmt.format(shown(r))}" for r in misses])


def worst_shell(row):
    """The missing-side shell furthest below the better FBP's (validate.py's shellCheck): {margin, coefficients}."""
    return min(row["shellCheck"]["misses"], key=lambda x: x["margin"], default={"margin": 0.0, "coefficients": 0})


def verdicts(rows):
    """tally() of the trust verdicts that agree with the ground truth: how many misses said 'same' where the two are
    more than 0.5 dB apart, and each other miss by name."""
    misses = [r for r in rows if not agrees(r["trust"]["verdict"], gain_over_fbp(r))]
    same = sum(r["trust"]["verdict"] == "same" for r in misses)
    named = [f"{r['trust']['verdict']} in {run_name(r)}" for r in misses if r["trust"]["verdict"] != "same"]
    return tally(rows, misses, ([f"'same' in {same}"] if same else []) + named)


def case_means(rows):
    """The same bar on each case's mean over its seeds: 'k / n cases' and the lowest mean, with its seed count."""
    if not rows:
        return "—"
    by_case = {}
    for r in rows:
        by_case.setdefault(case_name(r), []).append(margin_over_fbp(r))
    means = {case: sum(g) / len(g) for case, g in by_case.items()}
    lowest = min(means, key=means.get)
    return f"{sum(m >= MARGIN_DB for m in means.values())} / {len(means)} (lowest {means[lowest]:+.2f}, {lowest}, {len(by_case[lowest])} seeds)"


def model_row(model_dir, folders):
    kinds = {composition(d) for d in folders}
    if len(kinds) > 1:
        sys.exit(f"{model_dir}: the folders hold different compositions: {sorted(kinds)}")
    with open(os.path.join(model_dir, "card.json")) as f:
        variant = json.load(f)["variant"]
    rows = []
    for d in folders:
        with open(os.path.join(d, "validation.json")) as f:
            rows += json.load(f)
    cases = [r["case"] for r in rows]
    if len(set(cases)) < len(cases):
        sys.exit(f"{model_dir}: a run is in two of the folders")
    independent = [r for r in rows if family(r) in INDEPENDENT]
    reference = reference_psnr(variant)
    lamellae = [r for r in rows if r["case"] in reference]
    trusted = [r for r in rows if r.get("trust")]
    fsc = lambda r: r["localnet"]["fscWedgeMissing"] - max(r["fbp"]["fscWedgeMissing"], r["fbp-cosine"]["fscWedgeMissing"])
    drop = lambda r: r["localnet"]["psnr"] - reference[r["case"]]
    # The trust difference and the ground truth's PSNR difference agree in sign when their product is positive.
    same_sign = lambda r: r["trust"]["difference"] * gain_over_fbp(r) > 0
    cells = [
        os.path.basename(model_dir).replace("_", "-"),
        kinds.pop(),
        count(independent, lambda r: margin_over_fbp(r) >= MARGIN_DB, margin_over_fbp),
        case_means(independent),
        count(independent, lambda r: fsc(r) > 0, fsc, "{:+.3f}"),
        count(independent, lambda r: worst_shell(r)["margin"] >= -SHELL_DROP, worst_shell, "{0[margin]:+.3f} (n = {0[coefficients]})"),
        count(lamellae, lambda r: drop(r) >= -LAMELLA_DROP_DB, drop),
        count(trusted, same_sign, lambda r: r["trust"]["difference"], "{:+.4f}"),
        verdicts(trusted),
    ]
    return "| " + " | ".join(cells) + " |"


def main(folders):
    if not folders:
        sys.exit(__doc__)
    by_model = {}
    for d in folders:
        by_model.setdefault(os.path.dirname(os.path.abspath(d)), []).append(d)
    print("| model | composition | independent runs: ≥ 1 dB over the best FBP | independent cases: their seeds' mean ≥ 1 dB "
          "| mean missing-side FSC above both FBPs' "
          "| no missing-side shell > 0.1 below FBP's (n: its independent coefficients) | lamellae within 0.5 dB of the lamella-only model "
          "| trust: the difference's sign = the ground truth's | trust: the verdict agrees |")
    print("|---|---|---|---|---|---|---|---|---|")
    for model_dir, model_folders in by_model.items():
        print(model_row(model_dir, model_folders))


if __name__ == "__main__":
    main(sys.argv[1:])
