#!/usr/bin/env bash
# make bench-soak: does a long grid grow native memory cell after cell? Runs CELLS throughput cells
# (one seed each, so one new model, learner and optimizer per cell) in one JVM with a fixed,
# pre-touched Java heap (so heap sizing cannot mimic native growth) and reads each cell's
# peak_memory_bytes (RSS high-water mark on CPU, tensors held on a GPU) from cells.csv, and the
# process's host RSS sampled while each cell ran (on a GPU the only host-side figure).
#   CELLS=120  NORM=bn  WIDTH=0.125  BATCH=8  DEVICE=cpu|gpu  OUT=<runs dir, default a temp folder>
# Verdict: the least-squares slope from cell 15 on (warm-up ends well before) against half a copy
# of the model's parameters per cell (one leaked copy per cell would be 1). Found and fixed with it
# (2026-12-07): DJL's SGD momentum state, never closed, 0.81 MiB per cell at width 0.125
# (docs/training.md, Memory).
set -euo pipefail
cd "$(dirname "$0")/../.."
CELLS="${CELLS:-120}"
NORM="${NORM:-bn}"
WIDTH="${WIDTH:-0.125}"
BATCH="${BATCH:-8}"
DEVICE="${DEVICE:-cpu}"
OUT="${OUT:-$(mktemp -d -t normbench-soak.XXXXXX)}"
mkdir -p "$OUT"
NB=bench/bin/normbench
[[ -x bin/normbench ]] && NB=bin/normbench
if (( CELLS < 30 )); then
  echo "CELLS=$CELLS: use at least 30 (the slope starts at cell 15)" >&2
  exit 2
fi
grid="$OUT/soak.yaml"
seeds="$(seq -s ', ' 0 $((CELLS - 1)))"
cat >"$grid" <<EOF
name: cell-soak
description: $CELLS $NORM throughput cells, width $WIDTH, batch $BATCH, one per seed (make bench-soak)
dataset: fashion-mnist-subset   # required by the format; throughput cells train on random data
devices: [$DEVICE]
seeds: [$seeds]
throughput:
  width: $WIDTH
  norms: [$NORM]
  activations: [relu]
  batch_sizes: [$BATCH]
  warmup_steps: 3
  timed_steps: 5
EOF
echo "== $CELLS cells of $NORM, width $WIDTH, batch $BATCH on $DEVICE -> $OUT"
NORMBENCH_JAVA_OPTS="-Xms600m -Xmx600m -XX:+AlwaysPreTouch" NORMBENCH_THREADS="${NORMBENCH_THREADS:-1}" \
  "$NB" bench --grid "$grid" --run soak --runs-dir "$OUT" --quiet >"$OUT/bench.log" 2>&1 &
pid=$! # the launcher execs java, so this is the JVM
# The process's resident host memory every 0.2 s: on a GPU a cell's peak_memory_bytes is device
# memory, and what the host keeps per cell (compiled fused kernels, JNI objects) shows only here.
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
  [[ -n "$rss" ]] && echo "$(date -u +%s.%N) $rss"
  sleep 0.2
done >"$OUT/host-rss.txt"
wait "$pid" || true
grep -E '^done:' "$OUT/bench.log" || { tail -5 "$OUT/bench.log"; exit 1; }
# Per cell, in the order the cells started: its peak_memory_bytes, and the largest host RSS sample
# while it ran (or the first after it, for a cell shorter than the sampling). Each series gets the
# same verdict: its least-squares slope from cell 15 on (a single allocator jump moves it less than
# it moves the difference of two end points) against half a parameter copy per cell.
python3 - "$OUT/soak/cells.csv" "$OUT/host-rss.txt" <<'PY'
import csv, sys
from datetime import datetime
FROM = 15
def epoch(iso):  # 2026-12-07T19:40:44.859830767Z: nanoseconds cut to what datetime reads
    head, frac = iso.rstrip("Z").split(".")
    return datetime.fromisoformat(head + "+00:00").timestamp() + float("0." + frac)
def slope(ys):
    xs = list(range(FROM, len(ys) + 1))
    ys = ys[FROM - 1:]
    m = len(xs)
    return (m * sum(x * y for x, y in zip(xs, ys)) - sum(xs) * sum(ys)) / (m * sum(x * x for x in xs) - sum(xs) ** 2)
def summary(mib):
    s = slope(mib)
    return "cell 1 %.0f, cell %d %.0f, cell %d %.0f; slope from cell %d on: %+.3f MiB per cell" % (
        mib[0], FROM, mib[FROM - 1], len(mib), mib[-1], FROM, s), s
cells = sorted(csv.DictReader(open(sys.argv[1])), key=lambda r: r["started_at"])
samples = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if len(l.split()) == 2]
peak = [int(c["peak_memory_bytes"]) / 1048576 for c in cells]
rss = []
for c in cells:
    t0, t1 = epoch(c["started_at"]), epoch(c["finished_at"])
    during = [kb for t, kb in samples if t0 <= t <= t1]
    after = [kb for t, kb in samples if t > t1][:1]
    rss.append(max(during or after or [float("nan")]) / 1024)
copy = int(cells[0]["params"]) * 4 / 1048576
bad = sum(c["status"] != "ok" for c in cells)
verdict = lambda s: "FLAT" if s < 0.5 * copy else "GROWING"
line, peak_slope = summary(peak)
print("peak MiB: " + line)
print("one copy of the parameters: %.2f MiB; cells not ok: %d" % (copy, bad))
print("verdict: %s (GROWING from half a parameter copy per cell)" % verdict(peak_slope))
line, rss_slope = summary(rss)
print("host RSS MiB (sampled): %s; verdict: %s" % (line, verdict(rss_slope)))
sys.exit(0 if bad == 0 and verdict(peak_slope) == verdict(rss_slope) == "FLAT" else 1)
PY
