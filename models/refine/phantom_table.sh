#!/bin/sh
# Must-show #1 of docs/refine.md: the CryoGEN paper's phantoms (phantoms.py), each corrupted by zeroing the ±60°
# missing wedge in Fourier space, an IsoNet-style and a CryoGEN model trained per phantom (train.py), applied with
# `wedgelab refine`, scored with `wedgelab metrics` (PSNR/SSIM after the affine fit). Prints a Markdown table.
# Usage: models/refine/phantom_table.sh WORK_DIR [SCALE] [STEPS_ISONET] [STEPS_CRYOGEN] [CUBE]
# (SCALE 1: the paper's sizes; CUBE: the training cubes' side, a multiple of 4, default 24.)
# A model already in WORK_DIR (e.g. WORK_DIR/sphere-isonet/model.onnx) is reused, so an interrupted run resumes
# and one objective can be retrained alone: delete its folders and run again.
set -eu
work=${1:?usage: phantom_table.sh WORK_DIR [SCALE] [STEPS_ISONET] [STEPS_CRYOGEN] [CUBE]}
scale=${2:-2}
cube=${5:-24}
here=$(dirname "$0")
python=/usr/bin/python3
$python "$here/phantoms.py" --out "$work" --scale "$scale"
prisms=$(ls "$work"/prism_*_corrupted.mrc)
for objective in isonet cryogen; do
  steps=$([ $objective = isonet ] && echo "${3:-300}" || echo "${4:-200}")
  [ -f "$work/sphere-$objective/model.onnx" ] ||
    $python "$here/train.py" --tomogram "$work/sphere_corrupted.mrc" --wedge=-60,60 --objective $objective --out "$work/sphere-$objective" --steps "$steps" --cube "$cube" --subtomos 10 --iterations 5 --seed 1
  # shellcheck disable=SC2086
  [ -f "$work/prism-$objective/model.onnx" ] ||
    $python "$here/train.py" --tomogram $prisms --wedge=-60,60 --objective $objective --out "$work/prism-$objective" --steps "$steps" --cube "$cube" --subtomos 2 --iterations 5 --seed 1
done
score() { node bin/wedgelab.js metrics --a "$1" --b "$2" --json | $python -c "import json,sys; d=json.load(sys.stdin); print(f\"{d['psnr']:.2f} / {d['ssim']:.2f}\")"; }
echo "| phantom | corrupted | IsoNet-style | CryoGEN |"
echo "|---|---|---|---|"
for phantom in sphere prism; do
  input=$work/${phantom}_corrupted.mrc truth=$work/${phantom}_truth.mrc
  [ $phantom = prism ] && input=$work/prism_0_corrupted.mrc truth=$work/prism_0_truth.mrc
  row="| $phantom | $(score "$input" "$truth")"
  for objective in isonet cryogen; do
    node bin/wedgelab.js refine --in "$input" --method $objective --model "$work/$phantom-$objective/model.onnx" --out "$work/$phantom-$objective.mrc" --quiet --force >&2
    row="$row | $(score "$work/$phantom-$objective.mrc" "$truth")"
  done
  echo "$row |"
done
