#!/usr/bin/env bash
# Loads a normbench report in headless Chromium (Debian package `chromium`) and fails when the page
# logs anything to the console (the report has no scripts, so any message is an error: a failed
# resource, a parse error) or when a figure did not render (its inline SVG has an empty bounding
# box). Saves a screenshot of the top of the page. The check runs on a copy of the page with a small
# probe script injected; the report itself stays script-free.
#
# Usage: analysis/scripts/check-report.sh <index.html> <screenshot.png>
# Exit: 0 ok, 1 check failed, 2 usage / Chromium missing.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <index.html> <screenshot.png>" >&2
  exit 2
fi
index=$1
shot=$2
chromium=${CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
  echo "check-report: $chromium not found; install it with: apt-get install -y chromium" >&2
  exit 2
fi
if [[ ! -f $index ]]; then
  echo "check-report: $index: no such file" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/normbench-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The probe: records uncaught errors and console.error/warn calls, then checks every figure's SVG
# and that the page does not overflow horizontally (headless default width, 800 px) after load, and
# writes the verdict into the DOM, which --dump-dom prints.
probe_head='<script>window.__nbErrors=[];window.addEventListener("error",function(e){window.__nbErrors.push("error: "+(e.message||(e.target&&(e.target.src||e.target.href))||e.type))},true);["error","warn"].forEach(function(k){var o=console[k];console[k]=function(){window.__nbErrors.push(k+": "+Array.prototype.join.call(arguments," "));o.apply(console,arguments)}});</script>'
probe_body='<script>window.addEventListener("load",function(){var figs=document.querySelectorAll("figure[data-figure-id]");var bad=[];figs.forEach(function(f){var id=f.getAttribute("data-figure-id");var s=f.querySelector("svg");if(!s){bad.push(id+"(no svg)");return}var b=s.getBBox();var r=s.getBoundingClientRect();if(!(b.width>0&&b.height>0&&r.width>0&&r.height>0)){bad.push(id+"(empty)")}});var de=document.documentElement;if(de.scrollWidth>de.clientWidth){bad.push("page(overflows horizontally by "+(de.scrollWidth-de.clientWidth)+"px)")}var m=document.createElement("pre");m.id="nb-check";m.textContent="NB_"+"CHECK figures="+figs.length+" bad="+bad.join(",")+" errors="+window.__nbErrors.join(" | ")+" END";document.body.appendChild(m)});</script>'

page="$work/check.html"
# Inject after <head> and before </body>; the report writes each exactly once, on a line of its own.
awk -v h="$probe_head" -v b="$probe_body" '
  $0 == "<head>" && !hd { print; print h; hd = 1; next }
  $0 == "</body>" && !bd { print b; print; bd = 1; next }
  { print }' "$index" > "$page"
if ! grep -q 'nb-check' "$page"; then
  echo "check-report: $index has no '<head>' / '</body>' line; is it a normbench report?" >&2
  exit 1
fi

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --enable-logging=stderr --v=0)

"$chromium" "${flags[@]}" --user-data-dir="$work/profile-dom" --dump-dom "file://$page" \
  > "$work/dom.html" 2> "$work/dom.log" || { echo "check-report: chromium failed:" >&2; tail -n 20 "$work/dom.log" >&2; exit 1; }

verdict=$(grep -o 'NB_CHECK [^<]*END' "$work/dom.html" || true)
consoles=$(grep ':CONSOLE' "$work/dom.log" || true)
status=0
if [[ -z $verdict ]]; then
  echo "check-report: FAIL: the probe did not report (page did not finish loading?)" >&2
  status=1
else
  echo "check-report: $verdict"
  figures=$(sed -E 's/.*figures=([0-9]+).*/\1/' <<<"$verdict")
  if [[ $verdict != *" bad= errors= END" ]]; then
    echo "check-report: FAIL: figures that did not render, or page errors (see above)" >&2
    status=1
  elif [[ $figures -eq 0 ]] && grep -q '<figure' "$index"; then
    echo "check-report: FAIL: no figure found by the probe" >&2
    status=1
  fi
fi
if [[ -n $consoles ]]; then
  echo "check-report: FAIL: console messages:" >&2
  echo "$consoles" >&2
  status=1
fi

mkdir -p "$(dirname "$shot")"
"$chromium" "${flags[@]}" --user-data-dir="$work/profile-shot" --hide-scrollbars --window-size=1280,2400 \
  --screenshot="$shot" "file://$(cd "$(dirname "$index")" && pwd)/$(basename "$index")" \
  > "$work/shot.log" 2>&1 || { echo "check-report: screenshot failed:" >&2; tail -n 20 "$work/shot.log" >&2; exit 1; }
if [[ ! -s $shot ]]; then
  echo "check-report: FAIL: no screenshot written to $shot" >&2
  exit 1
fi
echo "check-report: screenshot $shot"
exit $status
