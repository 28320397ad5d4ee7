#!/usr/bin/env bash
# The seeded training data of the shipped local models, in one place: the simulated training set, then the
# patches the engine cuts from it. make_model.sh runs it here; bench/device/train_localnet.sh on a lent GPU.
#   models/localnet/make_data.sh voxel|wavelet WIDTH TRAIN_DIR PATCH_DIR
# WIDTH is the patches' width in pixels (P, or K·P for a two-scale model); POINTS (8192) the points per example,
# COUNT (32) the simulated volumes (the same seed stream: a larger COUNT keeps the first 32 and adds more),
# CTF_FRACTION (0) the fraction of them whose tilts go through a microscope's CTF (0: the sets the shipped models
# were trained on, unchanged; above 0 each example draws more from the stream, so the set is another one),
# CTF_PIXEL (8) their Å per pixel, or a range A-B drawn per example, CTF_TARGET (phantom) their target: the
# phantom, or the phantom through the same CTF (filtered).
set -euo pipefail
cd "$(dirname "$0")/../.."
usage="usage: models/localnet/make_data.sh voxel|wavelet WIDTH TRAIN_DIR PATCH_DIR"
variant="${1:?$usage}"
width="${2:?$usage}"
train="${3:?$usage}"
patches="${4:?$usage}"
node bin/wedgelab.js training-set --count "${COUNT:-32}" --phantom lamella,varied --min-size 64 --max-size 112 --seed 1 --ctf-fraction "${CTF_FRACTION:-0}" --ctf-pixel-size "${CTF_PIXEL:-8}" --ctf-target "${CTF_TARGET:-phantom}" --out-dir "$train"
node bin/wedgelab.js training-patches --set "$train" --points "${POINTS:-8192}" --patch "$width" --seed 1 --variant "$variant" --out-dir "$patches"
