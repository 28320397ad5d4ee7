#!/usr/bin/python3
"""Validate a local model on held-out simulations, against FBP, with the CLI only (no geometry here).

  /usr/bin/python3 models/localnet/validate.py --model models/localnet/broad_p11/model.onnx [--work /tmp/lnet/val]
  (--tables-only re-renders validation.md and the card from the model's validation.json, running nothing;
   --size 128,128,64 --seeds 1 runs the same cases on larger volumes into validation-128x128x64.{json,md};
   --reuse-baselines takes the FBP and SIRT scores an earlier run saved in --work's case folders;
   --high-snr runs the same families at +10 and +20 dB ±60° instead (HIGH_SNR_CASES; needs --out-dir);
   --defocus UM runs the independent families' cases with their tilts through a microscope's CTF at that
   defocus (needs --out-dir and --families within ellipsoids,shells; case folders and names of their own),
   at --ctf-pixel-size Å per pixel (8, the training set's);
   --families ellipsoids,shells and --cases TEXT (case names containing TEXT) run a subset, which needs
   --out-dir DIR: it would otherwise replace the model's whole validation; so does --seed-offset K, which starts
   at each case's seed base + 100·K (--seeds 1 --seed-offset 1: the second seeds alone, to add to a first run);
   --add-to DIR adds such a run's rows to DIR, an earlier --out-dir run of the first K seeds with the same options
   (its title line must be the one these options would have given it),
   each after its case's earlier seeds, and renders DIR's tables again (its title then counts K + --seeds seeds);
   --fbp-below F passes the FBP hand-over to the model's runs, reconstruction and trust score alike (the CLI's
   default otherwise; 0: the model alone, as the cards' tables of 2026-12-02 were made);
   --post-sigma S scores the model's result smoothed by `wedgelab refine --method gaussian --sigma S`, a fixed σ
   in voxels, never one chosen per case, and its trust score as the refined result (--refine gaussian);
   an --out-dir table of either starts with a title line naming them, which the model's card quotes: give the
   same options with --tables-only to keep it)

Cases: 'lamella' (the training family) with seeds never used by the training set (training-set draws its
seeds from --seed 1's stream; these are fixed: 9001…9005, and 9101…9105 for the second of --seeds 2), at −5 and 0 dB, ±60° and ±45° (3° steps, sequential),
and the 'mixed' family, never seen in training, at 0 dB ±60°. Two more families come from the independent
simulator (models/validation/ellipsoids.py: analytic ellipsoids, exact projections, no code shared with the
training simulator), at the same four noise levels and ranges: 'ellipsoids (independent)', seeds 9201…9204
(9301…9304), and 'shells in a slab (independent)', seeds 9401…9404 (9501…9504). Every volume is 64 × 64 × 32 by default (small: in Node
the model runs on one wasm thread, well under 1 GMAC/s here). Each is reconstructed with FBP (ram-lak,
the CLI's default; and cosine, the filter the model's inputs get) and with the model, and scored by
`wedgelab metrics --json` against the ground truth: PSNR and SSIM after an affine fit, and the FSC over the wedge
cone's missing side (fscWedgeMissing), averaged over shells 0 < f ≤ 0.25 cycles/voxel (where the phantoms carry
most of their power), and shell by shell: how many of those shells the model beats both FBPs at, and its
smallest margin there. SIRT (20 iterations) is scored alongside as a regularised baseline, and so is the cosine
FBP smoothed by `wedgelab refine --method gaussian` with the σ (of SIGMAS, voxels) that gives the best PSNR
against the ground truth: an oracle's choice, so a generous baseline. The model's PSNR margin is taken over the
best of the three FBPs.

Every volume is also scored with its depth profile removed (each z-plane's mean subtracted, from the ground
truth too): that is exactly the kx = ky = 0 line of Fourier space, which lies inside the missing wedge at every
tilt range and which no local patch sees (a lamella's ice-vacuum profile along z). The tables give, for each
shell the model misses, its margin without that line, to tell those misses from the others. It is a diagnostic:
the check itself counts every Fourier coefficient.

Writes validation.json and validation.md next to the model (or into --out-dir), and renders its card again
(card.py; not for --out-dir). Rows of runs before the smoothed FBP show "—" in its columns.
"""
import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import mrcfile

from card import write_card

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INDEPENDENT = os.path.join(ROOT, "models", "validation", "ellipsoids.py")
CASES = [
    # name, family, snr dB, range °, seed
    ("lamella −5 dB ±60°", "lamella", -5, 60, 9001),
    ("lamella 0 dB ±60°", "lamella", 0, 60, 9002),
    ("lamella −5 dB ±45°", "lamella", -5, 45, 9003),
    ("lamella 0 dB ±45°", "lamella", 0, 45, 9004),
    ("mixed (unseen) 0 dB ±60°", "mixed", 0, 60, 9005),
    ("ellipsoids (independent) −5 dB ±60°", "ellipsoids", -5, 60, 9201),
    ("ellipsoids (independent) 0 dB ±60°", "ellipsoids", 0, 60, 9202),
    ("ellipsoids (independent) −5 dB ±45°", "ellipsoids", -5, 45, 9203),
    ("ellipsoids (independent) 0 dB ±45°", "ellipsoids", 0, 45, 9204),
    ("shells in a slab (independent) −5 dB ±60°", "shells", -5, 60, 9401),
    ("shells in a slab (independent) 0 dB ±60°", "shells", 0, 60, 9402),
    ("shells in a slab (independent) −5 dB ±45°", "shells", -5, 45, 9403),
    ("shells in a slab (independent) 0 dB ±45°", "shells", 0, 45, 9404),
]
# --high-snr: the same families at +10 and +20 dB, ±60° (real series can be far less noisy than the cases above: a
# held-out tilt's FRC with FBP's prediction is 0.24–0.52 there, 0.78 on jason64); seeds of their own.
HIGH_SNR_CASES = [
    ("lamella 10 dB ±60°", "lamella", 10, 60, 9701),
    ("lamella 20 dB ±60°", "lamella", 20, 60, 9702),
    ("ellipsoids (independent) 10 dB ±60°", "ellipsoids", 10, 60, 9711),
    ("ellipsoids (independent) 20 dB ±60°", "ellipsoids", 20, 60, 9712),
    ("shells in a slab (independent) 10 dB ±60°", "shells", 10, 60, 9721),
    ("shells in a slab (independent) 20 dB ±60°", "shells", 20, 60, 9722),
]
FAMILIES = ("lamella", "mixed", "ellipsoids", "shells")
INDEPENDENT_FAMILIES = {"ellipsoids": "ellipsoids (independent)", "shells": "shells in a slab (independent)"}
SIZE = "64,64,32"
TRAINING_PIXEL = 8.0  # Å per pixel of the training set, and of every case unless --ctf-pixel-size says otherwise
SIGMAS = (0.5, 0.75, 1, 1.5, 2, 3)  # Gaussian σ tried on the cosine FBP, voxels


def cli(*args):
    out = subprocess.run(["node", os.path.join(ROOT, "bin", "wedgelab.js"), *args], check=True, capture_output=True, text=True)
    return out.stdout


def metrics(volume, truth, angles):
    return json.loads(cli("metrics", "--a", volume, "--b", truth, "--angles", angles, "--json"))


def without_depth_profile(volume, out):
    """Write `volume` less its depth profile (the mean of each z-plane): its Fourier transform loses exactly
    the kx = ky = 0 line and keeps everything else."""
    data = mrcfile.read(volume)
    with mrcfile.new(out, overwrite=True) as f:
        f.set_data(data - data.mean(axis=(1, 2), keepdims=True, dtype="float64").astype(data.dtype))


def scores(volume, truth, flat_truth, angles):
    """Scores against `truth`, and the missing-side FSC against `flat_truth` (the truth without its depth profile)."""
    m = metrics(volume, truth, angles)
    shells = [i for i, f in enumerate(m["shells"]) if 0 < f <= 0.25 and m["fscWedgeMissing"][i] is not None]
    wedge = [m["fscWedgeMissing"][i] for i in shells]
    with tempfile.TemporaryDirectory() as tmp:
        flat_volume = os.path.join(tmp, "volume.mrc")
        without_depth_profile(volume, flat_volume)
        flat = metrics(flat_volume, flat_truth, angles)["fscWedgeMissing"]
    return {"psnr": m["psnr"], "ssim": m["ssim"], "fscWedgeMissing": sum(wedge) / len(wedge), "wedgeShells": wedge,
            "wedgeShellFreqs": [m["shells"][i] for i in shells], "wedgeShellVoxels": [m["countsWedgeMissing"][i] for i in shells],
            "wedgeShellsNoDepthProfile": [flat[i] for i in shells]}


def shell_margin(row):
    """Shells (0 < f ≤ 0.25) where the model's missing-side FSC is above both FBPs', the smallest margin, and
    each miss with its shell's frequency and independent Fourier coefficients n (half its voxels: Friedel
    pairs). 1/√n is the spread of an FSC between unrelated volumes over n coefficients (van Heel's σ): on a
    64 × 64 × 32 grid the lowest missing-side shells hold 6–9 coefficients, so their FSC is mostly chance."""
    m, a, b = (row[k]["wedgeShells"] for k in ("localnet", "fbp", "fbp-cosine"))
    freqs, voxels = row["localnet"]["wedgeShellFreqs"], row["localnet"]["wedgeShellVoxels"]
    # A shell without voxels on the missing side (the lowest, on a small grid) has no FSC to compare.
    used = [i for i in range(len(m)) if voxels[i] > 0]
    margins = {i: m[i] - max(a[i], b[i]) for i in used}
    misses = [{"f": round(freqs[i], 4), "margin": round(margins[i], 4), "coefficients": int(voxels[i]) // 2} for i in used if margins[i] <= 0]
    flat = [row[k].get("wedgeShellsNoDepthProfile") for k in ("localnet", "fbp", "fbp-cosine")]
    if all(flat):  # rows scored before the diagnostic existed lack it
        for x, i in zip(misses, [i for i in used if margins[i] <= 0]):
            x["marginNoDepthProfile"] = round(flat[0][i] - max(flat[1][i], flat[2][i]), 4)
    return {"shellsAbove": len(used) - len(misses), "shells": len(used), "minMargin": min(margins.values()), "misses": misses}


def miss_text(check):
    """The misses as 'f 0.031: −0.110 (n = 9, 1/√n = 0.33; +0.120 without the depth profile)', or '—'."""
    def text(x):
        flat = f"; {x['marginNoDepthProfile']:+.3f} without the depth profile" if "marginNoDepthProfile" in x else ""
        return f"f {x['f']:.3f}: {x['margin']:+.3f} (n = {x['coefficients']}, 1/√n = {x['coefficients'] ** -0.5:.2f}{flat})"
    return "; ".join(text(x) for x in check["misses"]) or "—"


def margin_over_fbp(row):
    """The model's PSNR less the best of the three FBPs' (ram-lak, cosine, smoothed by the oracle's σ), in dB."""
    return row["localnet"]["psnr"] - max(row[m]["psnr"] for m in ("fbp", "fbp-cosine", "fbp-smooth"))


def gain_over_fbp(row):
    """The ground truth's PSNR difference model − ram-lak FBP (the FBP a trust score runs), in dB: what the trust
    score is judged against."""
    return row["localnet"]["psnr"] - row["fbp"]["psnr"]


def family(row):
    """The row's family: stored since the independent families; older rows' case names start with it."""
    return row.get("family") or row["case"].split()[0]


def mean_row(results, label):
    """The simulations' average, as one more row: scores and missing-side FSC curves averaged shell by shell
    (the shells' voxels added up, as the average pools their coefficients)."""
    mean = lambda values: sum(values) / len(values)
    row = {"case": f"mean of the {len(results)} {label}simulations"}
    for k in ("fbp", "fbp-cosine", "fbp-smooth", "sirt", "localnet"):
        rows = [r.get(k) for r in results]
        if not all(rows):  # runs before the smoothed FBP lack it
            continue
        row[k] = {key: mean([x[key] for x in rows]) for key in ("psnr", "ssim", "fscWedgeMissing", "seconds")}
        for curve in ("wedgeShells", "wedgeShellsNoDepthProfile"):
            if all(curve in x for x in rows):
                row[k][curve] = [mean(shell) for shell in zip(*(x[curve] for x in rows))]
    row["localnet"]["wedgeShellFreqs"] = results[0]["localnet"]["wedgeShellFreqs"]
    row["localnet"]["wedgeShellVoxels"] = [sum(shell) for shell in zip(*(r["localnet"]["wedgeShellVoxels"] for r in results))]
    row["localnet"]["seconds"] = round(row["localnet"]["seconds"], 1)
    row["shellCheck"] = shell_margin(row)
    return row


def mean_rows(results):
    """One mean row for the training simulator's cases (lamella and mixed, as before the independent families),
    and one per independent family: their scores are on other scales and are not averaged with the others. A
    group of one simulation (a subset run) has no mean row."""
    groups = [("", [r for r in results if family(r) not in INDEPENDENT_FAMILIES])]
    groups += [(f"{name} ", [r for r in results if family(r) == key]) for key, name in INDEPENDENT_FAMILIES.items()]
    return [mean_row(rows, label) for label, rows in groups if len(rows) > 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", default="/tmp/lnet/val")
    ap.add_argument("--tables-only", action="store_true", help="re-render the tables and card from validation.json")
    ap.add_argument("--seeds", type=int, default=2, help="simulations per case: seeds base, base + 100, …")
    ap.add_argument("--seed-offset", type=int, default=0, help="start at each case's seed base + 100·K, skipping the first K")
    ap.add_argument("--size", default=SIZE, help="NX,NY,NZ of every simulated volume")
    ap.add_argument("--families", default=",".join(FAMILIES), help=f"the cases' families to run, of {','.join(FAMILIES)}")
    ap.add_argument("--defocus", type=float, help="the independent families only: their tilts filtered by a microscope's CTF at this "
                    "defocus (µm under focus; 300 kV, Cs 2.7 mm, amplitude contrast 0.07: models/validation/ellipsoids.py), "
                    "as real micrographs are and the training simulator's are not; the ground truth stays the density")
    ap.add_argument("--ctf-pixel-size", type=float, default=TRAINING_PIXEL, help="with --defocus: Å per pixel of those tilts (8, the training set's; "
                    "binned real series have larger ones, which move the CTF's zeros toward and past Nyquist)")
    ap.add_argument("--phase-flip", action="store_true", help="with --defocus: every reconstruction and trust score of the phase-flipped tilts "
                    "(`--defocus TILTS_CTF.txt --phase-flip`, the case's defocus written beside its tilts as CTFFIND rows), the baselines' too")
    ap.add_argument("--high-snr", action="store_true", help="the cases at +10 and +20 dB (HIGH_SNR_CASES) instead of the cards' −5 and 0 dB")
    ap.add_argument("--cases", default="", help="only the cases whose name contains this text, e.g. '0 dB ±60°'")
    ap.add_argument("--out-dir", help="write validation.{json,md} here instead of next to the model (and leave its card alone)")
    ap.add_argument("--add-to", metavar="DIR", help="with --seed-offset K: add the rows to DIR's validation, an earlier --out-dir run of the "
                                                    "first K seeds with the same options, each after its case's earlier seeds")
    ap.add_argument("--fbp-below", help="the local network's --fbp-below (cycles/voxel) for every model run; the CLI's default when not given")
    ap.add_argument("--fbp-fsc", action="store_true", help="the local network's --fbp-fsc (the measured side weighted toward FBP by its odd/even FSC) for every model run, instead of --fbp-below")
    ap.add_argument("--fsc-sigma", help="with --fbp-fsc: the local network's --fsc-sigma (then smoothed by this Gaussian σ, in voxels, where that FSC is low) for every model run")
    ap.add_argument("--post-sigma", help="smooth every model result by this Gaussian σ (voxels; `wedgelab refine --method gaussian`) before scoring, and score the trust of that refined result")
    ap.add_argument("--as-trained", action="store_true", help="the local network's --as-trained: a model that is not odd run as it is, not as its odd part (the lamella reference models)")
    ap.add_argument("--no-trust", action="store_true", help="skip the trust score (`wedgelab trust`: the model against FBP on held-out tilts)")
    ap.add_argument("--reuse-baselines", action="store_true",
                    help="take FBP, FBP-cosine, smoothed FBP and SIRT scores from an earlier run's case folders in --work (the simulations are seeded, "
                         "so they are the same volumes), instead of reconstructing them again: when comparing several models")
    args = ap.parse_args()
    if args.fbp_fsc and args.fbp_below not in (None, "0"):
        ap.error("--fbp-fsc replaces --fbp-below: give one of them")
    if args.fsc_sigma and not args.fbp_fsc:
        ap.error("--fsc-sigma takes its weights from the FSC-weighted hand-over: give --fbp-fsc too")
    families = args.families.split(",")
    if not set(families) <= set(FAMILIES):
        ap.error(f"--families takes {','.join(FAMILIES)} (got {args.families})")
    if args.defocus is not None and not (args.defocus > 0 and set(families) <= set(INDEPENDENT_FAMILIES)):
        ap.error(f"--defocus takes a defocus > 0 µm and the independent families only ({','.join(INDEPENDENT_FAMILIES)}): the training simulator has no CTF")
    cases = [c for c in (HIGH_SNR_CASES if args.high_snr else CASES) if c[1] in families and args.cases in c[0]]
    if args.ctf_pixel_size != TRAINING_PIXEL and (args.defocus is None or not args.ctf_pixel_size > 0):
        ap.error("--ctf-pixel-size takes Å per pixel > 0, with --defocus")
    if args.phase_flip and args.defocus is None:
        ap.error("--phase-flip corrects the CTF that --defocus puts on the tilts: give --defocus too")
    if args.defocus is not None:  # the same simulations through a CTF: named apart, and in folders of their own
        flipped = ", phase-flipped" if args.phase_flip else ""
        cases = [(f"{name}, CTF {ctf_words(args.defocus, args.ctf_pixel_size)}{flipped}", *rest) for name, *rest in cases]
    if not cases:
        ap.error("no case matches --families and --cases")
    here = os.path.dirname(os.path.abspath(args.model))
    if args.add_to and (args.out_dir or not args.seed_offset or args.tables_only):
        ap.error("--add-to DIR takes the place of --out-dir, and adds the later seeds of --seed-offset K (K ≥ 1) to DIR's run")
    out = os.path.abspath(args.out_dir or args.add_to or here)
    if out == here and (len(cases) < len(CASES) or args.seed_offset or args.high_snr or args.defocus) and not args.tables_only:
        ap.error("--families, --cases, --seed-offset, --defocus or --high-snr runs other cases: pass --out-dir (or --add-to), so the model's validation is not replaced by them")
    stem = "validation" if args.size == SIZE else f"validation-{args.size.replace(',', 'x')}"
    saved = os.path.join(out, f"{stem}.json")
    seeds = range(args.seed_offset, args.seed_offset + args.seeds)
    if args.add_to and not os.path.exists(saved):
        ap.error(f"--add-to {args.add_to}: there is no {saved} to add to")
    earlier = json.load(open(saved)) if args.tables_only or args.add_to else []
    if args.add_to:
        made_with = first_run_title(args)
        with open(os.path.join(out, f"{stem}.md")) as f:
            title = f.readline().rstrip("\n")
        if title != made_with:
            ap.error(f"--add-to {args.add_to}: its table was made with other options ({title!r}); these options' first "
                     f"{args.seed_offset} seed(s) would have made {made_with!r}")
        twice = {r["case"] for r in earlier} & {case_label(name, base + 100 * k) for (name, _, _, _, base), k in itertools.product(cases, seeds)}
        if twice:
            ap.error(f"--add-to {args.add_to}: its table has {', '.join(sorted(twice))} already")
    os.makedirs(out, exist_ok=True)
    results = earlier if args.tables_only else with_later_seeds(earlier, run_cases(model_args(args), args.post_sigma, args.work, cases, seeds, args.size, args.reuse_baselines, not args.no_trust, args.defocus, args.ctf_pixel_size, args.phase_flip))
    for row in results:
        row["shellCheck"] = shell_margin(row)
    if args.add_to:  # the title of the whole: the first K seeds and these
        args.seeds, args.seed_offset = args.seed_offset + args.seeds, 0
    write_tables(out, results, stem, card=out == here, title=run_title(args) if out != here else None)


def case_label(name, seed):
    """A row's "case": the case's name and the seed of its simulation."""
    return f"{name}, seed {seed}"


def ctf_words(defocus, pixel):
    """A CTF's defocus (µm) and, when not the training set's, its pixel size, as case names give them."""
    return f"{defocus:g} µm" + unless_training_pixel(pixel, " at {:g} Å")


def unless_training_pixel(pixel, template):
    """`template` filled with the pixel size (Å), or nothing at the training set's: names stay as before the option."""
    return "" if pixel == TRAINING_PIXEL else template.format(pixel)


def case_dir(work, fam, snr, rng, seed, size, defocus=None, ctf_pixel=TRAINING_PIXEL, phase_flip=False):
    """The folder of one simulated case in `work`: its series, ground truth and every method's result and scores,
    shared by the scripts that score the same cases (--reuse-baselines, trust_holdout.py)."""
    ctf = "" if defocus is None else f"_ctf{defocus:g}um" + unless_training_pixel(ctf_pixel, "_{:g}A") + ("_flipped" if phase_flip else "")
    return os.path.join(work, f"{fam}_{snr}dB_{rng}deg_{seed}_{size.replace(',', 'x')}{ctf}")


def case_name(row):
    """The case's name of a row, without its seed (case_label's inverse)."""
    return row["case"].rsplit(", seed ", 1)[0]


def case_seed(row):
    """The seed of a row's simulation, as its case label writes it."""
    return row["case"].rsplit(", seed ", 1)[1]


def with_later_seeds(earlier, later):
    """`earlier` rows with each of `later` placed after the last row of its case; a case `earlier` lacks goes at
    the end."""
    rows = list(earlier)
    for row in later:
        last = max((i for i, r in enumerate(rows) if case_name(r) == case_name(row)), default=len(rows) - 1)
        rows.insert(last + 1, row)
    return rows


def first_run_title(args):
    """The title an --out-dir run of the first K seeds (K = --seed-offset) would have had with these options: what
    --add-to's DIR must hold, so that the added rows match its cases, composition and scope."""
    return run_title(argparse.Namespace(**{**vars(args), "seeds": args.seed_offset, "seed_offset": 0}))


def run_title(args):
    """The title line of an --out-dir table run, which the model's card quotes: 'broad-p11: FBP hand-over below
    0.15 cycles/voxel, then Gaussian σ 0.75 voxels …' or 'broad-p11: the model alone', then the seeds, families and
    cases when not all."""
    steps = ([f"FBP hand-over below {args.fbp_below} cycles/voxel"] if args.fbp_below not in (None, "0") else []) + \
            (["FBP hand-over weighted by its odd/even FSC"] if args.fbp_fsc else []) + \
            ([f"Gaussian σ {args.fsc_sigma} voxels where that FSC is low"] if args.fsc_sigma else []) + \
            ([f"Gaussian σ {args.post_sigma} voxels"] if args.post_sigma else [])
    name = os.path.basename(os.path.dirname(os.path.abspath(args.model))).replace("_", "-")
    subset = ([f"{args.seeds} seeds per case"] if args.seeds != 1 else []) + \
             ([f"seeds from base + {100 * args.seed_offset}"] if args.seed_offset else []) + \
             (["the +10 and +20 dB cases"] if args.high_snr else []) + \
             ([f"tilts through a CTF at {args.defocus:g} µm defocus" + unless_training_pixel(args.ctf_pixel_size, ", {:g} Å pixels") +
               (", phase flipped before every method" if getattr(args, "phase_flip", False) else "")] if args.defocus else []) + \
             ([f"families {args.families}"] if args.families != ",".join(FAMILIES) else []) + \
             ([f"cases containing '{args.cases}'"] if args.cases else [])
    scope = f"; {', '.join(subset)}" if subset else ""
    what = f'{", then ".join(steps)} ("model" is that composition)' if steps else "the model alone"
    what += ", run as trained (not as its odd part)" if args.as_trained else ""
    return f"# {name}: {what}{scope}"


def title_composition(title):
    """run_title's composition (its words between the model's name and the seeds), or None for a line that is
    not such a title."""
    if not title.startswith("# ") or ": " not in title:
        return None
    return title.split(": ", 1)[1].split("; ")[0]


def model_args(args):
    """The model's CLI arguments: the model file and, if asked, the FBP hand-over, the FSC smoothing and running it as trained."""
    return ["--model", args.model] + (["--fbp-below", args.fbp_below] if args.fbp_below is not None else []) + (["--fbp-fsc"] if args.fbp_fsc else []) + \
        (["--fsc-sigma", args.fsc_sigma] if args.fsc_sigma else []) + (["--as-trained"] if args.as_trained else [])


def simulate(fam, size, rng, snr, seed, d, defocus=None, ctf_pixel=TRAINING_PIXEL):
    """Write d/ground_truth.mrc, tilt_series.mrc and tilt_series.tlt: the CLI's simulator for the training
    simulator's families, the independent one for the others (seeded: a rerun writes the same), its tilts through
    a CTF at `defocus` µm when given, at `ctf_pixel` Å per pixel."""
    angles, common = f"-{rng},{rng},3", ["--size", size, "--snr-db", str(snr), "--seed", str(seed), "--out-dir", d]
    if fam in INDEPENDENT_FAMILIES:
        ctf = [] if defocus is None else ["--defocus", str(defocus), "--pixel-size", f"{ctf_pixel:g}"]
        subprocess.run([sys.executable, INDEPENDENT, "--family", fam, f"--angles={angles}", *common, *ctf], check=True)
    else:
        cli("simulate", "--phantom", fam, "--angles", angles, *common, "--force")


def best_smoothing(fbp, truth, tlt, out):
    """`fbp` smoothed by the σ of SIGMAS with the best PSNR against `truth` (an oracle's choice), written to `out`:
    that σ and the seconds of that one smoothing. bench/refine_eval.sh picks its smoothed FBP with this too."""
    best = None
    with tempfile.TemporaryDirectory() as tmp:
        for sigma in SIGMAS:
            path = os.path.join(tmp, f"sigma{sigma}.mrc")
            started = time.time()
            cli("refine", "--in", fbp, "--method", "gaussian", "--sigma", str(sigma), "--quiet", "--out", path)
            seconds = round(time.time() - started, 1)
            psnr = metrics(path, truth, tlt)["psnr"]
            if best is None or psnr > best[0]:
                best = (psnr, sigma, seconds)
        shutil.move(os.path.join(tmp, f"sigma{best[1]}.mrc"), out)
    return best[1], best[2]


def smoothed_fbp(fbp, truth, flat_truth, tlt, out):
    """The cosine FBP `fbp` smoothed by the oracle's σ (best_smoothing), written to `out`: its scores, σ, and the
    seconds of that one smoothing."""
    sigma, seconds = best_smoothing(fbp, truth, tlt, out)
    return {**scores(out, truth, flat_truth, tlt), "sigma": sigma, "seconds": seconds}


def trust(model_args, post_sigma, stack, tlt, thickness, series=()):
    """The trust score of the model on the case's own tilts (`wedgelab trust`, docs/trust.md: FRC of held-out tilts
    predicted by the model and by FBP, ram-lak), as the page would compute it without a ground truth; with
    `post_sigma`, of the model's result smoothed by it (a refined result); `series`: more series flags (the phase flip)."""
    refine = ["--refine", "gaussian", "--refine-sigma", post_sigma] if post_sigma else []
    report = json.loads(cli("trust", "--tilts", stack, "--angles", tlt, *series, "--thickness", thickness, "--method", "localnet", *model_args, *refine, "--json"))
    return {k: report[k] for k in ("verdict", "difference", "tolerance", "summaryMethod", "summaryFbp")}


def trust_text(r):
    """'better (+0.042), agrees': the verdict, the difference of FRC band means, and whether the verdict has the sign of
    the ground-truth PSNR difference model − FBP (ram-lak, the FBP the trust score runs); 'same' agrees with a
    difference within 0.5 dB."""
    t = r.get("trust")
    if not t:
        return "—"
    gain = gain_over_fbp(r)
    return f"{t['verdict']} ({t['difference']:+.3f}), PSNR {gain:+.2f} dB: {'agrees' if agrees(t['verdict'], gain) else 'DISAGREES'}"


def agrees(verdict, gain):
    """Whether a trust verdict has the sign of a ground-truth PSNR difference (dB); 'same' agrees within 0.5 dB."""
    return {"better": gain > 0, "worse": gain < 0, "same": abs(gain) <= 0.5}[verdict]


def run_cases(model_args, post_sigma, work, cases, seeds, size, reuse_baselines, with_trust, defocus=None, ctf_pixel=TRAINING_PIXEL, phase_flip=False):
    """Every case at every k of `seeds` (seed base + 100·k), its tilts through a CTF at `defocus` µm and
    `ctf_pixel` Å per pixel when given, and phase flipped before every method when `phase_flip`."""
    results = []
    for (name, fam, snr, rng, base), k in itertools.product(cases, seeds):
        seed = base + 100 * k
        d = case_dir(work, fam, snr, rng, seed, size, defocus, ctf_pixel, phase_flip)
        simulate(fam, size, rng, snr, seed, d, defocus, ctf_pixel)
        stack, tlt, truth = (os.path.join(d, f) for f in ("tilt_series.mrc", "tilt_series.tlt", "ground_truth.mrc"))
        series = flip_flags(d, tlt, defocus) if phase_flip else []
        flat_truth = os.path.join(d, "ground_truth_no_depth_profile.mrc")  # once per case, for every method
        without_depth_profile(truth, flat_truth)
        row = {"case": case_label(name, seed), "family": fam}
        for method, extra in (("fbp", ["--method", "fbp"]), ("fbp-cosine", ["--method", "fbp", "--filter", "cosine"]),
                              ("fbp-smooth", None), ("sirt", ["--method", "sirt", "--iterations", "20"]),
                              ("localnet", ["--method", "localnet", *model_args])):
            out, saved = (os.path.join(d, f"{method}{ext}") for ext in (".mrc", ".scores.json"))
            if reuse_baselines and method != "localnet" and os.path.exists(saved):
                row[method] = json.load(open(saved))
                if "wedgeShellsNoDepthProfile" in row[method] or method not in ("fbp", "fbp-cosine"):
                    continue  # (the check compares with the FBPs only; scores saved before the diagnostic lack it)
            if method == "fbp-smooth":  # the cosine FBP's file, written just before
                row[method] = smoothed_fbp(os.path.join(d, "fbp-cosine.mrc"), truth, flat_truth, tlt, out)
            else:
                started = time.time()
                cli("recon", "--tilts", stack, "--angles", tlt, *series, "--thickness", size.split(",")[2], "--quiet", "--force", "--out", out, *extra)
                if method == "localnet" and post_sigma:
                    smoothed = os.path.splitext(out)[0] + ".smoothed.mrc"  # (the CLI never writes over its input)
                    cli("refine", "--tomogram", out, "--method", "gaussian", "--sigma", post_sigma, "--quiet", "--force", "--out", smoothed)
                    os.replace(smoothed, out)
                seconds = round(time.time() - started, 1)  # the reconstruction alone, not its scoring
                row[method] = {**scores(out, truth, flat_truth, tlt), "seconds": seconds}
            with open(saved, "w") as f:
                json.dump(row[method], f)
        if with_trust:
            row["trust"] = trust(model_args, post_sigma, stack, tlt, size.split(",")[2], series)
        results.append(row)
        print(json.dumps(row), flush=True)
    return results


def flip_flags(d, tlt, defocus):
    """The series flags that phase flip a case's tilts: its one defocus (µm) written beside them as CTFFIND rows
    (image, defocus 1 and 2 in Å, azimuth, phase shift), one per tilt."""
    path = os.path.join(d, "tilt_series_CTF.txt")
    tilts = sum(1 for line in open(tlt) if line.strip())
    with open(path, "w") as f:
        f.write("# the simulation's defocus, for wedgelab --phase-flip\n")
        f.writelines(f"{k + 1} {defocus * 1e4:.1f} {defocus * 1e4:.1f} 0.0 0.0 1.0 0.0\n" for k in range(tilts))
    return ["--defocus", path, "--phase-flip"]


def write_tables(here, results, stem, card, title=None):
    with open(os.path.join(here, f"{stem}.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    lines = ["| case | PSNR FBP / FBP-cos / smoothed FBP-cos (σ) / SIRT / model (dB) | model − best FBP (dB) | SSIM FBP / FBP-cos / smoothed / SIRT / model | wedge-missing FSC FBP / FBP-cos / SIRT / model | shells model > both FBPs (min margin) | shells where it is not: margin (independent coefficients n) | trust vs FBP (FRC difference), against the PSNR difference | model s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results + mean_rows(results):
        cell = lambda m, key, fmt: fmt.format(r[m][key]) if m in r else "—"  # "—": a run before the smoothed FBP
        smooth = r.get("fbp-smooth", {})
        sigma = f" (σ {smooth['sigma']:g})" if "sigma" in smooth else ""  # a mean row has no one σ
        psnr = " / ".join([cell("fbp", "psnr", "{:.2f}"), cell("fbp-cosine", "psnr", "{:.2f}"), cell("fbp-smooth", "psnr", "{:.2f}") + sigma,
                           cell("sirt", "psnr", "{:.2f}"), cell("localnet", "psnr", "{:.2f}")])
        ssim = " / ".join(cell(m, "ssim", "{:.3f}") for m in ("fbp", "fbp-cosine", "fbp-smooth", "sirt", "localnet"))
        fsc = " / ".join(cell(m, "fscWedgeMissing", "{:.3f}") for m in ("fbp", "fbp-cosine", "sirt", "localnet"))
        margin = f"{margin_over_fbp(r):+.2f}" if smooth else "—"
        c = r["shellCheck"]
        lines.append(f"| {r['case']} | {psnr} | {margin} | {ssim} | {fsc} | "
                     f"{c['shellsAbove']}/{c['shells']} ({c['minMargin']:+.3f}) | {miss_text(c)} | {trust_text(r)} | {r['localnet']['seconds']} |")
    with open(os.path.join(here, f"{stem}.md"), "w") as f:
        f.write("\n".join(([title, ""] if title else []) + lines) + "\n")
    if card:
        write_card(here)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
