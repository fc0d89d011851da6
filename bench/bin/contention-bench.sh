#!/usr/bin/env bash
# What `make bench-contention` runs: a grid's wall time with and without one competing busy core,
# for one or more thread settings, A/B interleaved in one invocation (so a shared machine's drifting
# load hits every setting alike). The busy core is a shell loop this script starts before and kills
# after each loaded run. Results: a table on stdout, every run's results under OUT/runs/, and, for
# the first setting (the launcher's default), the figure "slowdown under one busy core" in
# bench/target/reliability/slowdown-under-one-busy-core.tsv (docs/reliability.md).
#
# usage: contention-bench.sh [--grid FILE] [--rounds N] [--out DIR] [NAME[:VAR=VAL,VAR=VAL...]]...
#   default settings: launcher (the defaults of cpu-env.sh), plus active spin, one thread.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
grid="$root/bench/grids/cpu-smoke.yaml"
rounds=1
out="$root/bench/target/contention"
settings=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --grid) grid="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "contention-bench: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) settings+=("$1"); shift ;;
  esac
done
if [[ ${#settings[@]} -eq 0 ]]; then
  settings=("launcher" "active-spin:OMP_WAIT_POLICY=ACTIVE" "one-thread:NORMBENCH_THREADS=1")
fi
mkdir -p "$out/runs" "$root/bench/target/reliability"
table="$out/contention-$(date -u +%Y%m%d-%H%M%S).tsv"
busy_pid=""
stop_busy() { if [[ -n "$busy_pid" ]]; then kill "$busy_pid" 2>/dev/null || true; wait "$busy_pid" 2>/dev/null || true; busy_pid=""; fi; }
trap stop_busy EXIT
trap 'stop_busy; exit 130' INT TERM

printf 'setting\tload\tround\twall_s\texit\tthroughput_step_ms\tloadavg_start\n' > "$table"
for ((r = 1; r <= rounds; r++)); do
  for load in quiet busy; do
    for s in "${settings[@]}"; do
      name="${s%%:*}"
      vars=()
      if [[ "$s" == *:* ]]; then IFS=',' read -r -a vars <<< "${s#*:}"; fi
      run="contention-$name-$load-r$r-$$"
      [[ "$load" == busy ]] && { bash -c 'while :; do :; done' & busy_pid=$!; }
      la="$(cut -d' ' -f1 /proc/loadavg)"
      t0=$(date +%s.%N)
      set +e
      env "${vars[@]}" "$here/normbench" bench --grid "$grid" --run "$run" --runs-dir "$out/runs" --quiet \
        > "$out/runs/$run.log" 2>&1
      code=$?
      set -e
      t1=$(date +%s.%N)
      stop_busy
      cells="$out/runs/$run/cells.csv"
      tput=$(awk -F, 'NR==1{for(i=1;i<=NF;i++)c[$i]=i;next} $c["kind"]=="throughput"&&$c["status"]=="ok"{s+=$c["step_ms_median"];n++} END{if(n)printf "%.1f",s/n; else print "NA"}' "$cells" 2>/dev/null || echo NA)
      wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
      printf '%s\t%s\t%d\t%s\t%d\t%s\t%s\n' "$name" "$load" "$r" "$wall" "$code" "$tput" "$la" | tee -a "$table"
    done
  done
done

echo
echo "median wall time (s) per setting, quiet vs one busy core ($(basename "$grid"), $rounds round(s), A/B interleaved):"
awk -F'\t' 'NR>1{w[$1 FS $2]=w[$1 FS $2] " " $4; if($5!=0)bad[$1]=bad[$1] " " $2 "-r" $3 "-exit" $5; if(!($1 in seen)){seen[$1]=++n; order[n]=$1}}
  function med(s,   a,k,i,j,t){k=split(s,a," ");for(i=1;i<=k;i++)for(j=i+1;j<=k;j++)if(a[j]<a[i]){t=a[i];a[i]=a[j];a[j]=t}
    return k%2?a[(k+1)/2]:(a[k/2]+a[k/2+1])/2}
  END{for(i=1;i<=n;i++){s=order[i];q=med(w[s FS "quiet"]);b=med(w[s FS "busy"]);
    if(s in bad) printf "  %-16s quiet %7.1f  busy %7.1f  incomplete (killed or failed:%s; times are lower bounds)\n", s, q, b, bad[s];
    else printf "  %-16s quiet %7.1f  busy %7.1f  busy/quiet %.2f\n", s, q, b, b/q}}' "$table" | tee "$out/summary.txt"
first="${settings[0]%%:*}"
ratio=$(awk -v s="$first" '$1==s && $(NF-1)=="busy/quiet"{print $NF; exit}' "$out/summary.txt")
if [[ -z "$ratio" ]]; then
  echo "contention-bench: a run of '$first' did not finish; no slowdown figure written" >&2
  exit 1
fi
quiet_s=$(awk -v s="$first" '$1==s{print $3; exit}' "$out/summary.txt")
busy_s=$(awk -v s="$first" '$1==s{print $5; exit}' "$out/summary.txt")
printf 'slowdown under one busy core\t%s (%s wall time with one busy core %s s / without %s s, medians of %d round(s) A/B interleaved; %s settings; commit %s, %s; 1-min load %s at the end)\n' \
  "$ratio" "$(basename "$grid" .yaml)" "$busy_s" "$quiet_s" "$rounds" "$first" \
  "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(date -u +%Y-%m-%dT%H:%MZ)" "$(cut -d' ' -f1 /proc/loadavg)" \
  > "$root/bench/target/reliability/slowdown-under-one-busy-core.tsv"
echo "table: $table"
