#!/usr/bin/env bash
# IsoNet-style and CryoGEN refinement trained on each real tilt series' own tomogram (as the papers do), scored by
# held-out tilts without leakage, next to the shipped models (trained on the project's simulator) and cosine FBP:
#   bench/real_cv_trained.sh DIR       or   WEDGELAB_REAL_DATA=DIR bench/real_cv_trained.sh
# DIR as for bench/real_cv.sh (empiar_10009_128.mrc/.tlt and jason64.ali/.tlt; not shipped here).
# No leakage: a model scored by held-out tilts never saw them. The cross-validation (the two tilts nearest ±15°)
# scores models trained on the cosine FBP of the other tilts; the trust score (every 4th tilt) models trained on
# the cosine FBP of the tilts it keeps. Each model: models/refine/train.py on that one tomogram, the wedge from
# the kept tilts' .tlt, seed 1, one thread, nice 10; isonet first, then cryogen warm-started from it (as
# cryogen-sim was from isonet-sim) with cryogen-sim's --fidelity 0.1 --energy 0.1. Cubes of 24³ (EMPIAR-10009,
# 128×128×32) and 16³ (jason64, 64×64×16: the cube must fit the thickness).
# Writes bench/out/real-cv-trained/{results.json,table.md}, the reduced stacks, tomograms and models beside them.
# Nothing here is part of the test suite.
set -euo pipefail
# shellcheck source=bench/real_data.sh
source "$(dirname "$0")/real_data.sh" "${1:-}"
out=bench/out/real-cv-trained
mkdir -p "$out"
wedgelab() { node bin/wedgelab.js "$@"; }
cv_drop="±15"
trust_held="every:4" # wedgelab trust's default, given explicitly so the training stacks drop the same tilts
isonet_steps=800     # ≈ 0.17 s a step at 24³ on one thread of the shared machine: ≈ 2.5 min
cryogen_steps=600    # ≈ 0.28 s a step at 24³ (generator, consistency pass and energy model): ≈ 3 min
subtomos=64
fbp=(--method fbp --filter cosine)

# The tilts without the held-out ones, as a stack and .tlt per scoring. The CLI has no option to reconstruct
# without given tilts (recon has no --exclude), so this step writes reduced stacks with the engine's own
# choice of held-out tilts (heldOutTilts, the function cv and trust call) and its MRC reader and writer; the
# kept tilts are bit-identical to the originals (cosine FBP of a stack written back with none dropped equals
# that of the original). Prints the held-out stack indices as JSON.
write_kept() { # STACK TLT DIR
  node --import tsx --input-type=module -e '
    import { readTiltSeriesPaths, writeTiltSeriesPaths } from "./src/cli/recon.ts";
    import { heldOutTilts, remainingIndices, subsetTilts } from "./src/engine/evaluation/tiltSubsets.ts";
    const [stack, tlt, dir, ...specs] = process.argv.slice(1);
    const { tiltSeries: ts } = await readTiltSeriesPaths(stack, tlt);
    const held = {};
    for (const [name, spec] of specs.map((s) => s.split("="))) {
      held[name] = heldOutTilts(ts.tiltAngles, spec).sort((a, b) => a - b);
      const kept = subsetTilts(ts, remainingIndices(ts.nTilts, held[name]));
      await writeTiltSeriesPaths(kept, `${dir}/${name}/kept.mrc`, `${dir}/${name}/kept.tlt`, [`${stack} without ${spec} (stack indices ${held[name]})`]);
    }
    process.stdout.write(JSON.stringify(held));' "$@" "cv=$cv_drop" "trust=$trust_held"
}

train() { # DIR OBJECTIVE CUBE STEPS [train.py flags]
  local dir=$1 objective=$2 cube=$3 steps=$4
  shift 4
  nice -n 10 /usr/bin/python3 models/refine/train.py --tomogram "$dir/fbp-cosine.mrc" --angles "$dir/kept.tlt" \
    --objective "$objective" --out "$dir/$objective" --steps "$steps" --cube "$cube" --subtomos "$subtomos" --seed 1 --threads 1 "$@" >"$dir/$objective.log"
}

card_seconds() { /usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["seconds"])' "$1/card.json"; }

series=("empiar_10009_128.mrc empiar_10009_128.tlt 24" "jason64.ali jason64.tlt 16 --subtract-mean")
echo "[" >"$out/results.json"
first=1
table="| tilt series | result | held-out ±15° mean NMSE | mean correlation | trust: FRC band mean, result / FBP | difference (tolerance) | verdict | training seconds (cv model / trust model) |
|---|---|---|---|---|---|---|---|"
for s in "${series[@]}"; do
  read -r stack tlt cube extra <<<"$s"
  dir="$out/${stack%.*}"
  mkdir -p "$dir/cv" "$dir/trust"
  held=$(write_kept "$data/$stack" "$data/$tlt" "$dir")
  echo "$stack held out: $held" >&2
  for h in cv trust; do
    # shellcheck disable=SC2086
    wedgelab recon --tilts "$dir/$h/kept.mrc" --angles "$dir/$h/kept.tlt" "${fbp[@]}" $extra --engine cpu --out "$dir/$h/fbp-cosine.mrc" --force --quiet
    train "$dir/$h" isonet "$cube" "$isonet_steps"
    train "$dir/$h" cryogen "$cube" "$cryogen_steps" --init "$dir/$h/isonet/model.onnx" --fidelity 0.1 --energy 0.1
  done
  rows=("FBP cosine|" "IsoNet-style ← FBP cosine, shipped isonet-sim|--refine isonet --engine cpu"
    "CryoGEN ← FBP cosine, shipped cryogen-sim|--refine cryogen --engine cpu"
    "IsoNet-style ← FBP cosine, trained on this tomogram|--refine isonet --engine cpu --refine-model isonet"
    "CryoGEN ← FBP cosine, trained on this tomogram (from its IsoNet-style model)|--refine cryogen --engine cpu --refine-model cryogen")
  for r in "${rows[@]}"; do
    label=${r%%|*}
    args=${r#*|}
    cv_args=$args trust_args=$args seconds=null
    if [[ $args == *--refine-model* ]]; then # the model trained without exactly the tilts each score holds out
      o=${args##* }
      cv_args="${args% *} $dir/cv/$o/model.onnx"
      trust_args="${args% *} $dir/trust/$o/model.onnx"
      seconds="[$(card_seconds "$dir/cv/$o"),$(card_seconds "$dir/trust/$o")]"
    fi
    # shellcheck disable=SC2086
    cv=$(wedgelab cv --tilts "$data/$stack" --angles "$data/$tlt" "${fbp[@]}" $cv_args $extra --drop "$cv_drop" --json)
    # shellcheck disable=SC2086
    trust=$(wedgelab trust --tilts "$data/$stack" --angles "$data/$tlt" "${fbp[@]}" $trust_args $extra --held-out "$trust_held" --json)
    [ $first = 1 ] || echo "," >>"$out/results.json"
    first=0
    echo "{\"series\":\"$stack\",\"result\":\"$label\",\"heldOut\":$held,\"trainingSeconds\":$seconds,\"cv\":$cv,\"trust\":$trust}" >>"$out/results.json"
    row=$(node -e 'const [cv, trust, held, seconds] = process.argv.slice(1).map((a) => JSON.parse(a));
      // The leakage guard: the tilts cv and trust held out are those the training stacks left out.
      const same = (a, b) => JSON.stringify([...a].sort((p, q) => p - q)) === JSON.stringify(b);
      if (!same(cv.perAngle.map((t) => t.index), held.cv) || !same(trust.heldOut.map((t) => t.index), held.trust)) {
        process.stderr.write(`held-out tilts differ from the training stacks: cv ${cv.perAngle.map((t) => t.index)}, trust ${trust.heldOut.map((t) => t.index)}, ${JSON.stringify(held)}\n`);
        process.exit(1);
      }
      const d = trust.difference;
      const sec = seconds ? `${seconds[0].toFixed(0)} / ${seconds[1].toFixed(0)}` : "—";
      process.stdout.write(`${cv.meanNmse.toFixed(3)} | ${cv.meanCorr.toFixed(3)} | ${trust.summaryMethod.toFixed(3)} / ${trust.summaryFbp.toFixed(3)} | ` +
        `${d >= 0 ? "+" : "−"}${Math.abs(d).toFixed(3)} (±${trust.tolerance.toFixed(3)}) | ${trust.verdict} | ${sec}`);' "$cv" "$trust" "$held" "$seconds")
    table+=$'\n'"| $stack | $label | $row |"
    echo "$stack $label: $row" >&2
  done
done
echo "]" >>"$out/results.json"
echo "$table" | tee "$out/table.md"
