#!/usr/bin/env bash
# `make dist`: a relocatable normbench for Linux x86-64 that needs no Java on the target machine.
#   dist/normbench-<version>-linux-x86_64[-cpu].tar.gz, unpacking to one directory holding
#     bin/       the launchers (normbench, normbench-report) and cpu-env.sh
#     runtime/   a stripped jlink Java 17 runtime (with the JNI headers, jni.h, that gpu-setup compiles against)
#     app/       the CLI jars and their dependencies; the 111 MB CPU libtorch jar only with DIST_CPU=1,
#                the report (normbench-report.jar, ~50 MB of dependencies, plus java.desktop) only with DIST_REPORT=1
#     bench/grids, bench/reference   the shipped grids and the PyTorch reference scripts
#     third_party/djl-0.36.0         DJL's JNI sources for gpu-setup on offline boxes, when DJL_SRC or
#                                    ../shared/third_party/djl-0.36.0 provides them (Apache-2.0, LICENSE kept),
#                                    plus their JNI header (javac -h here, so the runtime needs no compiler)
# Run from the repository root after `./mvnw package -DskipTests` (the Makefile target does both).
# Prints the bundle's path and size. Needs a JDK 17 with jmods (jlink) and binutils' strip.
set -euo pipefail
cd "$(dirname "$0")/../.."

# What the CLI uses (jdk.management: com.sun.management.OperatingSystemMXBean, read for the host load
# and CPU time the manifest records); java.desktop (AWT, for the report's charts) only with DIST_REPORT=1. No jdk.compiler:
# gpu-setup's JNI header is generated here, into the bundled DJL sources.
MODULES=java.base,java.compiler,java.management,jdk.management,java.net.http,java.sql,jdk.unsupported,java.logging,java.naming,java.xml,jdk.zipfs
if [[ "${DIST_REPORT:-0}" == 1 ]]; then
  MODULES="$MODULES,java.desktop"
fi
version=$(sed -n 's/^normbench.version=//p' bench/target/classes/org/normbench/version.properties)
libtorch=$(sed -n 's/^libtorch.version=//p' bench/target/classes/org/normbench/version.properties)
name="normbench-${version}-linux-x86_64$([[ "${DIST_CPU:-0}" == 1 ]] && echo -cpu || true)"
out="dist/$name"
rm -rf "$out" "dist/$name.tar.gz"
mkdir -p "$out/bin" "$out/app/lib" "$out/bench"

jlink_bin="${JAVA_HOME:+$JAVA_HOME/bin/}jlink"
"$jlink_bin" --add-modules "$MODULES" --strip-debug --no-man-pages --compress=2 --output "$out/runtime"
find "$out/runtime" -type f \( -name '*.so' -o -perm -u+x \) -exec strip --strip-unneeded {} + 2>/dev/null || true

cp bench/target/normbench.jar "$out/app/"
jars=(bench/target/lib/*.jar)
if [[ "${DIST_REPORT:-0}" == 1 ]]; then
  cp analysis/target/normbench-report.jar "$out/app/"
  jars+=(analysis/target/lib/*.jar)
fi
for j in "${jars[@]}"; do
  case "$(basename "$j")" in
    pytorch-native-cpu-*) if [[ "${DIST_CPU:-0}" == 1 ]]; then cp -n "$j" "$out/app/lib/"; fi ;;
    *) cp -n "$j" "$out/app/lib/" ;;
  esac
done
cp bench/bin/normbench bench/bin/cpu-env.sh "$out/bin/"
if [[ "${DIST_REPORT:-0}" == 1 ]]; then
cat > "$out/bin/normbench-report" <<'LAUNCHER'
#!/usr/bin/env bash
# HTML report from stored results (what `make report` runs), with the bundle's own Java runtime.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../runtime/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$here/../app/normbench-report.jar" "$@"
LAUNCHER
fi
chmod +x "$out/bin/"*
cp -r bench/grids bench/reference "$out/bench/"

djl_src="${DJL_SRC:-../shared/third_party/djl-0.36.0}"
if [[ -d "$djl_src/engines/pytorch/pytorch-native/src/main/native" ]]; then
  mkdir -p "$out/third_party"
  cp -r "$djl_src" "$out/third_party/djl-0.36.0"
  tmp=$(mktemp -d)
  "${JAVA_HOME:+$JAVA_HOME/bin/}javac" -h "$out/third_party/djl-0.36.0/jni-header" -d "$tmp" \
    "$djl_src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
  rm -rf "$tmp"
else
  echo "note: no DJL sources at $djl_src; the bundle's gpu-setup will git-clone them (set DJL_SRC to bundle a copy)" >&2
fi

cat > "$out/README.txt" <<README
normbench $version for Linux x86-64, with its own Java runtime (no Java needed on this machine).

  bin/normbench doctor                  versions, devices, a conv forward+backward on each device
  bin/normbench gpu-setup               use this machine's libtorch (e.g. your python3's torch); builds DJL's JNI if needed
  bin/normbench bench --profile auto    the study (run from this directory: grids are in bench/grids, results go to reports/runs)
$([[ "${DIST_REPORT:-0}" == 1 ]] && echo "  bin/normbench-report --all            HTML report of the stored runs" || echo "  (no report in this bundle: copy reports/runs/<id> to a machine with normbench and run make report, or build it with DIST_REPORT=1)")

$([[ "${DIST_CPU:-0}" == 1 ]] && echo "This bundle carries libtorch $libtorch for CPU." || echo "This bundle carries no libtorch: run bin/normbench gpu-setup first (it needs a torch or libtorch on this machine and a C++ compiler).")
Documentation: docs/gpu.md in the normbench repository.
README

tar -C dist -czf "dist/$name.tar.gz" "$name"
echo "dist/$name.tar.gz: $(du -m "dist/$name.tar.gz" | cut -f1) MB packed, $(du -sm "$out" | cut -f1) MB unpacked (runtime $(du -sm "$out/runtime" | cut -f1) MB, app $(du -sm "$out/app" | cut -f1) MB)"
