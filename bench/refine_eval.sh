#!/bin/sh
# Must-show #2 of docs/refine.md: simulated tilt series (wedgelab simulate, seeded) at −5 and 0 dB, ±60° and ±45°,
# of the `cell` family (in the shipped models' training) and `filaments` (left out of it); FBP refined by the
# shipped CryoGEN and IsoNet-style models (wedgelab refine, CPU path), against FBP, SIRT and the local network's
# wavelet model, each scored against the ground truth by `wedgelab metrics`: PSNR and SSIM after the affine fit,
# and "wedge FSC", the count-weighted mean FSC over the missing wedge cone's voxels (fscWedgeMissing).
# Usage: bench/refine_eval.sh [OUT_DIR] [SIZE] [CASES]; SIZE "NX,NY,NZ" (default 64,64,32), CASES a space-separated
# list of family:maxAngle:snrDb (default all eight). Writes OUT_DIR/table.md (default bench/out/refine-eval).
set -eu
cd "$(dirname "$0")/.."
out=${1:-bench/out/refine-eval}
size=${2:-64,64,32}
cases=${3:-"filaments:60:0 cell:60:0 filaments:45:0 cell:45:0 filaments:60:-5 cell:60:-5 filaments:45:-5 cell:45:-5"}
nz=${size##*,}
wedgelab() { node bin/wedgelab.js "$@"; }
mkdir -p "$out"
score() {
  wedgelab metrics --a "$1" --b "$2" --angles "$3" --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
n = sum(d["countsWedgeMissing"])
wedge = sum(f * c for f, c in zip(d["fscWedgeMissing"], d["countsWedgeMissing"])) / n
print("%.2f / %.3f / %.3f" % (d["psnr"], d["ssim"], wedge))'
}
table=$out/table.md
{
  echo "| case ($size) | FBP | SIRT 20 | local network (wavelet) | IsoNet-style ← FBP | CryoGEN ← FBP |"
  echo "|---|---|---|---|---|---|"
} >"$table"
seed=900
for c in $cases; do
  family=${c%%:*} rest=${c#*:}
  angle=${rest%%:*} snr=${rest#*:}
  seed=$((seed + 1))
  dir=$out/$family-$angle-$snr
  ts=$dir/tilt_series.mrc tlt=$dir/tilt_series.tlt truth=$dir/ground_truth.mrc
  wedgelab simulate --phantom "$family" --size "$size" --angles "-$angle,$angle,3" --snr-db "$snr" --seed $seed --out-dir "$dir" --force >/dev/null
  wedgelab recon --tilts "$ts" --angles "$tlt" --method fbp --filter cosine --thickness "$nz" --out "$dir/fbp.mrc" --quiet --force
  wedgelab recon --tilts "$ts" --angles "$tlt" --method sirt --iterations 20 --thickness "$nz" --out "$dir/sirt.mrc" --quiet --force
  wedgelab recon --tilts "$ts" --angles "$tlt" --method localnet-wavelet --thickness "$nz" --out "$dir/localnet.mrc" --quiet --force
  for method in isonet cryogen; do
    wedgelab refine --tomogram "$dir/fbp.mrc" --method $method --out "$dir/$method.mrc" --quiet --force
  done
  row="| $family ±$angle° $snr dB (seed $seed)"
  for r in fbp sirt localnet isonet cryogen; do row="$row | $(score "$dir/$r.mrc" "$truth" "$tlt")"; done
  echo "$row |" | tee -a "$table"
done
