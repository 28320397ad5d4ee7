#!/bin/sh
# The pretrained models' training tomograms: `wedgelab simulate` + FBP (`wedgelab recon`), seeded; several
# phantom families, tilt ranges ±40…±70° and noise −10…+10 dB. 'filaments' is left out, for validation on a
# family the models never saw. Usage: models/refine/make_data.sh OUT_DIR [WEDGELAB]
set -eu
out=${1:?usage: make_data.sh OUT_DIR [WEDGELAB]}
wedgelab=${2:-node bin/wedgelab.js}
i=0
# family  max angle  SNR dB
for case in "cell 60 5" "spheres 45 0" "blobs 70 10" "mixed 50 -5" "lamella 60 -10" "cell 40 0" "spheres 65 -5" "mixed 55 5"; do
  set -- $case
  i=$((i + 1))
  dir=$out/t$i-$1
  $wedgelab simulate --phantom "$1" --size 96,96,48 --angles "-$2,$2,3" --snr-db "$3" --seed $((100 + i)) --out-dir "$dir" --force >/dev/null
  $wedgelab recon --tilts "$dir/tilt_series.mrc" --angles "$dir/tilt_series.tlt" --method fbp --filter cosine --thickness 48 --out "$dir/fbp.mrc" --quiet --force
done
