#!/usr/bin/env bash
# make bench-compare: DJL vs PyTorch eager, the same ResNet18-CIFAR training step on the same device.
# Both write throughput cells into one run (reports/runs/$RUN); the summary prints DJL/PyTorch
# median step-time ratios per norm and batch size.
#   DEVICE=cpu|gpu  RUN=<run-id>  GRID=<file>  (norms, batch sizes, steps: bench/grids/compare-{cpu,gpu}.yaml)
#   RUNS_DIR=<dir> (default reports/runs)
# Runs in a checkout (bench/bin/normbench) and in a `make dist` bundle (bin/normbench). rbn's
# PyTorch side is fast.ai's notebook code (count_ops.py); the summary also compares rbn with bn,
# on each side.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEVICE="${DEVICE:-cpu}"
RUN="${RUN:-compare-${DEVICE}-$(date -u +%Y%m%d-%H%M%S)}"
RUNS_DIR="${RUNS_DIR:-reports/runs}"
NB=bench/bin/normbench
[[ -x bin/normbench ]] && NB=bin/normbench
# The first Python that has torch: $PYTHON, python3 on PATH, then Debian's (python3-torch).
PY=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$candidate" -c 'import torch' 2>/dev/null; then PY="$candidate"; break; fi
done
if [[ -z "$PY" ]]; then
  echo "bench-compare needs PyTorch for the reference side:" >&2
  echo "  Debian/Ubuntu: sudo apt-get install python3-torch    (CPU)" >&2
  echo "  elsewhere:     pip install torch                     (or set PYTHON=/path/to/python)" >&2
  exit 2
fi
case "$DEVICE" in
  cpu) grid=bench/grids/compare-cpu.yaml; pydev=cpu ;;
  gpu|gpu:*|cuda|cuda:*) grid=bench/grids/compare-gpu.yaml; pydev=cuda ;;
  *) echo "DEVICE must be cpu or gpu (got $DEVICE)" >&2; exit 2 ;;
esac
# GRID=<file> times other norms/batch sizes (e.g. a quick batch 2/8 check); same throughput section format.
grid="${GRID:-$grid}"
threads="$(nproc)"
# Same allocator settings for both sides, so the ratio compares the frameworks, not glibc configurations.
source "$(dirname "$NB")/cpu-env.sh"
echo "== DJL side ($grid) -> $RUNS_DIR/$RUN"
"$NB" bench --grid "$grid" --run "$RUN" --runs-dir "$RUNS_DIR" --quiet
# Same norms (those PyTorch's side builds: bn, gn, ln, and rbn as fast.ai's notebook writes it) and batch
# sizes as the grid's throughput section.
NORMS="$(sed -n 's/^ *norms: *\[\(.*\)\].*/\1/p' "$grid" | tail -1 | tr -d ' ' | tr ',' '\n' | grep -xE 'bn|gn|ln|rbn' | paste -sd, -)"
BATCH_SIZES="$(sed -n 's/^ *batch_sizes: *\[\(.*\)\].*/\1/p' "$grid" | tail -1 | tr -d ' ')"
WIDTH="$(sed -n 's/^ *width: *\([0-9.]*\).*/\1/p' "$grid" | tail -1)"
# and the same warm-up and timed steps (the script's own defaults, timm's 10 + 40, differ from the grid's).
WARMUP="$(sed -n 's/^ *warmup_steps: *\([0-9]*\).*/\1/p' "$grid" | tail -1)"
TIMED="$(sed -n 's/^ *timed_steps: *\([0-9]*\).*/\1/p' "$grid" | tail -1)"
echo "== PyTorch eager side ($("$PY" -c 'import torch; print(torch.__version__)'), $threads threads)"
"$PY" bench/reference/pytorch_resnet18.py --out "$RUNS_DIR/$RUN" --norms "$NORMS" \
  --batch-sizes "$BATCH_SIZES" --device "$pydev" --threads "$threads" ${WIDTH:+--width "$WIDTH"} ${WARMUP:+--warmup "$WARMUP"} ${TIMED:+--steps "$TIMED"}
# Rerunning the same run id skips the finished DJL cells and rebuilds the aggregate CSVs with both sides.
"$NB" bench --grid "$grid" --run "$RUN" --runs-dir "$RUNS_DIR" --quiet >/dev/null
echo "== DJL / PyTorch eager median step time (lower is better for DJL; target <= 1.05)"
"$PY" bench/reference/pytorch_resnet18.py --summarize "$RUNS_DIR/$RUN"
