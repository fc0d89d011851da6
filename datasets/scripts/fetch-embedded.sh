#!/usr/bin/env bash
# Puts the embedded default dataset, Fashion-MNIST, into the normbench cache:
#   ${NORMBENCH_DATA:-~/.cache/normbench}/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
# Idempotent and silent when the four files are already there and match their SHA-256.
# Three ways, tried in order (docs/datasets.md):
#   1. the files installed by Debian's package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/);
#   2. `apt-get download` of that package (pinned version, .deb SHA-256 checked), unpacked with dpkg-deb
#      (no root needed; if the apt lists are missing and we are root, `apt-get update` runs once);
#   3. the upstream URLs, through `bench/bin/normbench datasets --fetch fashion-mnist` (Java downloader,
#      resumable, SHA-256 checked).
# Exits non-zero with a message when none works.
set -euo pipefail

PKG=dataset-fashion-mnist
VER='0.0~git20200523.55506a9-1'
DEB_SHA256=39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0
# Overridable so the installed-package path can be exercised without installing the package.
SYSTEM_DIR="${NORMBENCH_FMNIST_SYSTEM_DIR:-/usr/share/datasets/fashion-mnist}"
FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
# SHA-256 of each file as Debian ships it (same order as FILES) ...
DEBIAN_SHA=(b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7
            0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056
            cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa
            8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05)
# ... and as upstream publishes it (gzip header with the file name; same content).
UPSTREAM_SHA=(3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84
              a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845
              346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073
              67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${NORMBENCH_DATA:-$HOME/.cache/normbench}"
dest="$data/fashion-mnist"

say() { echo "fetch-embedded: $*" >&2; }

# file_ok DIR INDEX: the file exists and matches the Debian or the upstream SHA-256.
file_ok() {
  local f="$1/${FILES[$2]}" sum
  [[ -f "$f" ]] || return 1
  sum="$(sha256sum "$f" | cut -d' ' -f1)"
  [[ "$sum" == "${DEBIAN_SHA[$2]}" || "$sum" == "${UPSTREAM_SHA[$2]}" ]]
}

all_ok() {
  local i
  for i in "${!FILES[@]}"; do file_ok "$1" "$i" || return 1; done
}

# install_from DIR: copy the four verified files into $dest, each through a temp file + rename.
install_from() {
  local src="$1" i tmp
  all_ok "$src" || { say "files in $src do not match the published SHA-256; not used"; return 1; }
  mkdir -p "$dest"
  for i in "${!FILES[@]}"; do
    tmp="$(mktemp "$dest/.${FILES[$i]}.XXXXXX")"
    cp "$src/${FILES[$i]}" "$tmp"
    chmod 644 "$tmp"
    mv -f "$tmp" "$dest/${FILES[$i]}"
  done
  say "$installed_verb $dest (from $2)"
}

if all_ok "$dest"; then
  exit 0
fi

# A cache that exists but does not verify (a cut-off copy, a bad disk, a hand edit) is repaired
# below; say so, naming the files, so a repair is never silent.
bad=()
for i in "${!FILES[@]}"; do
  if [[ -f "$dest/${FILES[$i]}" ]] && ! file_ok "$dest" "$i"; then
    bad+=("${FILES[$i]} (SHA-256 $(sha256sum "$dest/${FILES[$i]}" | cut -c1-12)..., published ${DEBIAN_SHA[$i]:0:12}... or ${UPSTREAM_SHA[$i]:0:12}...)")
  elif [[ ! -f "$dest/${FILES[$i]}" && -d "$dest" ]] && ls "$dest"/*.gz >/dev/null 2>&1; then
    bad+=("${FILES[$i]} (missing)")
  fi
done
if (( ${#bad[@]} > 0 )); then
  say "found a corrupt cache in $dest: ${bad[*]}; repairing it"
  installed_verb="repaired the corrupt cache in"
else
  installed_verb="Fashion-MNIST installed in"
fi

# 1. Installed Debian package.
if [[ -d "$SYSTEM_DIR" ]] && install_from "$SYSTEM_DIR" "installed package $PKG"; then
  exit 0
fi

# 2. apt-get download + dpkg-deb -x, no root needed.
if command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/normbench-fmnist.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  get_deb() { (cd "$work" && apt-get download -q "$PKG=$VER" >"$work/apt.log" 2>&1); }
  if ! get_deb && [[ "$(id -u)" == 0 ]]; then
    say "apt-get download failed; running apt-get update once (we are root)"
    apt-get update -q >"$work/update.log" 2>&1 || true
    get_deb || true
  fi
  deb="$(ls "$work"/*.deb 2>/dev/null | head -n 1 || true)"
  if [[ -n "$deb" ]]; then
    sum="$(sha256sum "$deb" | cut -d' ' -f1)"
    if [[ "$sum" != "$DEB_SHA256" ]]; then
      say "$(basename "$deb"): SHA-256 $sum, expected $DEB_SHA256; not used"
    else
      dpkg-deb -x "$deb" "$work/x"
      if install_from "$work/x/usr/share/datasets/fashion-mnist" "apt-get download $PKG=$VER, .deb SHA-256 verified"; then
        exit 0
      fi
    fi
  else
    say "apt-get download $PKG=$VER did not work: $(tail -n 1 "$work/apt.log" 2>/dev/null)"
  fi
fi

# 3. Upstream URLs via the Java downloader.
if [[ -x "$root/bench/bin/normbench" && -f "$root/bench/target/normbench.jar" ]]; then
  say "trying the upstream URLs"
  # Its exit status also reflects other cached datasets; what matters here is Fashion-MNIST.
  "$root/bench/bin/normbench" datasets --fetch fashion-mnist >&2 || true
  if all_ok "$dest"; then
    say "$installed_verb $dest (from the upstream URLs)"
    exit 0
  fi
fi

say "could not obtain Fashion-MNIST. Options: 'apt-get install $PKG' (Debian/Ubuntu), or internet access"
say "for 'bench/bin/normbench datasets --fetch fashion-mnist' (build first: make build), or copy the four"
say "files ${FILES[*]} into $dest"
exit 1
