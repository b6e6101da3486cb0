#!/usr/bin/env bash
# Ingest benchmark: durable ingestion through /v1/batch, server and load generator on this machine.
#
#   bench/run-ingest.sh                    SQLite and PostgreSQL, 2M events each
#   bench/run-ingest.sh --store sqlite     one store only (sqlite | postgres)
#   bench/run-ingest.sh --events 500000    fewer events
#   bench/run-ingest.sh --build            rebuild the jars first
#   bench/run-ingest.sh --open-rate 2400   open loop at this rate, not half the closed loop's
#                                          (to compare builds at one rate); --open-events N too
#
# For each store: starts a fresh server (examples/journeys loaded), creates an ingest key, runs the
# closed-loop load (maximum acknowledged events/s, 100 events per request), then the open loop at
# half that rate (acknowledgement latency percentiles), then reads the engine's event-to-decision
# latency from /metrics. Prints one line per run; a copy goes to bench/results/ (git-ignored).
# The server runs on $JAVA_HOME/bin/java when JAVA_HOME is set (as ./kairos does), with
# KAIROS_JAVA_OPTS; the first line of the results names that JVM and its options.
set -euo pipefail
cd "$(dirname "$0")/.."

APP_JAR=app/target/kairos.jar
BENCH_JAR=bench/target/kairos-bench.jar
PORT=18181
PG_PORT=54329
stores=(sqlite postgres)
events=2000000
connections=8
build=0
open_rate=""
open_events=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --store) stores=("$2"); shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --build) build=1; shift ;;
    --open-rate) open_rate="$2"; shift 2 ;;
    --open-events) open_events="$2"; shift 2 ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done

if [[ $build == 1 || ! -f $APP_JAR || ! -f $BENCH_JAR ]]; then
  mvn -B -q -ntp -pl app,bench -am package -DskipTests
fi

mkdir -p bench/results
out="bench/results/ingest-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The launcher's default for `kairos server`, and its JVM.
: "${KAIROS_JAVA_OPTS:=-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Xmx1g}"
server_java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
echo "jvm=$("$server_java" -version 2>&1 | head -1 | tr ' ' '_') opts=${KAIROS_JAVA_OPTS// /,}" | tee -a "$out"

wait_ready() {
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "server did not become ready" >&2; return 1
}

for store in "${stores[@]}"; do
  data="$work/$store"
  mkdir -p "$data"
  export KAIROS_STORE_URL="" KAIROS_STORE_USER=""
  if [[ $store == postgres ]]; then
    java -cp "$BENCH_JAR" io.kairos.bench.PostgresForBench "$PG_PORT" "$work/pg" >"$work/pg.url" &
    pids+=($!)
    # The JDBC URL is the one line of stdout that starts with jdbc: (the rest is PostgreSQL's log).
    for _ in $(seq 1 600); do grep -q '^jdbc:' "$work/pg.url" && break; sleep 0.1; done
    export KAIROS_STORE_URL="$(grep -m1 '^jdbc:' "$work/pg.url")" KAIROS_STORE_USER=postgres
  fi
  # shellcheck disable=SC2086
  "$server_java" $KAIROS_JAVA_OPTS -jar "$APP_JAR" server --port "$PORT" --data "$data" \
    --journeys examples/journeys >"$work/server-$store.log" 2>&1 &
  server=$!
  pids+=($server)
  wait_ready
  key="$(java -jar "$APP_JAR" keys create --workspace default --scope ingest --data "$data" 2>/dev/null)"
  closed="$(java -cp "$BENCH_JAR" io.kairos.bench.IngestLoad --url "http://127.0.0.1:$PORT" \
    --key "$key" --events "$events" --connections "$connections")"
  echo "store=$store $closed" | tee -a "$out"
  rate="$(sed -E 's/.*acked_events_per_s=([0-9]+).*/\1/' <<<"$closed")"
  half=$((rate / 2))
  open="$(java -cp "$BENCH_JAR" io.kairos.bench.IngestLoad --url "http://127.0.0.1:$PORT" \
    --key "$key" --events "${open_events:-$((events / 2))}" --connections "$connections" \
    --rate "${open_rate:-$half}")"
  echo "store=$store $open" | tee -a "$out"
  curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^kairos_(runtime_decision|ingest_commit|ingest_log_append|runtime_commit)_seconds(_max)?\{.*quantile|^kairos_engine_lag|^kairos_store_write_lock_held' \
    | sed "s/^/store=$store metric /" | tee -a "$out" || true
  kill "$server"; wait "$server" 2>/dev/null || true
  cp "$work/server-$store.log" "${out%.txt}-server-$store.log"
  if [[ $store == postgres ]]; then kill "${pids[-2]}" 2>/dev/null || true; fi
done
echo "results in $out"
