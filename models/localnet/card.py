#!/usr/bin/python3
"""Render a model's card (README.md) from what train.py and validate.py wrote next to it.

  /usr/bin/python3 models/localnet/card.py models/localnet/broad_p11

Reads card.json and loss.csv (train.py) and, when present, validation.md (validate.py). train.py and
validate.py call this at their end; run it by hand after editing the card's text here.
"""
import csv
import glob
import json
import os
import sys

COMMANDS = """{first}
{data_env}models/localnet/make_data.sh {variant} {width} /tmp/lnet/train /tmp/lnet/patches-{variant}-p{patch}   # the seeded training set and patches
/usr/bin/python3 models/localnet/train.py --data /tmp/lnet/patches-{variant}-p{patch} --out {out}{pool_arg}{options}
/usr/bin/python3 models/localnet/validate.py --model {out}/model.onnx --seeds 1 --work /tmp/lnet/val-{variant}-p{patch}"""

# make_data.sh's POINTS default: the points per example of every set cut before training-patches wrote patches.json.
MAKE_DATA_POINTS = 8192
# make_data.sh's COUNT default: the simulated volumes of a set (a card's training and held-out examples).
MAKE_DATA_COUNT = 32

# What differs between the variants' cards.
VARIANTS = {
    "voxel": {"output": "[batch, 1], one voxel", "last": "1", "point": "one model call per voxel",
              "target": "The output is the voxel's (ground truth − volume mean) divided by that std"},
    "wavelet": {"output": "[batch, 8], the bior3.1 sub-bands at a half-grid point (reference/wavelet3d.ts order)", "last": "8",
                "point": "one model call per half-grid point, i.e. per 8 voxels",
                "target": "The outputs are the 8 sub-band coefficients ('zero' mode) of (ground truth − volume mean) / that std, and the inverse transform assembles the voxels"},
}


def pixel_sizes(ctf, dash):
    """A CTF draw's pixel size in Å, "A" or a range "A<dash>B"."""
    lo, hi = ctf["pixelSize"]
    return f"{lo:g}" if lo == hi else f"{lo:g}{dash}{hi:g}"


def ctf_env(ctf):
    """make_data.sh's CTF_* environment for a set drawn with a CTF (card.json's trainingCtf), each where it is not the default."""
    if not ctf:
        return ""
    pixel = pixel_sizes(ctf, "-")
    return f"CTF_FRACTION={ctf['fraction']:g} " + ("" if pixel == "8" else f"CTF_PIXEL={pixel} ") + \
        ("" if ctf["target"] == "phantom" else f"CTF_TARGET={ctf['target']} ")


def seen(ctf):
    """What the training simulations had besides the phantoms: the noise, and a CTF on some of them if the set drew one."""
    if not ctf:
        return "Gaussian noise, no CTF, no real detector"
    pixels = f"{pixel_sizes(ctf, '–')} Å"
    target = "the phantom through the same CTF" if ctf["target"] == "filtered" else "the phantom"
    lo, hi = ctf["defocusUm"]
    return (f"Gaussian noise; for a fraction {ctf['fraction']:g} of the volumes, tilts through a microscope's CTF at {lo:g}–{hi:g} µm "
            f"defocus and {pixels} pixels, with {target} as target; no real detector")


def two_scale_params(K):
    return f", two scales (pool K = {K})" if K > 1 else ""


def two_scale_split(K, P):
    """The architecture's first lines for a two-scale model: how its input becomes two P × P patches."""
    if K == 1:
        return ""
    return (f"input patch {K * P} × {K * P} → fine: its centre {P} × {P} (1-pixel spacing); coarse: its {K} × {K} block means, {P} × {P}\n"
            f"(each scale has its own W1, W2, W3 below; the [f_s] of both scales are concatenated)\n")


def write_card(model_dir):
    with open(os.path.join(model_dir, "card.json")) as f:
        c = json.load(f)
    with open(os.path.join(model_dir, "loss.csv")) as f:
        rows = list(csv.DictReader(f))
    out = os.path.relpath(model_dir, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    every = max(1, len(rows) // 8)
    loss = "\n".join(f"| {r['step']} | {r['seconds']} | {float(r['lr']):.1e} | {float(r['train_rel_mse']):.3f} | {float(r['val_rel_mse']):.3f} |"
                     for i, r in enumerate(rows) if i % every == every - 1 or i == len(rows) - 1)
    validation_path = os.path.join(model_dir, "validation.md")
    validation = open(validation_path).read() if os.path.exists(validation_path) else "Not run yet (`validate.py`).\n"
    for larger in sorted(glob.glob(os.path.join(model_dir, "validation-*.md"))):  # validate.py --size …
        size = os.path.basename(larger)[len("validation-"):-len(".md")].replace("x", " × ")
        validation += f"\nThe same cases on {size} volumes, one seed each:\n\n" + open(larger).read()
    for variant in sorted(glob.glob(os.path.join(model_dir, "*", "validation.md"))):  # validate.py --out-dir DIR/NAME with other options
        title = open(variant).readline().lstrip("# ").strip()
        validation += f"\nAnother run, {os.path.relpath(variant, model_dir)}: {title}.\n"
    real_path = os.path.join(model_dir, "real-cv.md")
    real = open(real_path).read() if os.path.exists(real_path) else "Not run yet (`bench/real_cv.sh`).\n"
    P, F, H, G, C = c["patch"], c["features"], c["hidden"], c["rowFeatures"], c["combineHidden"]
    K = c.get("pool", 1)  # > 1: two scales (train.py --pool)
    width, patch_name = K * P, f"{P}x{K}" if K > 1 else f"{P}"
    macs = ", ".join(f"{int(v) / 1e3:.0f} k at {t} tilts" for t, v in c["macsPerVoxel"].items())
    v = VARIANTS[c.get("variant", "voxel")]
    # Cards written before train.py recorded these: the shipped models' 2 CPU cores and torch 1.13.
    machine, torch_version, export_torch = c.get("machine", "2 CPU cores"), c.get("torch", "1.13"), c.get("exportTorch", "1.13")
    options = f" {c['trainOptions']}" if c.get("trainOptions") else ""
    points = c.get("patchPoints", MAKE_DATA_POINTS)  # cards before train.py recorded it
    count = len(c["trainExamples"]) + len(c["heldOutExamples"])
    # make_data.sh's environment where the set differs from its defaults.
    ctf = c.get("trainingCtf")  # the set's CTF draw (train.py records it only for a set drawn with one)
    data_env = ("" if count == MAKE_DATA_COUNT else f"COUNT={count} ") + ("" if points == MAKE_DATA_POINTS else f"POINTS={points} ") + ctf_env(ctf)
    make = f"models/localnet/make_model.sh {c.get('variant', 'voxel')} {patch_name}"
    # The one command that does all of it: with make_data.sh's environment, and the folder where it is not make_model.sh's default.
    default_out = f"models/localnet/broad_p{patch_name}{'_wavelet' if c.get('variant') == 'wavelet' else ''}"
    runnable = f"{data_env}{make}" + ("" if out == default_out else f" {out}")
    first = f"# {make}'s steps, train.py with options of its own:" if options else f"{runnable}   # all of the following, seeded:"
    text = f"""# {os.path.basename(model_dir)}: local reconstruction model, {c.get("variant", "voxel")} variant (CryoLithe layout)

A trained model for `wedgelab recon --method localnet --model {out}/model.onnx` and the workbench's
"Local network" method. Small on purpose:
trained in {c['seconds'] / 60:.0f} minutes on {machine}, on {len(c['trainExamples'])} simulated volumes of two families
(lamellae, and the 'varied' family: objects of both signs, with or without ice, from isolated particles to
crowding). It has seen simulations only ({seen(ctf)}); its validation below
includes families made by an independent simulator that it never saw, and it is odd in its input, so a stack
of inverted contrast gives exactly the negated tomogram.

## Interface and conventions

As every local model here (models/tiny/README.md): inputs `patches` float32 [batch, nTilts, {width}, {width}] and
`angles` float32 [nTilts] in degrees; output `out` float32 {v['output']}. ONNX opset 17, exported by
torch {export_torch}.

- **Filter**: the patches are cut from tilts filtered along x with the cosine-windowed ramp, zero-padded to
  a power of two ≥ 2·nx (what `reconstructLocalnet` does).
- **Normalisation**: the whole stack by one mean and std. {v['target']}; `reconstructLocalnet` multiplies it back by the std, so tomograms come in the
  stack's density units, without the volume's mean (the ramp filter removes it and the network has no biases).
- **Tilt angles** in degrees as in the .tlt, with the signs of docs/conventions.md#projection-and-sign.

## Architecture

Bias-free, ReLU, without residual skips; P = {P}, F = {F}, H = {H}, G = {G}, C = {C}{two_scale_params(K)}. The
exported graph is g(x) = (f(x) − f(−x)) / 2 of the network f below (both signs in one batch): odd by
construction, so contrast inversion negates the output exactly; it costs two evaluations of f per point.

```
pe[t, 2i] = sin(θ_t / 1000^(2i/F)),  pe[t, 2i+1] = cos(θ_t / 1000^(2i/F))   argument reduced to [−π, π]
{two_scale_split(K, P)}for each patch row s (own weights):  h = (patch row · W1[s]) ⊙ pe[t]      P → F
                                     h = relu(h · W2[s])                   F → H
                                     h = mean over tilts
                                     f_s = relu(h · W3[s])                 H → G
out = relu([f_0 … f_(P−1)] · Wc1) · Wc2                                     {"2·" if K > 1 else ""}P·G → C → {v['last']}
g(x) = (out(x) − out(−x)) / 2
```

Parameters: {c['parameters']:,}. Multiply–accumulates per voxel ({v['point']}, both evaluations of f{", the block means' additions counted as MACs" if K > 1 else ""}): {macs}. In Node,
onnxruntime-web's wasm backend (one thread) runs these models at roughly 1 GMAC/s on this 2-core machine,
and the patch kernel on SwiftShader takes about as long again (`npm run bench -- --only localnet`,
docs/benchmarks.md); the WebGPU backend on a real GPU is not measured (no GPU was lent).

## Training

- **Data**: `wedgelab training-set` (phantoms 'lamella' and 'varied', seed 1, {count} examples, x and y 64–112, z
  24–64, ±40…70° in 1–4° steps, sequential or dose-symmetric, −10…+10 dB, half of them with a blur and a noise
  level of their own per tilt), then `wedgelab training-patches` (≥ {points} points per
  example on random rows, {width} × {width} patches): {c['trainPoints']:,} points from {len(c['trainExamples'])} examples for
  training; {', '.join(c['heldOutExamples'])} held out for the validation loss.
- **Steps**: {c['steps']:,} Adam steps of {c['batch']} points from one example each, learning rate cosine-decayed
  {c['lr'][0]:g} → {c['lr'][1]:g}; MSE loss; with probability ½ each step drops 0–30 random tilts (≥ 10 kept),
  as CryoLithe, and with probability ½ it flips the sign of patches and targets (inverted contrast). Seed {c['seed']}; {c['seconds']:.0f} s on {machine} (torch {torch_version}).
- **Commands** (deterministic for the same thread count):

```
{COMMANDS.format(out=out, variant=c.get("variant", "voxel"), patch=patch_name, width=width, pool_arg=f" --pool {K}" if K > 1 else "", options=options, first=first,
                 data_env=data_env)}
```

## Loss

Relative MSE: the mean squared error divided by the mean squared target (predicting 0 scores 1). Training:
the average over the steps since the previous row; validation: the held-out examples' first 2048 points
each, all tilts. Full curve in `loss.csv`.

| step | seconds | lr | train | validation |
|---|---|---|---|---|
{loss}

## Validation (`validate.py`: held-out simulations, never used for training or tuning)

64 × 64 × 32 volumes, 3° steps: the training simulator's lamella family (seeds 9001–9004) and its 'mixed'
family, never trained on (9005); and two families of the independent simulator (models/validation/ellipsoids.py,
docs/localnet.md#the-independent-validation-simulator), never seen: signed ellipsoids without ice (9201–9204) and
ellipsoidal shells in a slab (9401–9404), at −5 and 0 dB, ±60° and ±45°. PSNR and SSIM as `wedgelab metrics`
computes them (after a least-squares affine fit to the ground truth); the smoothed FBP is the cosine FBP through
a Gaussian whose σ (0.5–3 voxels) was chosen for the best PSNR against the ground truth, an oracle baseline,
and "model − best FBP" is the model's PSNR less the best of FBP, cosine FBP and smoothed FBP; FSC over the wedge cone's missing side (`fscWedgeMissing`),
mean over shells 0 < f ≤ 0.25 cycles/voxel, and shell by shell: the shells (of those) where the model's is
above both FBPs', and the smallest margin (model − better FBP) over them; for each shell where it is not, its
margin and the shell's number n of independent Fourier coefficients on the missing side (half its voxels, as
F(−k) = F(k)*). The FSC over n coefficients of two unrelated volumes spreads by about 1/√n (van Heel's σ): the
lowest missing-side shells of these grids hold 6–9 coefficients, so their FSC is largely chance. After each
miss, its margin when the model, both FBPs and the ground truth lose their depth profile (each z-plane's
mean): that is the kx = ky = 0 line of Fourier space, the lamella's ice/vacuum profile along z, which lies in
the missing wedge at any tilt range and which no local patch sees. The last row averages the simulations'
scores and FSC curves, shell by shell. FBP with the CLI's default ram-lak
filter, and with the cosine filter the model's inputs get; SIRT 20 iterations as a regularised baseline.
"Trust": the trust score the page and `wedgelab trust` compute without ground truth (held-out tilts predicted
by the model and by ram-lak FBP, FRC band means, docs/trust.md), its verdict and difference, and whether the
verdict has the sign of the ground-truth PSNR difference model − FBP ('same' agrees within 0.5 dB).
"model s": wall seconds of `wedgelab recon` with the model (onnxruntime-web wasm, one thread, SwiftShader for
the patches; the machine was not idle, so indicative only).

{validation}
## Real data (`bench/real_cv.sh DIR`; never used for training or tuning)

Held-out-tilt cross-validation (tilts nearest ±15° left out; docs/conventions.md#held-out-tilt-cross-validation), next to FBP and SIRT;
jason64 with tilt means subtracted for every method. Odd/even FSC and the discussion: docs/localnet.md.

{real}"""
    with open(os.path.join(model_dir, "README.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    write_card(sys.argv[1])
