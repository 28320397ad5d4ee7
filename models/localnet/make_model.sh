#!/usr/bin/env bash
# One seeded command that regenerates a shipped local model from nothing: the simulated training set, the
# patches cut by the engine, training (torch, CPU or GPU), ONNX export, the card, and the validation.
#   models/localnet/make_model.sh voxel|wavelet [OUT_DIR] [WORK_DIR]
# voxel → models/localnet/lamella_p11, wavelet → models/localnet/lamella_p11_wavelet (the defaults).
# About 40 min of training on 2 CPU cores, then validate.py (tens of minutes on SwiftShader).
set -euo pipefail
cd "$(dirname "$0")/../.."
variant="${1:?usage: models/localnet/make_model.sh voxel|wavelet [OUT_DIR] [WORK_DIR]}"
case "$variant" in
  voxel) out="${2:-models/localnet/lamella_p11}" ;;
  wavelet) out="${2:-models/localnet/lamella_p11_wavelet}" ;;
  *) echo "variant is voxel or wavelet (got $variant)" >&2; exit 2 ;;
esac
work="${3:-/tmp/lnet}"
node bin/wedgelab.js training-set --count 16 --min-size 64 --max-size 112 --seed 1 --out-dir "$work/train"
node bin/wedgelab.js training-patches --set "$work/train" --points 8192 --patch 11 --seed 1 --variant "$variant" --out-dir "$work/patches-$variant"
/usr/bin/python3 models/localnet/train.py --data "$work/patches-$variant" --out "$out"
/usr/bin/python3 models/localnet/validate.py --model "$out/model.onnx" --work "$work/val-$variant"
