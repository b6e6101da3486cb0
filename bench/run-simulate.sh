#!/usr/bin/env bash
# Workload harness: times `kairos simulate` over the benchmark journeys on generated workloads.
#
#   bench/run-simulate.sh            both datasets (2M events/100k users, 10M events/500k users)
#   bench/run-simulate.sh --quick    the 2M dataset only
#   bench/run-simulate.sh --runs 5   five runs per dataset, the median reported
#   bench/run-simulate.sh --build    rebuild the jars first (otherwise only when missing)
#
# Datasets are generated once with a fixed seed and cached in bench/data/ (git-ignored); delete
# them after changing the generator. JVM options for the engine go in KAIROS_JAVA_OPTS.
# Prints a markdown table on stdout and keeps a copy in bench/results/ (git-ignored).
set -euo pipefail

cd "$(dirname "$0")/.."

SEED=42
DATASETS=("2m 2000000 100000" "10m 10000000 500000")
BENCH_JAR=bench/target/kairos-bench.jar
APP_JAR=app/target/kairos.jar
DATA_DIR=bench/data
RESULTS_DIR=bench/results

runs=1
build=0
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) DATASETS=("${DATASETS[0]}"); shift ;;
    --runs)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "--runs needs a positive integer" >&2; exit 2; }
      runs=$2; shift 2 ;;
    --build) build=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
done

log() { echo "[run-simulate] $*" >&2; }

if [[ ! -x ./kairos ]]; then
  echo "./kairos (the launcher at the repository root) is missing or not executable" >&2
  exit 1
fi
if [[ $build -eq 1 || ! -f $BENCH_JAR || ! -f $APP_JAR ]]; then
  log "building app and bench jars"
  mvn -q -pl app,bench -am package -DskipTests
fi

# GNU time reports the peak RSS of the whole process tree it waits for (the launcher's java
# included, whether or not the launcher execs it); without it, /proc is polled instead.
gnu_time=0
if /usr/bin/time --version 2>&1 | grep -q GNU; then
  gnu_time=1
else
  log "GNU time not found (apt-get install -y time); polling VmHWM in /proc instead"
fi

descendants() {
  local child
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

# measure FILE -> prints "seconds peak_rss_kb"
measure() {
  local file=$1
  local cmd=(./kairos simulate --journeys bench/journeys --events "$file" --format csv)
  if [[ $gnu_time -eq 1 ]]; then
    local out
    out=$(mktemp)
    if ! /usr/bin/time -f "%e %M" -o "$out" "${cmd[@]}" > /dev/null; then
      log "simulate failed on $file: $(cat "$out")"
      rm -f "$out"
      return 1
    fi
    tail -n 1 "$out"
    rm -f "$out"
  else
    local start end pid peak=0 hwm p rc=0
    start=$(date +%s.%N)
    "${cmd[@]}" > /dev/null &
    pid=$!
    while kill -0 "$pid" 2> /dev/null; do
      for p in $pid $(descendants "$pid"); do
        hwm=$(awk '/^VmHWM:/ {print $2}' /proc/"$p"/status 2> /dev/null || true)
        if [[ -n $hwm && $hwm -gt $peak ]]; then peak=$hwm; fi
      done
      sleep 0.05
    done
    wait "$pid" || rc=$?
    end=$(date +%s.%N)
    if [[ $rc -ne 0 ]]; then
      log "simulate failed on $file (exit $rc)"
      return 1
    fi
    awk -v s="$start" -v e="$end" -v m="$peak" 'BEGIN { printf "%.2f %d\n", e - s, m }'
  fi
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

mkdir -p "$DATA_DIR" "$RESULTS_DIR"
rows=()
for dataset in "${DATASETS[@]}"; do
  read -r name events users <<< "$dataset"
  file="$DATA_DIR/events-$name-$users-users-seed$SEED.jsonl"
  if [[ ! -s $file ]]; then
    log "generating $file"
    java -cp "$BENCH_JAR" io.kairos.bench.EventGenerator \
      --events "$events" --users "$users" --seed "$SEED" --out "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  secs=()
  rss=()
  for ((run = 1; run <= runs; run++)); do
    log "simulate $name, run $run/$runs"
    result=$(measure "$file") || exit 1
    read -r s m <<< "$result"
    log "  ${s} s, peak RSS $((m / 1024)) MB"
    secs+=("$s")
    rss+=("$m")
  done
  s=$(printf '%s\n' "${secs[@]}" | median)
  m=$(printf '%s\n' "${rss[@]}" | median)
  rows+=("$(awk -v n="$name" -v e="$events" -v u="$users" -v s="$s" -v m="$m" 'BEGIN {
    printf "| %s | %d | %d | %.2f | %.0f | %.0f |", n, e, u, s, (s > 0 ? e / s : 0), m / 1024 }')")
done

report=$(
  echo "| dataset | events | users | seconds | events/s | peak RSS MB |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "- java: $(java -version 2>&1 | head -n 1)"
  echo "- KAIROS_JAVA_OPTS: ${KAIROS_JAVA_OPTS:-(none)}"
  echo "- runs per dataset: $runs (median of seconds and of peak RSS); seed $SEED"
)
echo "$report"
echo "$report" > "$RESULTS_DIR/simulate-$(date -u +%Y%m%dT%H%M%SZ).md"
