#!/usr/bin/env bash
# Screenshots of parts of a normbench report, one PNG per part, with headless Chromium (Debian
# package `chromium`): for looking at how the findings and each figure render without scrolling a
# browser, and for closing notes. Each part is shot alone, at its full height: the page is copied
# to a temporary file with a small script that hides every other part of <body>, a first Chromium
# pass measures the part's height, a second takes the picture at that height. The report itself is
# not changed.
#
# Usage: analysis/scripts/report-screenshots.sh <index.html> <out-dir> [part ...]
#   part: top (header, banners, contents), findings, summary, or a figure ID (F1 ... F7);
#   default: top findings summary F1 F2 F3 F4 F5 F6 F7. Writes <out-dir>/<part>.png.
#   WIDTH (default 1280) sets the window width in CSS pixels.
# Exit: 0 ok, 1 a part is missing or Chromium failed, 2 usage / Chromium missing.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 <index.html> <out-dir> [top|findings|summary|F1..F7 ...]" >&2
  exit 2
fi
index=$1
out=$2
shift 2
parts=("$@")
if [[ ${#parts[@]} -eq 0 ]]; then
  parts=(top findings summary F1 F2 F3 F4 F5 F6 F7)
fi
width=${WIDTH:-1280}
chromium=${CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
  echo "report-screenshots: $chromium not found; install it with: apt-get install -y chromium" >&2
  exit 2
fi
if [[ ! -f $index ]]; then
  echo "report-screenshots: $index: no such file" >&2
  exit 2
fi
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/normbench-shots.XXXXXX")
trap 'rm -rf "$work"' EXIT

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --hide-scrollbars)

# The page's parts are children of <body>: "top" is everything before <nav>, "summary" the
# <h2 id="summary"> and what follows it up to the next <h2>/<section>, "findings" and each figure a
# <section id=...>. The script keeps one part visible and writes its height into the DOM.
status=0
for part in "${parts[@]}"; do
  if ! [[ $part =~ ^(top|findings|summary|F[0-9]+)$ ]]; then
    echo "report-screenshots: unknown part '$part'; allowed: top, findings, summary, F1 ... F7" >&2
    exit 2
  fi
  probe='<script>window.addEventListener("DOMContentLoaded",function(){var part="'"$part"'";var kids=Array.prototype.slice.call(document.body.children);var keep=[];if(part==="top"){for(var i=0;i<kids.length&&kids[i].tagName!=="NAV";i++){keep.push(kids[i])}}else if(part==="summary"){var on=false;kids.forEach(function(k){if(k.id==="summary"){on=true}else if(on&&(k.tagName==="H2"||k.tagName==="SECTION")){on=false}if(on){keep.push(k)}})}else{var el=document.getElementById(part);if(el&&el.parentNode===document.body){keep.push(el)}}kids.forEach(function(k){if(keep.indexOf(k)<0&&k.tagName!=="SCRIPT"){k.style.display="none"}});var m=document.createElement("pre");m.id="nb-shot";m.style.display="none";m.dataset.kept=keep.length;document.body.appendChild(m)});window.addEventListener("load",function(){var m=document.getElementById("nb-shot");if(m){m.textContent="NB_"+"SHOT kept="+m.dataset.kept+" height="+(Math.ceil(document.body.getBoundingClientRect().bottom)+16)+" END"}});</script>'
  page="$work/$part.html"
  awk -v p="$probe" '$0 == "</body>" && !d { print p; print; d = 1; next } { print }' "$index" > "$page"
  if ! grep -q 'nb-shot' "$page"; then
    echo "report-screenshots: $index has no '</body>' line; is it a normbench report?" >&2
    exit 1
  fi
  # Pass 1: the part's height (the marker is hidden, so it adds none).
  "$chromium" "${flags[@]}" --user-data-dir="$work/profile" --window-size="$width,800" --dump-dom \
    "file://$page" > "$work/$part.dom" 2> "$work/$part.log" || true
  verdict=$(grep -o 'NB_SHOT [^<]*END' "$work/$part.dom" || true)
  if [[ -z $verdict || $verdict == *"kept=0 "* ]]; then
    echo "report-screenshots: FAIL: part '$part' not found in $index${verdict:+ ($verdict)}" >&2
    status=1
    continue
  fi
  height=$(sed -E 's/.*height=([0-9]+).*/\1/' <<<"$verdict")
  height=$((height > 16000 ? 16000 : height))
  # Pass 2: the picture, the window as tall as the part.
  "$chromium" "${flags[@]}" --user-data-dir="$work/profile" --window-size="$width,$height" \
    --screenshot="$out/$part.png" "file://$page" > "$work/$part.shot.log" 2>&1 \
    || { echo "report-screenshots: screenshot of $part failed:" >&2; tail -n 5 "$work/$part.shot.log" >&2; status=1; continue; }
  echo "report-screenshots: $out/$part.png (${width}x${height})"
done
exit $status
