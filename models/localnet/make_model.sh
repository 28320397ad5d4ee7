#!/usr/bin/env bash
# One seeded command that regenerates a shipped local model from nothing: the simulated training set, the
# patches cut by the engine (make_data.sh), training (torch, CPU or GPU), ONNX export, the card, and the validation.
#   models/localnet/make_model.sh voxel|wavelet [PATCH] [OUT_DIR] [WORK_DIR]
# PATCH (default 11) is the patch size P, or PxK (K odd) for a two-scale model: patches K·P wide are cut, and
# the model sees their centre P × P and their K × K block means (train.py --pool). The model goes to
# models/localnet/broad_pPATCH (voxel) or models/localnet/broad_pPATCH_wavelet (wavelet) unless OUT_DIR is given.
# About 40 min of training on 2 CPU cores at P = 11, then validate.py (tens of minutes on SwiftShader). Run again
# after an interruption, it resumes the training from its last checkpoint (train.py --resume).
set -euo pipefail
cd "$(dirname "$0")/../.."
usage="usage: models/localnet/make_model.sh voxel|wavelet [PATCH|PATCHxPOOL] [OUT_DIR] [WORK_DIR]"
variant="${1:?$usage}"
patch="${2:-11}"
size="${patch%x*}"
pool=1
[[ "$patch" == *x* ]] && pool="${patch#*x}"
case "$variant" in
  voxel) suffix="" ;;
  wavelet) suffix="_wavelet" ;;
  *) echo "variant is voxel or wavelet (got $variant); $usage" >&2; exit 2 ;;
esac
out="${3:-models/localnet/broad_p${patch}${suffix}}"
work="${4:-/tmp/lnet}"
models/localnet/make_data.sh "$variant" "$((size * pool))" "$work/train" "$work/patches-$variant-p$patch"
# A run cut short (a session's end) left its last checkpoint in OUT_DIR: the same command goes on from it.
resume=()
[ -f "$out/checkpoint.pt" ] && resume=(--resume)
/usr/bin/python3 models/localnet/train.py --data "$work/patches-$variant-p$patch" --out "$out" --pool "$pool" "${resume[@]}"
/usr/bin/python3 models/localnet/validate.py --model "$out/model.onnx" --seeds 1 --work "$work/val-$variant-p$patch"
