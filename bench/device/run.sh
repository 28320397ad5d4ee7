#!/usr/bin/env bash
# On a lent GPU machine, from the repository root, with the kit of bench/device/pack.sh carried:
#   device run, carry [".device-kit"], command "bench/device/run.sh [PART ...]"
# PARTs are `wedgelab bench --only` parts without a browser (default: fbp sirt fft coordnet localnet; the
# page benches need chromium, which does not fit in the carry limit). Each part runs under its own
# timeout (PART_SECONDS, default 120) so that the whole call ends inside the device's 10-minute limit;
# BENCH_ARGS adds options (--quick: the small sizes only).
# Writes to $OUT (bench/out/device when unset): gpu.txt (nvidia-smi), PART.json (bench.json of each part
# that finished), bench.md (their tables) and bench.log. Other commands: source bench/device/env.sh.
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-bench/out/device}"
mkdir -p "$out"
source bench/device/env.sh
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || echo "no nvidia-smi"; } >"$out/gpu.txt"
: >"$out/bench.md"
for part in "${@:-fbp sirt fft coordnet localnet}"; do
  for p in $part; do
    echo "== $p $(date +%T)" | tee -a "$out/bench.log"
    if timeout "${PART_SECONDS:-120}" node bin/wedgelab.js bench --only "$p" ${BENCH_ARGS:-} --out-dir "/tmp/wedgelab-bench/$p" >>"$out/bench.log" 2>&1; then
      cp "/tmp/wedgelab-bench/$p/bench.json" "$out/$p.json"
      { echo "## $p"; echo; cat "/tmp/wedgelab-bench/$p/bench.md"; echo; } >>"$out/bench.md"
    else
      echo "== $p did not finish (exit $?)" | tee -a "$out/bench.log"
    fi
  done
done
echo "== done $(date +%T)" | tee -a "$out/bench.log"
