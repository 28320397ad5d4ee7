#!/bin/sh
# Must-show #1 of docs/refine.md: the CryoGEN paper's phantoms (phantoms.py), each corrupted by zeroing the ±60°
# missing wedge in Fourier space, refined by models trained per phantom (train.py), applied with
# `wedgelab refine`, scored with `wedgelab metrics` (PSNR/SSIM after the affine fit). Prints a Markdown table.
# Three models per phantom: IsoNet-style; CryoGEN with the paper's weights from scratch; CryoGEN as the shipped
# cryogen-sim was made (warm start from that phantom's IsoNet-style model, data and energy weights 0.1).
# Usage: models/refine/phantom_table.sh WORK_DIR [SCALE] [STEPS_ISONET] [STEPS_CRYOGEN] [CUBE]
# (SCALE 1: the paper's sizes; CUBE: the training cubes' side, a multiple of 4, default 24.)
# A model already in WORK_DIR (e.g. WORK_DIR/sphere-isonet/model.onnx) is reused, so an interrupted run resumes
# and one model can be retrained alone: delete its folder and run again. Training logs go to stderr.
set -eu
work=${1:?usage: phantom_table.sh WORK_DIR [SCALE] [STEPS_ISONET] [STEPS_CRYOGEN] [CUBE]}
scale=${2:-2}
cube=${5:-24}
here=$(dirname "$0")
python=/usr/bin/python3
$python "$here/phantoms.py" --out "$work" --scale "$scale" >&2
# The sphere is one tomogram cut into 10 cubes; the prism, 10 orientations, 2 cubes each (trained on all ten).
train() { # PHANTOM MODEL OBJECTIVE STEPS [train.py flags…]
  phantom=$1 model=$2 objective=$3 steps=$4
  shift 4
  [ -f "$work/$phantom-$model/model.onnx" ] && return
  # shellcheck disable=SC2046 # the prisms' file names, split into arguments
  if [ "$phantom" = sphere ]; then set -- "$work/sphere_corrupted.mrc" --subtomos 10 "$@"; else set -- $(ls "$work"/prism_*_corrupted.mrc) --subtomos 2 "$@"; fi
  $python "$here/train.py" --tomogram "$@" --wedge=-60,60 --objective "$objective" --out "$work/$phantom-$model" --steps "$steps" --cube "$cube" --iterations 5 --seed 1 >&2
}
for phantom in sphere prism; do
  train $phantom isonet isonet "${3:-300}"
  train $phantom cryogen cryogen "${4:-200}"
  train $phantom cryogen-warm cryogen "${4:-200}" --init "$work/$phantom-isonet/model.onnx" --fidelity 0.1 --energy 0.1
done
score() { node bin/wedgelab.js metrics --a "$1" --b "$2" --json | $python -c "import json,sys; d=json.load(sys.stdin); print(f\"{d['psnr']:.2f} / {d['ssim']:.2f}\")"; }
echo "| phantom | corrupted | IsoNet-style | CryoGEN (paper's weights) | CryoGEN (as cryogen-sim) |"
echo "|---|---|---|---|---|"
for phantom in sphere prism; do
  input=$work/${phantom}_corrupted.mrc truth=$work/${phantom}_truth.mrc
  [ $phantom = prism ] && input=$work/prism_0_corrupted.mrc truth=$work/prism_0_truth.mrc
  row="| $phantom | $(score "$input" "$truth")"
  for model in isonet cryogen cryogen-warm; do
    node bin/wedgelab.js refine --tomogram "$input" --method "${model%-warm}" --model "$work/$phantom-$model/model.onnx" --out "$work/$phantom-$model.mrc" --quiet --force >&2
    row="$row | $(score "$work/$phantom-$model.mrc" "$truth")"
  done
  echo "$row |"
done
