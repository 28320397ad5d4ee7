#!/usr/bin/env bash
# The coordinate network's validation (issue: "Must show"), in one command, through the CLI:
# noise-free spheres and mixed shapes at ±60° in 2° steps, and spheres at −5 dB with TV 0 and 1;
# then the independent simulator's ellipsoids and shells (models/validation/ellipsoids.py) at 0 dB;
# FBP (Ram-Lak) and the coordinate network with the paper's defaults on each; PSNR, SSIM and the
# FSC inside the missing region against the ground truth. Needs a real GPU to finish in minutes
# (a software adapter needs days). Writes bench/out/coordnet-eval/{results.json,table.md}.
#   bench/coordnet_eval.sh [NX,NY,NZ]   (default 128,32,64)
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-128,32,64}"
nz="${size##*,}"
out=bench/out/coordnet-eval
mkdir -p "$out"
wedgelab() { node bin/wedgelab.js "$@"; }
cases=("spheres 100" "mixed 100" "spheres -5" "ellipsoids 0" "shells 0")
rows=()
for c in "${cases[@]}"; do
  read -r phantom snr <<<"$c"
  name="$phantom-snr$snr"
  dir="$out/$name"
  noise=()
  [ "$snr" != 100 ] && noise=(--snr-db "$snr")
  case $phantom in
    ellipsoids | shells)
      /usr/bin/python3 models/validation/ellipsoids.py --family "$phantom" --size "$size" --angles -60,60,2 "${noise[@]}" --seed 11 --out-dir "$dir" >/dev/null ;;
    *) wedgelab simulate --phantom "$phantom" --size "$size" --angles -60,60,2 "${noise[@]}" --seed 11 --out-dir "$dir" --force >/dev/null ;;
  esac
  input=(--tilts "$dir/tilt_series.mrc" --angles "$dir/tilt_series.tlt" --thickness "$nz" --quiet)
  runs=("fbp --method fbp --filter ram-lak" "coordnet --method coordnet")
  [ "$phantom" = spheres ] && [ "$snr" != 100 ] && runs+=("coordnet-tv1 --method coordnet --tv 1")
  for r in "${runs[@]}"; do
    read -r label args <<<"$r"
    start=$(date +%s)
    # shellcheck disable=SC2086
    wedgelab recon "${input[@]}" $args --force --out "$dir/$label.mrc"
    seconds=$(($(date +%s) - start))
    wedgelab metrics --a "$dir/$label.mrc" --b "$dir/ground_truth.mrc" --angles "$dir/tilt_series.tlt" --json >"$dir/$label.json"
    rows+=("$name $label $seconds $dir/$label.json")
  done
done
node - "$out" "${rows[@]}" <<'EOF'
const fs = require('node:fs');
const [out, ...rows] = process.argv.slice(2);
const results = rows.map((row) => {
  const [data, method, seconds, file] = row.split(' ');
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  // Mean FSC inside the missing region over shells up to 0.25 cycles/voxel.
  const upTo = m.shells.map((s, i) => [s, m.fscMissing[i]]).filter(([s]) => s > 0 && s <= 0.25);
  const missing = upTo.reduce((a, [, f]) => a + f, 0) / upTo.length;
  return { data, method, seconds: Number(seconds), psnr: m.psnr, ssim: m.ssim, fscMissingMean025: missing, shells: m.shells, fscMissing: m.fscMissing };
});
fs.writeFileSync(`${out}/results.json`, JSON.stringify(results, null, 2));
const table = ['| data | method | time (s) | PSNR (dB) | SSIM | mean FSC in the missing region (≤ 0.25 cyc/vox) |', '|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.data} | ${r.method} | ${r.seconds} | ${r.psnr?.toFixed(2)} | ${r.ssim?.toFixed(3)} | ${r.fscMissingMean025.toFixed(3)} |`)].join('\n');
fs.writeFileSync(`${out}/table.md`, `${table}\n`);
console.log(table);
EOF
