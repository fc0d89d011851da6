#!/usr/bin/env bash
# The GPU checks of issues 13 and 14 in one go, from the kit `make gpu-kit` builds (docs/gpu.md,
# "A GPU session in one script"): the GPU bundle (its own Java runtime, so the node needs no JDK,
# no Maven and no network), the gpu-tagged tests and the hook profiler. Stages, each with its own
# time limit, log and exit code; a failed stage is reported and the next one runs:
#   env       nvidia-smi, python3's torch
#   setup     bin/normbench gpu-setup (builds DJL's JNI against the node's own torch; cached)
#   doctor    bin/normbench doctor
#   compare   DJL vs PyTorch eager step time, bn/gn/ln, batch 2-128; rbn vs bn (bench-compare.sh)
#   jobs      cells per hour, --jobs 8 vs --jobs 1, eight batch-2 cells on one GPU (jobs-gpu.yaml);
#             and --jobs 8 with backwards on libtorch's autograd thread (NORMBENCH_BACKWARD_THREAD),
#             and the cells as 8 processes at once (--shard k/8)
#   hooks     what activation statistics cost a step, every step and every 10 (HookProfile)
#   estimate  bench --estimate for the full profile, --jobs auto (cell time: one job at a time)
#   tests     the gpu-tagged JUnit tests (org.normbench.gpu.GpuTestMain)
#   rbnfuse   rbn's step op by op (NORMBENCH_RBN_FUSE=off) against compare's fused default, batch 2/32
#   soak      device memory and host RSS cell after cell: 40 full-width rbn cells (cell-soak.sh)
# Usage (on the GPU node, from the folder the kit was copied to):
#   OUT=<folder for the results>     bash gpu-kit/gpu-checks.sh
#   STAGES="setup doctor tests"      only these stages
#   BUDGET_S=540                     whole-script limit; each stage gets min(its limit, what is left)
#   DEVICE=cpu                       dry run of the mechanics on a machine without a GPU
#   WORK=<folder>                    unpacked bundle and gpu-setup's cache (kept between calls)
# $OUT gets two files: summary.txt (stage, exit code, seconds, the tail of each log; written as the
# stages go) and checks.tar.gz (remade after each stage: every log, and each run's CSVs and manifest without the
# per-cell folders and histograms). Two files, because a lent machine hands back at most 8. The full
# record (runs, hook traces) stays in $WORK/checks-<time>/.
set -uo pipefail
kit="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-/tmp/normbench-gpu-checks}"
DEVICE="${DEVICE:-gpu}"
STAGES="${STAGES:-env setup doctor compare jobs hooks estimate tests rbnfuse soak}"
BUDGET_S="${BUDGET_S:-540}"
WORK="${WORK:-$kit/../.gpu-work}"
mkdir -p "$OUT" "$WORK"
OUT="$(cd "$OUT" && pwd)"
WORK="$(cd "$WORK" && pwd)"
REC="$WORK/checks-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$REC"
export NORMBENCH_CACHE="$WORK/cache" DJL_CACHE_DIR="$WORK/djl"
start=$(date +%s)
summary="$OUT/summary.txt"
: >"$summary"
say() { echo "$*" | tee -a "$summary"; }

bundle="$(ls "$kit"/normbench-*-linux-x86_64.tar.gz | head -1)"
if [[ ! -d "$WORK/bundle" || "$bundle" -nt "$WORK/bundle" ]]; then
  rm -rf "$WORK/bundle" && mkdir -p "$WORK/bundle" && tar -C "$WORK/bundle" -xzf "$bundle"
fi
root="$(echo "$WORK"/bundle/normbench-*)"
cd "$root" || exit 2
java="$root/runtime/bin/java"
test_cp="$root/app/normbench.jar:$root/app/lib/*:$kit/tests/*"
export REC DEVICE root java test_cp kit
say "gpu-checks: bundle $(basename "$bundle"), device $DEVICE, stages: $STAGES, budget ${BUDGET_S}s, $(date -u +%FT%TZ)"

# stage NAME LIMIT_S COMMAND...: runs COMMAND with its output in $REC/NAME.log, under the smaller of
# LIMIT_S and the budget left; never stops the script.
stage() {
  local name=$1 limit=$2
  shift 2
  [[ " $STAGES " == *" $name "* ]] || return 0
  local left=$((BUDGET_S - ($(date +%s) - start)))
  ((left < limit)) && limit=$left
  if ((limit < 10)); then
    say "== $name: skipped, the budget is spent"
    return 0
  fi
  local t0
  t0=$(date +%s)
  say "== $name (limit ${limit}s)"
  # Through bash -c so that the stages written as functions below (exported) run under timeout too.
  timeout --kill-after=5 "$limit" bash -c '"$@"' _ "$@" >"$REC/$name.log" 2>&1
  local rc=$?
  say "   exit $rc after $(($(date +%s) - t0)) s$( ((rc == 124 || rc == 137)) && echo ' (time limit)'); log: $name.log"
  tail -n "${TAIL:-20}" "$REC/$name.log" | sed 's/^/   | /' | tee -a "$summary" >/dev/null
  pack
}

# $OUT/checks.tar.gz, remade after every stage so that a run cut short still hands back what it did.
pack() {
  tar -C "$REC" --exclude='cells' --exclude='histograms.csv' --exclude='hook-traces' -czf "$OUT/checks.tar.gz" .
}

env_facts() {
  nvidia-smi || echo "no nvidia-smi"
  python3 -c 'import torch; print("python3 torch", torch.__version__, "cuda", torch.version.cuda, "devices", torch.cuda.device_count())'
  nproc
  free -g
}

gpu_tests() { "$java" -cp "$test_cp" org.normbench.gpu.GpuTestMain; }

compare() {
  local grid="$root/bench/grids/compare-gpu.yaml"
  if [[ "$DEVICE" == cpu ]]; then
    grid="$REC/compare-cpu-dry.yaml"
    sed -e 's/^devices: \[gpu\]/devices: [cpu]/' -e 's/batch_sizes: \[2, 8, 32, 128\]/batch_sizes: [2, 8]/' \
      -e 's/warmup_steps: 10/warmup_steps: 2/' -e 's/timed_steps: 40/timed_steps: 3/' \
      "$root/bench/grids/compare-gpu.yaml" >"$grid"
  fi
  DEVICE="$DEVICE" GRID="$grid" RUNS_DIR="$REC/runs" RUN=compare bash bench/reference/bench-compare.sh
}

# rbn's scripted step runs under libtorch's graph executor (fused kernels) on a GPU by default; this
# times it op by op on the same grid, so the fused/unfused ratio is read off one machine.
rbn_fuse() {
  local grid="$REC/rbn-unfused.yaml"
  sed -e 's/^  norms: \[bn, gn, ln, rbn\]/  norms: [rbn]/' -e 's/batch_sizes: \[2, 8, 32, 128\]/batch_sizes: [2, 32]/' \
    "$root/bench/grids/compare-gpu.yaml" >"$grid"
  if [[ "$DEVICE" == cpu ]]; then
    sed -i -e 's/^devices: \[gpu\]/devices: [cpu]/' -e 's/batch_sizes: \[2, 32\]/batch_sizes: [2]/' \
      -e 's/warmup_steps: 10/warmup_steps: 2/' -e 's/timed_steps: 40/timed_steps: 3/' "$grid"
  fi
  NORMBENCH_RBN_FUSE=off bin/normbench bench --grid "$grid" --run rbn-unfused --runs-dir "$REC/runs" --quiet || true
  python3 - "$REC/runs" <<'PY'
import csv, sys
runs = sys.argv[1]
def medians(run):
    try:
        rows = list(csv.DictReader(open("%s/%s/cells.csv" % (runs, run))))
    except OSError:
        return {}
    # compare's run also holds the PyTorch side's cells (implementation pytorch).
    return {(r["norm"], r["batch_size"]): r["step_ms_median"] for r in rows
            if r["status"] == "ok" and r["implementation"] == "djl"}
fused, plain = medians("compare"), medians("rbn-unfused")
for (norm, batch), ms in sorted(plain.items(), key=lambda kv: int(kv[0][1])):
    f, bn = fused.get(("rbn", batch)), fused.get(("bn", batch))
    line = "rbn batch %s: op by op %.1f ms" % (batch, float(ms))
    if f:
        line += ", fused (default) %.1f ms -> fused/op-by-op %.2f" % (float(f), float(f) / float(ms))
    if f and bn:
        line += "; rbn/bn %.2f fused, %.2f op by op (target <= 1.3)" % (float(f) / float(bn), float(ms) / float(bn))
    print(line)
PY
}

hooks() {
  "$java" -cp "$test_cp" -Dai.djl.pytorch.num_threads=1 -Dhooks.device="$DEVICE" -Dhooks.path=DEVICE_OPS \
    -Dhooks.norm=bn -Dhooks.batch=8 -Dhooks.width=1.0 -Dhooks.rounds="${HOOK_ROUNDS:-8}" -Dhooks.block=10 \
    -Dhooks.cpu=false -Dhooks.trace="$REC/hook-traces" org.normbench.train.HookProfile
}

jobs_ratio() {
  local grid="$kit/jobs-gpu.yaml" n="${JOBS_N:-8}"
  if [[ "$DEVICE" == cpu ]]; then
    n=2
    grid="$REC/jobs-cpu-dry.yaml"
    sed -e 's/^devices: \[gpu\]/devices: [cpu]/' -e 's/^  width: 1.0/  width: 0.125/' -e 's/^  steps: 300/  steps: 20/' \
      "$kit/jobs-gpu.yaml" >"$grid"
  fi
  for j in 1 "$n"; do
    bin/normbench bench --grid "$grid" --run "jobs$j" --runs-dir "$REC/runs" --jobs "$j" --quiet || true
  done
  # The same N cells with every backward on libtorch's one autograd thread per GPU (PyTorch's
  # default): what running each cell's backward on its own thread gives (docs/gpu.md).
  NORMBENCH_BACKWARD_THREAD=autograd bin/normbench bench --grid "$grid" --run "jobs$n-autograd" \
    --runs-dir "$REC/runs" --jobs "$n" --quiet || true
  # And as N processes, one cell each (--shard k/N): nothing shared but the GPU, so what N threads
  # in one process lose to anything they share (libtorch's locks, the JVM) shows against it. Timed
  # from launch to the last exit, JVM and CUDA start-up included.
  local t0 pids=() k
  t0=$(date +%s%N)
  for k in $(seq 1 "$n"); do
    bin/normbench bench --grid "$grid" --run "jobs$n-processes" --runs-dir "$REC/runs" --shard "$k/$n" \
      --quiet >"$REC/jobs$n-processes-$k.log" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  local processes_s=$((($(date +%s%N) - t0) / 1000000))
  python3 - "$REC/runs" "$n" "$processes_s" <<'PY'
import json, sys
runs, n = sys.argv[1], sys.argv[2]
def wall(run):
    try:
        m = json.load(open("%s/%s/manifest.json" % (runs, run)))
    except OSError:
        return None
    return (sum(c["wall_seconds"] for c in m["conditions"]), m["summary"], m.get("backward_thread"),
            m.get("cuda_streams"))
one = wall("jobs1")
for run in ("jobs1", "jobs" + n, "jobs%s-autograd" % n):
    w = wall(run)
    if w is None:
        print("%s: no manifest" % run)
        continue
    line = "%s: %.1f s %s, backward %s, streams %s" % (run, w[0], w[1]["statuses"], w[2], w[3])
    if one and run != "jobs1":
        line += " -> cells per hour %.2fx --jobs 1's" % ((w[1]["ran"] / w[0]) / (one[1]["ran"] / one[0]))
    print(line)
ran, statuses = 0, {}
for k in range(1, int(n) + 1):
    w = wall("jobs%s-processes-shard-%d-of-%s" % (n, k, n))
    if w:
        ran += w[1]["ran"]
        for st, c in w[1]["statuses"].items():
            statuses[st] = statuses.get(st, 0) + c
secs = int(sys.argv[3]) / 1000.0
line = "%s processes, --shard k/%s: %.1f s from launch to the last exit %s" % (n, n, secs, statuses)
if one and ran:
    line += " -> cells per hour %.2fx --jobs 1's" % ((ran / secs) / (one[1]["ran"] / one[0]))
print(line)
print("target: --jobs %s >= 5x --jobs 1's cells per hour on one GPU" % n)
PY
}

estimate() {
  # One set of probes: the table's 'cell time' is the cells one after another (about --jobs 1; on a
  # GPU the host threads per cell hardly change a step), 'wall' the grid with --jobs auto.
  bin/normbench bench --profile full --estimate --jobs auto
}

soak() {
  if [[ "$DEVICE" == cpu ]]; then
    CELLS=30 WIDTH=0.125 DEVICE=cpu OUT="$REC/soak" bash bench/reference/cell-soak.sh
  else
    # rbn: its optimised step's fused CUDA kernels are compiled per module, so whether they are freed
    # cell after cell is what a GPU soak can show that the CPU's cannot (the optimiser fuses nothing
    # there); the learner's buffers are the same for every norm.
    CELLS="${SOAK_CELLS:-40}" NORM="${SOAK_NORM:-rbn}" WIDTH=1.0 DEVICE=gpu OUT="$REC/soak" bash bench/reference/cell-soak.sh
  fi
}

export -f env_facts gpu_tests compare rbn_fuse hooks jobs_ratio estimate soak
stage env 30 env_facts
stage setup 240 bin/normbench gpu-setup
stage doctor 60 bin/normbench doctor
# Issue 14's measurements first, then the gpu tests: a session cut short still has its numbers.
stage compare 200 compare
stage jobs 220 jobs_ratio
stage hooks 120 hooks
stage estimate 200 estimate
stage tests 180 gpu_tests
# Last: compare already times the default (fused) rbn against bn; this only says what fusion gave.
stage rbnfuse 60 rbn_fuse
stage soak 90 soak
# rbn's optimised (fused) step: its check against op by op (doctor, each bench) and any later fallback.
grep -h "rbn optimised step\|rbn's optimised TorchScript step failed" "$REC"/*.log 2>/dev/null | sort | uniq -c |
  sed 's/^/   rbn: /' | tee -a "$summary" >/dev/null
# normbench's JNI extras (a left-out one means its fallback: shared stream, libtorch's backward
# thread, device-wide memory) and what the cell threads got (doctor's line).
grep -h "warning: left out\|^cell threads " "$REC"/*.log 2>/dev/null | sort | uniq -c |
  sed 's/^/   jni: /' | tee -a "$summary" >/dev/null
say "gpu-checks: done in $(($(date +%s) - start)) s; $OUT/checks.tar.gz ($(du -k "$OUT/checks.tar.gz" | cut -f1) KB) holds the logs and run tables; full record in $REC"
