#!/usr/bin/env bash
# Soak: a long closed loop through /v1/batch against one fresh server, sampled every 30 s, to see
# what only a long run shows (a heap that fills, a store that slows as it grows).
#
#   bench/run-soak.sh                     SQLite, 3M events
#   bench/run-soak.sh --events 10000000   more events
#   bench/run-soak.sh --store postgres    PostgreSQL (started for the run, as run-ingest.sh does)
#   bench/run-soak.sh --users 1000000     the events spread over more customers (default 100000)
#   bench/run-soak.sh --build             rebuild the jars first
#
# The server runs as `./kairos server` runs it (KAIROS_JAVA_OPTS, by default G1 with 1 GB), with
# examples/journeys and a GC log. Each sample: seconds, events acknowledged in the window and per
# second, engine lag (events), cached profiles and their estimated heap (MB), the server's resident
# memory (MB), the store's size on disk (MB; SQLite: the file and its WAL), SQLite's WAL restarts,
# and the count of full collections so far. After the loop: the generator's line and the
# collector's totals. A copy goes to bench/results/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

PORT=18185
PG_PORT=54331
store=sqlite
events=3000000
users=100000
build=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --store) store="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --users) users="$2"; shift 2 ;;
    --build) build=1; shift ;;
    *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done

build_jars "$build"

begin_run soak

: "${KAIROS_JAVA_OPTS:=-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Xmx1g}"
server_java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
echo "jvm=$("$server_java" -version 2>&1 | head -1 | tr ' ' '_') opts=${KAIROS_JAVA_OPTS// /,}" \
  "store=$store events=$events users=$users" | tee -a "$out"

export KAIROS_STORE_URL="" KAIROS_STORE_USER=""
if [[ $store == postgres ]]; then start_postgres "$PG_PORT"; fi
data="$work/data"
mkdir -p "$data"
store_dir="$data"
if [[ $store == postgres ]]; then store_dir="$work/pg"; fi
# shellcheck disable=SC2086
"$server_java" $KAIROS_JAVA_OPTS -Xlog:gc:file="$work/gc.log" -jar "$APP_JAR" server \
  --port "$PORT" --data "$data" --journeys examples/journeys >"$work/server.log" 2>&1 &
server=$!
pids+=($server)
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break
  sleep 0.1
done
key="$(java -jar "$APP_JAR" keys create --workspace default --scope ingest --data "$data" 2>/dev/null)"

java -cp "$BENCH_JAR" io.kairos.bench.IngestLoad --url "http://127.0.0.1:$PORT" --key "$key" \
  --events "$events" --users "$users" --connections 8 >"$work/load.txt" 2>&1 &
load=$!
pids+=($load)

metric() { awk -v m="$1" '$1 == m { s += $2 } END { printf "%d", s }' "$work/metrics.txt"; }
echo "s window_events per_s lag_events cached cache_mb rss_mb store_mb wal_restarts full_gcs" \
  | tee -a "$out"
start=$(date +%s)
last=0
while kill -0 "$load" 2>/dev/null; do
  sleep 30
  curl -s "http://127.0.0.1:$PORT/metrics" >"$work/metrics.txt" || continue
  acked="$(awk '/^kairos_ingest_events_total\{result="accepted"/ { printf "%d", $2 }' "$work/metrics.txt")"
  rss="$(awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$server/status")"
  size="$(du -sm "$store_dir" | cut -f1)"
  full="$(grep -c 'Pause Full' "$work/gc.log" || true)"
  echo "$(($(date +%s) - start)) $((acked - last)) $(((acked - last) / 30))" \
    "$(metric kairos_engine_lag_events) $(metric kairos_runtime_cache_profiles)" \
    "$(($(metric kairos_runtime_cache_bytes) >> 20)) $rss $size" \
    "$(metric kairos_store_wal_restarts_total) $full" | tee -a "$out"
  last=$acked
done
sed 's/^/generator /' "$work/load.txt" | tee -a "$out"
echo "collections: $(grep -c 'Pause Young' "$work/gc.log" || true) young or mixed," \
  "$(grep -c 'Pause Full' "$work/gc.log" || true) full," \
  "$(grep -c 'To-space exhausted' "$work/gc.log" || true) evacuation failures" | tee -a "$out"
echo "results in $out"
