#!/usr/bin/env bash
# make bench-ops: aten ops dispatched per training step, DJL vs PyTorch eager (per-parameter and foreach
# SGD), CIFAR ResNet18, per norm. The count does not depend on the device, so this runs on CPU.
#   NORMS=bn,gn,ln,rbn  BATCH=8  WIDTH=1.0  OUT=<folder for the traces, default a fresh temp folder>
# Each side: 3 warm-up steps, then 3 whole steps traced by libtorch's profiler; counted by count_ops.py
# (top-level ops, the ones of them that launch work, and all ops; its rules are self-tested first).
set -euo pipefail
cd "$(dirname "$0")/../.."
NORMS="${NORMS:-bn,gn,ln,rbn}"
BATCH="${BATCH:-8}"
WIDTH="${WIDTH:-1.0}"
OUT="${OUT:-$(mktemp -d -t normbench-ops.XXXXXX)}"
mkdir -p "$OUT"
PY=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$candidate" -c 'import torch' 2>/dev/null; then PY="$candidate"; break; fi
done
if [[ -z "$PY" ]]; then
  echo "bench-ops needs PyTorch for the reference side: sudo apt-get install python3-torch (or set PYTHON=...)" >&2
  exit 2
fi
"$PY" bench/reference/count_ops.py --self-test
source bench/bin/cpu-env.sh
CP="bench/target/test-classes:bench/target/classes:$(cat bench/target/jmh-classpath.txt)"
for norm in ${NORMS//,/ }; do
  java -Dai.djl.pytorch.num_threads=1 -Dprofile.width="$WIDTH" -Dprofile.trace="$OUT/$norm" -cp "$CP" \
    org.normbench.train.StepProfile "$norm" "$BATCH" 3 4 >/dev/null
done
"$PY" bench/reference/count_ops.py --djl-traces "$OUT" --norms "$NORMS" --batch "$BATCH" --width "$WIDTH" --top "${TOP:-8}"
echo "(traces in $OUT)"
