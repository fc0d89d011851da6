#!/usr/bin/env bash
# make bench-hooks: what activation statistics cost a training step on the statistics path GPUs use
# (device ops, forced here on whatever device runs it): aten ops and host reads of one logged step
# against an unhooked one, the statistics' host copies and uploads, and the step-time overhead of
# statistics on every step and every BLOCK steps against none, in interleaved blocks (one run, so
# all three see the same machine). CIFAR ResNet18, every probe hooked (org.normbench.train.HookProfile).
#   DEVICE=cpu|gpu  STATS_PATH=DEVICE_OPS|AUTO|CPU_PASS  NORM=bn  BATCH=8  WIDTH=1.0  ROUNDS=8  BLOCK=10
#   THREADS=1 (CPU intra-op threads)  CPU_TIME=true|false (CPU: thread CPU time, robust on a shared
#   machine with THREADS=1; default true on cpu, wall time on gpu)  OUT=<trace folder>
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$(mktemp -d -t normbench-hooks.XXXXXX)}"
source bench/bin/cpu-env.sh
CP="bench/target/test-classes:bench/target/classes:$(cat bench/target/jmh-classpath.txt)"
java -Dai.djl.pytorch.num_threads="${THREADS:-1}" \
  -Dhooks.device="${DEVICE:-cpu}" -Dhooks.path="${STATS_PATH:-DEVICE_OPS}" -Dhooks.norm="${NORM:-bn}" \
  -Dhooks.batch="${BATCH:-8}" -Dhooks.width="${WIDTH:-1.0}" -Dhooks.rounds="${ROUNDS:-8}" \
  -Dhooks.block="${BLOCK:-10}" -Dhooks.cpu="${CPU_TIME:-$([[ "${DEVICE:-cpu}" == cpu ]] && echo true || echo false)}" -Dhooks.trace="$OUT" -cp "$CP" org.normbench.train.HookProfile
echo "(traces in $OUT)"
