#!/usr/bin/env bash
# Held-out-tilt cross-validation (docs/conventions.md#held-out-tilt-cross-validation), odd/even FSC and the
# trust score (docs/trust.md) on real tilt series, every method the CLI runs quickly on them (FBP, SIRT, the
# local network's shipped models, cosine FBP refined by the shipped CryoGEN and IsoNet-style models), in one command:
#   bench/real_cv.sh DIR              or   WEDGELAB_REAL_DATA=DIR bench/real_cv.sh
# DIR holds empiar_10009_128.mrc/.tlt and jason64.ali/.tlt, two small real tilt series from the public
# test data of the Ettention project (github.com/c3di/ettention); they are not shipped here.
# Tilts ±15° are held out for cross-validation, every 4th for the trust score; both series have their tilt means
# subtracted for every method, as the page does for every file it loads (EMPIAR-10009's unsigned bytes, mean 97,
# would otherwise give the FBP that trust compares with a bowl that offset-free methods lack; jason64 is int16
# near −32 700). The page's default local model runs twice: alone, and composed as the page runs it
# (--fbp-fsc --fsc-sigma 0.75). A refined result is scored by its reconstruction and refinement
# run again without the held-out tilts (--refine); odd/even FSC does not refine, so those rows have none.
# ONLY=LABEL,LABEL… runs those methods alone (labels as in the table; the voxel and two-scale models take minutes
# per run on the CPU path). Writes bench/out/real-cv/{results.json,table.md}. Nothing here is part of the test suite.
set -euo pipefail
# shellcheck source=bench/real_data.sh
source "$(dirname "$0")/real_data.sh" "${1:-}"
out=bench/out/real-cv
mkdir -p "$out"
wedgelab() { node bin/wedgelab.js "$@"; }
# The refinements on the CPU path (--engine cpu): on a software adapter their model runs on wasm either way.
series=("empiar_10009_128.mrc empiar_10009_128.tlt --subtract-mean" "jason64.ali jason64.tlt --subtract-mean")
methods=("FBP-cosine --method fbp --filter cosine" "FBP-ram-lak --method fbp" "SIRT-20 --method sirt --iterations 20"
  "broad-p11 --method localnet" "broad-p11-wavelet --method localnet --model broad-p11-wavelet"
  "broad96-p11-wavelet --method localnet-wavelet"
  "broad96-p11-wavelet-composed --method localnet-wavelet --fbp-fsc --fsc-sigma 0.75"
  "broad-p11-wide --method localnet --model broad-p11-wide"
  "broad-p11x3-wide --method localnet --model broad-p11x3-wide"
  "broad-p11-wide-wavelet --method localnet --model broad-p11-wide-wavelet"
  "broad-p11x3-wide-wavelet --method localnet --model broad-p11x3-wide-wavelet"
  "broad96-p11x3-wide-wavelet --method localnet --model broad96-p11x3-wide-wavelet"
  "CryoGEN←FBP-cosine --method fbp --filter cosine --refine cryogen --engine cpu"
  "IsoNet-style←FBP-cosine --method fbp --filter cosine --refine isonet --engine cpu")
if [ -n "${ONLY:-}" ]; then # every label asked for must be a row, or the table would be silently short
  labels=" $(for m in "${methods[@]}"; do printf '%s ' "${m%% *}"; done)"
  IFS=, read -ra wanted <<<"$ONLY"
  for w in "${wanted[@]}"; do
    [[ "$labels" == *" $w "* ]] || { echo "$script: ONLY names no method \"$w\"; the labels are:$labels" >&2; exit 2; }
  done
fi
echo "[" >"$out/results.json"
first=1
table="| tilt series | method | held-out ±15° mean NMSE | mean correlation | odd/even FSC 0.143 resolution | odd/even mean FSC, 0.25–0.5 cycles/voxel | trust (every:4): band mean FRC, method vs FBP | verdict | seconds |
|---|---|---|---|---|---|---|---|---|"
for s in "${series[@]}"; do
  read -r stack tlt extra <<<"$s"
  for m in "${methods[@]}"; do
    read -r label args <<<"$m"
    [[ -z "${ONLY:-}" || ",$ONLY," == *",$label,"* ]] || continue
    start=$(date +%s)
    oe=null
    # shellcheck disable=SC2086
    cv=$(wedgelab cv --tilts "$data/$stack" --angles "$data/$tlt" $args $extra --drop ±15 --json)
    # shellcheck disable=SC2086
    [[ $args == *--refine* ]] || oe=$(wedgelab oddeven --tilts "$data/$stack" --angles "$data/$tlt" $args $extra --json)
    # shellcheck disable=SC2086
    trust=$(wedgelab trust --tilts "$data/$stack" --angles "$data/$tlt" $args $extra --json)
    seconds=$(($(date +%s) - start))
    [ $first = 1 ] || echo "," >>"$out/results.json"
    first=0
    echo "{\"series\":\"$stack\",\"method\":\"$label\",\"seconds\":$seconds,\"cv\":$cv,\"oddEven\":$oe,\"trust\":$trust}" >>"$out/results.json"
    row=$(node -e 'const [cv, oe, trust] = process.argv.slice(1).map((a) => JSON.parse(a));
      let fsc = "— | —";
      if (oe) {
        const r = oe.res0143 === null ? "not crossed" : `${oe.res0143.toFixed(1)} ${oe.resolutionUnit}`;
        const half = oe.fsc.filter((_, i) => oe.shells[i] > 0.25 && oe.shells[i] <= 0.5);
        fsc = `${r} | ${(half.reduce((a, b) => a + b, 0) / half.length).toFixed(3)}`;
      }
      const d = trust.difference;
      const score = `${trust.summaryMethod.toFixed(3)} vs ${trust.summaryFbp.toFixed(3)} (${d >= 0 ? "+" : "−"}${Math.abs(d).toFixed(3)}, ±${trust.tolerance.toFixed(3)})`;
      process.stdout.write(`${cv.meanNmse.toFixed(3)} | ${cv.meanCorr.toFixed(3)} | ${fsc} | ${score} | ${trust.verdict}`);' "$cv" "$oe" "$trust")
    table+=$'\n'"| $stack | $label | $row | $seconds |"
    echo "$stack $label: $row ($seconds s)" >&2
  done
done
echo "]" >>"$out/results.json"
echo "$table" | tee "$out/table.md"
