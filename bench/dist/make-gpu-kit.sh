#!/usr/bin/env bash
# make gpu-kit: one folder, gpu-kit/ (git-ignored), that holds what bench/dist/gpu-checks.sh needs on
# a GPU node with no Java, no Maven and no network: the GPU bundle (`make dist`, no CPU natives),
# the test classes as a jar with the JUnit jars (the gpu-tagged tests and the hook profiler), and
# the script itself. Small enough (< 64 MiB) to be copied to a lent GPU machine as one folder.
# Expects `make dist` (GPU variant) and the test classes to be built (the Makefile target does both).
set -euo pipefail
cd "$(dirname "$0")/../.."
kit=gpu-kit
bundle="$(ls dist/normbench-*-linux-x86_64.tar.gz | grep -v -- '-cpu.tar.gz' | head -1)"
rm -rf "$kit"
mkdir -p "$kit/tests"
cp "$bundle" "$kit/"
cp bench/dist/gpu-checks.sh bench/dist/jobs-gpu.yaml "$kit/"
jar_tool="${JAVA_HOME:+$JAVA_HOME/bin/}jar"
"$jar_tool" --create --file "$kit/tests/normbench-tests.jar" -C bench/target/test-classes .
# The test-scope jars the bundle lacks: JUnit's (the rest of the test classpath is in app/lib).
tr ':' '\n' <bench/target/jmh-classpath.txt | grep -E '/(junit-[^/]*|opentest4j-[^/]*|apiguardian-api-[^/]*)\.jar$' |
  while read -r j; do cp "$j" "$kit/tests/"; done
size_mb=$(du -sm "$kit" | cut -f1)
echo "$kit/: ${size_mb} MB ($(basename "$bundle"), $(ls "$kit/tests" | wc -l) test jars, gpu-checks.sh)"
if ((size_mb >= 64)); then
  echo "make gpu-kit: $kit/ is ${size_mb} MB, over the 64 MiB a lent GPU machine takes; was the bundle built with DIST_REPORT=1 or DIST_CPU=1?" >&2
  exit 1
fi
