#!/usr/bin/env bash
# CI check of a `make dist DIST_CPU=1` bundle: unpacked in a temporary directory and run with no Java
# anywhere on PATH and JAVA_HOME unset, `bin/normbench doctor` passes and a one-cell CPU grid ends `ok`.
#   bash bench/dist/test-dist.sh dist/normbench-<version>-linux-x86_64-cpu.tar.gz
set -euo pipefail
bundle="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tar -C "$tmp" -xzf "$bundle"
root="$(echo "$tmp"/normbench-*)"

# A PATH that holds only what the launcher itself calls (bash, dirname): no java, no javac.
mkdir -p "$tmp/bin" "$tmp/home"
for tool in bash dirname; do ln -s "$(command -v "$tool")" "$tmp/bin/$tool"; done
clean_env=(env -i HOME="$tmp/home" PATH="$tmp/bin" NORMBENCH_CACHE="$tmp/cache" DJL_CACHE_DIR="$tmp/djl")
if "${clean_env[@]}" bash -c 'command -v java' >/dev/null; then
  echo "test-dist: java is still on the test PATH" >&2
  exit 1
fi

echo "== bundle: $(basename "$bundle") ($(du -m "$bundle" | cut -f1) MB), unpacked in $root"
echo "== bin/normbench doctor (no java on PATH, JAVA_HOME unset)"
(cd "$root" && "${clean_env[@]}" bin/normbench doctor)

cat > "$tmp/one-cell.yaml" <<'GRID'
name: one-cell
dataset: fashion-mnist-subset
train_limit: 64
test_limit: 32
train:
  width: 0.125
  norms: [bn]
  activations: [relu]
  batch_sizes: [8]
  steps: 4
  hooks: {enabled: false}
GRID
echo "== bin/normbench bench: a one-cell CPU grid"
(cd "$root" && "${clean_env[@]}" bin/normbench bench --grid "$tmp/one-cell.yaml" --runs-dir "$tmp/runs" --run one --quiet --jobs 1) | tee "$tmp/bench.log"
if ! grep -q "to resume if stopped: bin/normbench bench .* --jobs 1" "$tmp/bench.log"; then
  echo "test-dist: the resume hint does not name the bundle's launcher bin/normbench with --jobs 1:" >&2
  grep "to resume" "$tmp/bench.log" >&2
  exit 1
fi
if ! grep -q ',ok,' "$tmp/runs/one/cells.csv"; then
  echo "test-dist: the cell did not end ok:" >&2
  cat "$tmp/runs/one/cells.csv" >&2
  exit 1
fi
echo "test-dist: OK (doctor passed and the cell is ok, with the bundle's own Java runtime)"
