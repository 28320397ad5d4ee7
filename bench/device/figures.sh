#!/usr/bin/env bash
# Every real-GPU figure of docs/benchmarks.md in one device call (a lent GPU gives 15 minutes a session, one
# command at most 10), from the repository root, with the kit of bench/device/pack.sh carried:
#   device run, carry [".device-kit"], timeout_s 600, command "bench/device/figures.sh"
# Steps, most wanted first, each under its own cap and all inside BUDGET_SECONDS (560) so that the call ends
# inside the device's limit however the GPU fares (a step that runs out of time is logged and the next begins):
#   1. the fbp and sirt benches at full size (WebGPU beside the CPU path and scikit-image's iradon);
#   2. `recon` of a simulated SIZE (512,512,256) series from 61 tilts: FBP (cosine), then the default wavelet
#      local model;
#   3. bench/coordnet_eval.sh at EVAL_SIZE (128,32,64: five network fits of about 90 s each on an H200, so
#      it needs a call of its own to finish);
#   4. the fft, dose and coordnet benches, and the localnet bench with --quick;
#   5. the default voxel local model on the same series, with whatever time is left (about 8 min on an H200).
# The device returns at most 8 files, so everything lands in a staging folder and $OUT gets bench.md (every
# table), figures.log (every step's output and time), gpu.txt and results.tar.gz (every JSON, re-packed after
# each step so that a call cut short still brings back what finished).
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-bench/out/device}"
stage=/tmp/wedgelab-figures
mkdir -p "$out" "$stage"
source bench/device/env.sh
deadline=$(($(date +%s) + ${BUDGET_SECONDS:-560}))
log="$out/figures.log"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv >"$out/gpu.txt" 2>&1 || echo "no nvidia-smi" >"$out/gpu.txt"

keep() {  # gathers what finished into $OUT
  cat "$stage"/*/bench.md >"$out/bench.md" 2>/dev/null
  tar -C "$stage" -czf "$out/results.tar.gz" . 2>/dev/null
}

step() {  # step LABEL CAP COMMAND...: runs it under min(CAP, time left), logged and timed; never stops the script
  local label="$1" cap="$2"
  shift 2
  local left=$((deadline - $(date +%s) - 5))
  ((left < cap)) && cap=$left
  if ((cap < 15)); then
    echo "== $label skipped: out of time" | tee -a "$log"
    return 1
  fi
  echo "== $label (cap ${cap} s) $(date +%T)" | tee -a "$log"
  local started status
  started=$(date +%s%N)
  timeout "$cap" "$@" >>"$log" 2>&1
  status=$?
  local why=""
  ((status == 124)) && why=" (out of time)"
  echo "== $label: exit $status$why after $((($(date +%s%N) - started) / 1000000)) ms" | tee -a "$log"
  keep
  return "$status"
}

bench() {  # bench PART CAP [bench options]: run.sh's part into its own staging folder
  local part="$1" cap="$2"
  shift 2
  mkdir -p "$stage/$part"
  step "bench $part $*" "$cap" env OUT="$stage/$part" PART_SECONDS="$((cap - 3))" BENCH_ARGS="$*" bench/device/run.sh "$part"
}

wedgelab=(node bin/wedgelab.js)
size="${SIZE:-512,512,256}"
large=/tmp/wedgelab-large  # the series and tomograms: outside the staging folder, which travels back
mkdir -p "$large"

bench fbp 75
bench sirt 90
input=(--tilts "$large/sim/tilt_series.mrc" --angles "$large/sim/tilt_series.tlt" --thickness "${size##*,}")
if step "simulate $size, 61 tilts" 60 "${wedgelab[@]}" simulate --phantom spheres --size "$size" --angles -60,60,2 --snr-db 0 --seed 3 --out-dir "$large/sim" --force; then
  step "recon fbp cosine $size" 40 "${wedgelab[@]}" recon "${input[@]}" --method fbp --filter cosine --out "$large/fbp.mrc" --force
  step "recon localnet-wavelet (broad96-p11-wavelet) $size" 150 "${wedgelab[@]}" recon "${input[@]}" --method localnet-wavelet --out "$large/wavelet.mrc" --force
  rm -f "$large"/*.mrc
fi
mkdir -p "$stage/coordnet-eval"
step "coordnet_eval.sh ${EVAL_SIZE:-128,32,64}" 150 bash -c "bench/coordnet_eval.sh ${EVAL_SIZE:-128,32,64} && cp bench/out/coordnet-eval/results.json '$stage/coordnet-eval/' && cp bench/out/coordnet-eval/table.md '$stage/coordnet-eval/bench.md'"
bench fft 40
bench dose 70
bench coordnet 45
bench localnet 90 --quick
[ -e "$large/sim/tilt_series.mrc" ] &&
  step "recon localnet (broad-p11, voxel) $size" 300 "${wedgelab[@]}" recon "${input[@]}" --method localnet --out "$large/voxel.mrc" --force
echo "== done $(date +%T)" | tee -a "$log"
keep
