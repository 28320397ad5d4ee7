#!/usr/bin/env bash
# Train a local model on a lent GPU in one call (the device tool; nothing can be fetched there), from the
# repository root, with the kit of bench/device/pack.sh carried:
#   device run, carry [".device-kit"], command
#   "bench/device/train_localnet.sh voxel|wavelet PATCH NAME [train.py options]"
# for example `bench/device/train_localnet.sh wavelet 11 wide_p11_wavelet --features 32 --hidden 32 --batch 1024`.
# It makes the training data with models/localnet/make_data.sh, as make_model.sh does (the patch kernel runs on
# the GPU through Dawn), then trains with `train.py --device cuda --no-export` and the options given, each stage under a
# timeout so that the call ends inside the device's 10-minute limit: the data within DATA_SECONDS (300), and
# training by --max-seconds TRAIN_SECONDS (240; its learning rate decays to the end within that time).
# POINTS (8192) sets the points per example: a two-scale PATCH such as 11x3 cuts 33 × 33 patches, nine
# times the disk, so give it fewer (2048: about 17 GB).
# Writes $OUT/NAME (bench/out/device/NAME when unset): weights.pt (the weights and the card's fields), loss.csv
# and train.log. Back here, with the files fetched:
#   cp -r FILES_AT/NAME models/localnet/NAME
#   /usr/bin/python3 models/localnet/train.py --export-only --out models/localnet/NAME   # ONNX, fixture, card
#   /usr/bin/python3 models/localnet/validate.py --model models/localnet/NAME/model.onnx --seeds 1
# Without a GPU (DEVICE=cpu PYTHON=/usr/bin/python3) it runs the same stages here. On an H200 (2026-12-04) the
# 32-volume voxel data took 38 s and 7000 steps 32 s (docs/localnet.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
usage="usage: bench/device/train_localnet.sh voxel|wavelet PATCH|PATCHxPOOL NAME [train.py options]"
variant="${1:?$usage}"
patch="${2:?$usage}"
name="${3:?$usage}"
shift 3
case "$variant" in voxel|wavelet) ;; *) echo "variant is voxel or wavelet (got $variant); $usage" >&2; exit 2 ;; esac
size="${patch%x*}"
pool=1
[[ "$patch" == *x* ]] && pool="${patch#*x}"
out="${OUT:-bench/out/device}/$name"
work="${WORK:-/tmp/lnet-device}"
mkdir -p "$out"
[ -e .device-kit/kit.tar.xz ] && source bench/device/env.sh
log="$out/train.log"
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || echo "no nvidia-smi"; } >"$log"
stage() {  # stage NAME SECONDS COMMAND...: runs it under a timeout, logged; stops the script if it fails
  local label="$1" seconds="$2"
  shift 2
  echo "== $label $(date +%T)" | tee -a "$log"
  timeout "$seconds" "$@" >>"$log" 2>&1
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "== $label failed (exit $status; 124: out of time); see $log" | tee -a "$log"
    exit 1
  fi
}
stage data "${DATA_SECONDS:-300}" models/localnet/make_data.sh "$variant" "$((size * pool))" "$work/train" "$work/patches"
stage train $((${TRAIN_SECONDS:-240} + 120)) "${PYTHON:-python3}" models/localnet/train.py --data "$work/patches" \
  --out "$out" --pool "$pool" --device "${DEVICE:-cuda}" --no-export --max-seconds "${TRAIN_SECONDS:-240}" "$@"
echo "== done $(date +%T)" | tee -a "$log"
