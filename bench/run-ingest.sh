#!/usr/bin/env bash
# Ingest benchmark: durable ingestion through /v1/batch, server and load generator on this machine.
#
#   bench/run-ingest.sh                    SQLite and PostgreSQL, 2M events each
#   bench/run-ingest.sh --store sqlite     one store only (sqlite | postgres)
#   bench/run-ingest.sh --events 500000    fewer events
#   bench/run-ingest.sh --build            rebuild the jars first
#   bench/run-ingest.sh --open-rate 2400   open loop at this rate, not half the closed loop's
#                                          (to compare builds at one rate); --open-events N too
#   bench/run-ingest.sh --drain            before the open loop, wait until the engine and the
#                                          outbox have caught up with the closed loop
#   bench/run-ingest.sh --warmup-events N  first a closed loop of N events, not measured: the
#                                          JIT compiles for ~30 s after a start, taking a core
#
# For each store: starts a fresh server (examples/journeys loaded), creates an ingest key, runs the
# closed-loop load (maximum acknowledged events/s, 100 events per request), then the open loop at
# half that rate (acknowledgement latency percentiles), then reads the engine's event-to-decision
# latency from /metrics. Prints one line per run; a copy goes to bench/results/ (git-ignored).
# The server runs on $JAVA_HOME/bin/java when JAVA_HOME is set (as ./kairos does), with
# KAIROS_JAVA_OPTS; the first line of the results names that JVM and its options.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

PORT=18181
PG_PORT=54329
stores=(sqlite postgres)
events=2000000
connections=8
build=0
open_rate=""
open_events=""
drain=0
warmup_events=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --store) stores=("$2"); shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --build) build=1; shift ;;
    --open-rate) open_rate="$2"; shift 2 ;;
    --open-events) open_events="$2"; shift 2 ;;
    --drain) drain=1; shift ;;
    --warmup-events) warmup_events="$2"; shift 2 ;;
    *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done

build_jars "$build"

begin_run ingest

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

# The decision latency of the open loop alone, from the cumulative buckets of
# kairos_runtime_decision_seconds before and after it (percentiles over a sliding window of about
# two minutes, as the server published them before, left out the start of a short open loop).
# Each quantile is the upper bound of the bucket it falls in. The same for
# kairos_ingest_stored_seconds (arrival to the row's commit): the decision's part before the runtime.
open_loop_quantiles() { # METRIC NAME COUNT_LABEL BEFORE AFTER
  awk -v metric="$1" -v name="$2" -v counted="$3" '
    index($0, metric "_bucket{") == 1 {
      match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5)
      if (FILENAME == ARGV[1]) before[le] = $2; else { after[le] = $2; order[++n] = le }
    }
    $1 == metric "_sum" { if (FILENAME == ARGV[1]) b = $2; else a = $2 }
    END {
      total = after["+Inf"] - before["+Inf"]
      if (total <= 0) { printf "%s: none", name; exit }
      p50 = ""; p99 = ""
      for (i = 1; i <= n; i++) {
        d = after[order[i]] - before[order[i]]
        if (p50 == "" && d >= 0.5 * total) p50 = order[i]
        if (p99 == "" && d >= 0.99 * total) p99 = order[i]
      }
      printf "%s=%d %s_p50_s<=%s %s_p99_s<=%s %s_mean_s=%.4f", counted, total, name, p50, name, p99, name, (a - b) / total
    }' "$4" "$5"
}

# Waits until the engine has applied everything and the outbox depth stops changing: the closed loop
# leaves a backlog of due messages that the dispatcher would otherwise send during the open loop.
drain_backlog() {
  local prev=-1 depth lag
  for _ in $(seq 1 120); do
    lag="$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^kairos_engine_lag_events /{print int($2)}')"
    depth="$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^kairos_outbox_depth /{print int($2)}')"
    echo "store=$store drain: engine lag $lag events, outbox depth $depth" >&2
    local change=$((prev - depth))
    # Stable means fewer than 20 messages a second still leaving: a dispatcher slowed by the
    # store's lock may drain at a few hundred a second, less than 1 % of a large backlog per round.
    if [[ $lag == 0 && $prev -ge 0 && ${change#-} -le 100 ]]; then return 0; fi
    prev=$depth
    sleep 5
  done
}

for store in "${stores[@]}"; do
  data="$work/$store"
  mkdir -p "$data"
  export KAIROS_STORE_URL="" KAIROS_STORE_USER=""
  if [[ $store == postgres ]]; then start_postgres "$PG_PORT"; fi
  # shellcheck disable=SC2086
  "$server_java" $KAIROS_JAVA_OPTS -jar "$APP_JAR" server --port "$PORT" --data "$data" \
    --journeys examples/journeys >"$work/server-$store.log" 2>&1 &
  server=$!
  pids+=($server)
  wait_ready
  key="$(java -jar "$APP_JAR" keys create --workspace default --scope ingest --data "$data" 2>/dev/null)"
  closed_warmup=()
  if [[ $warmup_events -gt 0 ]]; then
    warm="$(java -cp "$BENCH_JAR" io.kairos.bench.IngestLoad --url "http://127.0.0.1:$PORT" \
      --key "$key" --events "$warmup_events" --connections "$connections")"
    echo "store=$store warm-up, not measured: $warm" | tee -a "$out"
    closed_warmup=(--warmup 0)
  fi
  closed="$(java -cp "$BENCH_JAR" io.kairos.bench.IngestLoad --url "http://127.0.0.1:$PORT" \
    --key "$key" --events "$events" --connections "$connections" "${closed_warmup[@]}")"
  echo "store=$store $closed" | tee -a "$out"
  rate="$(sed -E 's/.*acked_events_per_s=([0-9]+).*/\1/' <<<"$closed")"
  half=$((rate / 2))
  if [[ $drain == 1 ]]; then drain_backlog; fi
  curl -s "http://127.0.0.1:$PORT/metrics" >"$work/before-open.txt"
  open="$(java -cp "$BENCH_JAR" io.kairos.bench.IngestLoad --url "http://127.0.0.1:$PORT" \
    --key "$key" --events "${open_events:-$((events / 2))}" --connections "$connections" \
    --rate "${open_rate:-$half}" --warmup 0)"
  echo "store=$store $open" | tee -a "$out"
  curl -s "http://127.0.0.1:$PORT/metrics" >"$work/after-open.txt"
  echo "store=$store open loop only: $(open_loop_quantiles kairos_runtime_decision_seconds decision decisions \
    "$work/before-open.txt" "$work/after-open.txt") $(open_loop_quantiles kairos_ingest_stored_seconds \
    stored stored "$work/before-open.txt" "$work/after-open.txt")" | tee -a "$out"
  curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^kairos_(ingest_commit|ingest_log_append|ingest_dedupe|runtime_commit)_seconds(_max)?\{.*quantile|^kairos_ingest_dedupe_(ids_total|filter_bytes)|^kairos_engine_lag|^kairos_store_write_lock_(held|turns)|^kairos_store_wal_restart' \
    | sed "s/^/store=$store metric /" | tee -a "$out" || true
  kill "$server"; wait "$server" 2>/dev/null || true
  cp "$work/server-$store.log" "${out%.txt}-server-$store.log"
  if [[ $store == postgres ]]; then kill "$pg" 2>/dev/null || true; fi
done
echo "results in $out"
