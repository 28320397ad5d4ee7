#!/bin/sh
# Noise-free training series for train.py: COUNT simulations (default 36) by `wedgelab simulate`, the six phantom
# families in turn, non-square sizes, tilts −87…87° in 3° steps (the truth the masked autoencoder predicts; train.py
# hides what is beyond ±40…±70° and adds the noise). Seeded: the same command gives the same files.
#   models/synth/make_data.sh OUT_DIR [COUNT]
set -eu
out=$1
count=${2:-36}
families="spheres mixed filaments blobs cell lamella"
i=0
while [ "$i" -lt "$count" ]; do
  family=$(echo $families | cut -d' ' -f$((i % 6 + 1)))
  nx=$(echo 48 64 80 | cut -d' ' -f$((i % 3 + 1)))
  ny=$(echo 32 48 64 48 | cut -d' ' -f$((i / 3 % 4 + 1)))
  nz=$(echo 24 32 | cut -d' ' -f$((i / 2 % 2 + 1)))
  node bin/wedgelab.js simulate --phantom "$family" --size "$nx,$ny,$nz" --angles -87,87,3 --seed $((1000 + i)) \
    --out-dir "$out/$(printf %03d "$i")_$family" --force >/dev/null
  i=$((i + 1))
done
