#!/usr/bin/env bash
# make bench-soak: does a long grid grow native memory cell after cell? Runs CELLS throughput cells
# (one seed each, so one new model, learner and optimizer per cell) in one JVM with a fixed,
# pre-touched Java heap (so heap sizing cannot mimic native growth) and reads each cell's
# peak_memory_bytes (RSS high-water mark on CPU, tensors held on a GPU) from cells.csv.
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
  "$NB" bench --grid "$grid" --run soak --runs-dir "$OUT" --quiet >"$OUT/bench.log" 2>&1 || true
grep -E '^done:' "$OUT/bench.log" || { tail -5 "$OUT/bench.log"; exit 1; }
# Columns by name, rows in the order the cells started (ISO times sort as text), then the slope.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { print $(col["started_at"]), $(col["peak_memory_bytes"]), $(col["params"]), $(col["status"]) }' \
  "$OUT/soak/cells.csv" | sort | awk -v from=15 '
  { n++; peak[n] = $2 / 1048576; params = $3; if ($4 != "ok") bad++ }
  END {
    # Least-squares slope over cells from..n: a single allocator jump moves it less than it moves
    # the difference of two end points.
    for (i = from; i <= n; i++) { m++; sx += i; sy += peak[i]; sxx += i * i; sxy += i * peak[i] }
    slope = (m * sxy - sx * sy) / (m * sxx - sx * sx)
    copy = params * 4 / 1048576
    printf "peak MiB: cell 1 %.0f, cell %d %.0f, cell %d %.0f; slope from cell %d on: %+.3f MiB per cell\n", \
      peak[1], from, peak[from], n, peak[n], from, slope
    printf "one copy of the parameters: %.2f MiB; cells not ok: %d\n", copy, bad + 0
    verdict = slope < 0.5 * copy ? "FLAT" : "GROWING"
    printf "verdict: %s (GROWING from half a parameter copy per cell)\n", verdict
    exit (verdict == "FLAT" && bad == 0) ? 0 : 1
  }'
