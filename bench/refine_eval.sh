#!/bin/sh
# Must-show #2 of docs/refine.md: simulated tilt series at −5 and 0 dB, ±60° and ±45°, of the `cell` family (in the
# shipped models' training) and `filaments` (left out of it), both by `wedgelab simulate`, and of the independent
# simulator's `ellipsoids` and `shells` (models/validation/ellipsoids.py: analytic shapes, exact projections, no
# code shared with the training simulator). FBP refined by the shipped CryoGEN and IsoNet-style models (wedgelab
# refine, CPU path), against FBP, the same FBP smoothed by the Gaussian σ (of validate.py's SIGMAS, voxels) that is best against
# the ground truth (an oracle's choice, so a generous baseline), SIRT and the local network's wavelet model; and the
# two models applied to the FBP smoothed by a fixed σ of 1 voxel (the same for every case: `refine --method
# gaussian`, then the model on that). Each is scored against the ground truth by `wedgelab metrics`: PSNR and SSIM
# after the affine fit, and "wedge FSC", the count-weighted mean FSC over the missing wedge cone's voxels
# (fscWedgeMissing).
# Usage: bench/refine_eval.sh [OUT_DIR] [SIZE] [CASES]; SIZE "NX,NY,NZ" (default 64,64,32), CASES a space-separated
# list of family:maxAngle:snrDb (default all 16). Writes OUT_DIR/table.md (default bench/out/refine-eval).
set -eu
cd "$(dirname "$0")/.."
out=${1:-bench/out/refine-eval}
size=${2:-64,64,32}
grid="60:0 45:0 60:-5 45:-5"
cases=${3:-"filaments:60:0 cell:60:0 filaments:45:0 cell:45:0 filaments:60:-5 cell:60:-5 filaments:45:-5 cell:45:-5
$(for f in ellipsoids shells; do for g in $grid; do printf '%s:%s ' $f $g; done; done)"}
nz=${size##*,}
wedgelab() { node bin/wedgelab.js "$@"; }
mkdir -p "$out"
metrics() { wedgelab metrics --a "$1" --b "$2" --angles "$3" --json; }
score() {
  metrics "$@" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
n = sum(d["countsWedgeMissing"])
wedge = sum(f * c for f, c in zip(d["fscWedgeMissing"], d["countsWedgeMissing"])) / n
print("%.2f / %.3f / %.3f" % (d["psnr"], d["ssim"], wedge))'
}
# smooth DIR TRUTH TLT: DIR/fbp-smooth.mrc is DIR/fbp.mrc smoothed by the σ with the best PSNR (validate.py's
# oracle, best_smoothing); prints that σ.
smooth() {
  /usr/bin/python3 -c 'import sys; sys.path.insert(0, "models/localnet"); from validate import best_smoothing; print(best_smoothing(*sys.argv[1:])[0])' \
    "$1/fbp.mrc" "$2" "$3" "$1/fbp-smooth.mrc"
}
table=$out/table.md
{
  echo "| case ($size) | FBP | smoothed FBP (σ) | SIRT 20 | local network (wavelet) | IsoNet-style ← FBP | CryoGEN ← FBP | IsoNet-style ← FBP σ 1 | CryoGEN ← FBP σ 1 |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$table"
seed=900
for c in $cases; do
  family=${c%%:*} rest=${c#*:}
  angle=${rest%%:*} snr=${rest#*:}
  seed=$((seed + 1))
  dir=$out/$family-$angle-$snr
  ts=$dir/tilt_series.mrc tlt=$dir/tilt_series.tlt truth=$dir/ground_truth.mrc
  case $family in
    ellipsoids | shells)
      /usr/bin/python3 models/validation/ellipsoids.py --family "$family" --size "$size" --angles "-$angle,$angle,3" \
        --snr-db "$snr" --seed $seed --out-dir "$dir" >/dev/null
      label="$family (independent)" ;;
    *)
      wedgelab simulate --phantom "$family" --size "$size" --angles "-$angle,$angle,3" --snr-db "$snr" --seed $seed --out-dir "$dir" --force >/dev/null
      label=$family ;;
  esac
  wedgelab recon --tilts "$ts" --angles "$tlt" --method fbp --filter cosine --thickness "$nz" --out "$dir/fbp.mrc" --quiet --force
  sigma=$(smooth "$dir" "$truth" "$tlt")
  wedgelab recon --tilts "$ts" --angles "$tlt" --method sirt --iterations 20 --thickness "$nz" --out "$dir/sirt.mrc" --quiet --force
  wedgelab recon --tilts "$ts" --angles "$tlt" --method localnet-wavelet --thickness "$nz" --out "$dir/localnet.mrc" --quiet --force
  wedgelab refine --tomogram "$dir/fbp.mrc" --method gaussian --sigma 1 --out "$dir/fbp-sigma1.mrc" --quiet --force
  for method in isonet cryogen; do
    wedgelab refine --tomogram "$dir/fbp.mrc" --method $method --out "$dir/$method.mrc" --quiet --force
    wedgelab refine --tomogram "$dir/fbp-sigma1.mrc" --method $method --out "$dir/$method-sigma1.mrc" --quiet --force
  done
  row="| $label ±$angle° $snr dB (seed $seed)"
  for r in fbp fbp-smooth sirt localnet isonet cryogen isonet-sigma1 cryogen-sigma1; do
    cell=$(score "$dir/$r.mrc" "$truth" "$tlt")
    [ $r = fbp-smooth ] && cell="$cell (σ $sigma)"
    row="$row | $cell"
  done
  echo "$row |" | tee -a "$table"
done
