#!/usr/bin/env bash
# Pending-timers benchmark: a store with millions of pending timers, the heap the server needs for
# them, and recovery after kill -9 under ingest load. Server and tools on this machine.
#
#   bench/run-timers.sh                      SQLite and PostgreSQL, 10,000,000 timers each
#   bench/run-timers.sh --store sqlite       one store only (sqlite | postgres)
#   bench/run-timers.sh --timers 1000000     fewer timers
#   bench/run-timers.sh --due-in 900         soon timers due this many seconds after seeding starts
#                                            (default: from the seeding speed of each store)
#   bench/run-timers.sh --build              rebuild the jars first
#
# For each store: a fresh server creates the store with examples/journeys published and stops;
# TimersBench seeds it with the server stopped (customers who downloaded an e-book: 4 timers each,
# written by the runtime itself; 10,000 of them with a wait that ends at the "due" moment); the
# server starts with -Xmx1g (start -> ready, heap after a full GC); ingest load runs; the server is
# killed with kill -9 five seconds before the due moment and restarted at once (restart -> ready,
# restart -> every timer due by then fired); then the soon customers' decisions are counted (one
# each) and the store's size read. One line per step; a copy goes to bench/results/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

PORT=18182
PG_PORT=54330
stores=(sqlite postgres)
timers=10000000
soon=10000
due_in=""
build=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --store) stores=("$2"); shift 2 ;;
    --timers) timers="$2"; shift 2 ;;
    --soon) soon="$2"; shift 2 ;;
    --due-in) due_in="$2"; shift 2 ;;
    --build) build=1; shift ;;
    *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done

build_jars "$build"

begin_run timers

: "${KAIROS_JAVA_OPTS:=-XX:+UseParallelGC -Xmx1g}"
now_ms() { date +%s%3N; }
say() { echo "store=$store $*" | tee -a "$out"; }

# Waits for /health/ready; prints the milliseconds since $1.
wait_ready() {
  for _ in $(seq 1 3000); do
    if curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null; then
      echo $(($(now_ms) - $1)); return 0
    fi
    sleep 0.05
  done
  echo "server did not become ready" >&2; return 1
}

# Waits until every partition writer logged its start (cursor read); prints ms since $1.
wait_runtime() {
  local partitions=2
  for _ in $(seq 1 6000); do
    if [[ $(grep -c 'starting after seq' "$2" || true) -ge $partitions ]]; then
      echo $(($(now_ms) - $1)); return 0
    fi
    sleep 0.05
  done
  echo "runtime did not start" >&2; return 1
}

start_server() {
  # shellcheck disable=SC2086
  java $KAIROS_JAVA_OPTS -jar "$APP_JAR" server --port "$PORT" --data "$data" \
    --journeys examples/journeys >"$1" 2>&1 &
  server=$!
  pids+=($server)
}

heap_used_mb() {
  jcmd "$1" GC.run >/dev/null
  # ParallelGC: "PSYoungGen total 305664K, used 1234K" and "ParOldGen total 699392K, used 5678K".
  jcmd "$1" GC.heap_info | grep -oE '(PSYoungGen|ParOldGen|garbage-first heap) +total [0-9]+K, used [0-9]+K' \
    | sed -E 's/.*used ([0-9]+)K/\1/' | awk '{s += $1} END {printf "%.1f", s / 1024}'
}

for store in "${stores[@]}"; do
  data="$work/$store"
  mkdir -p "$data"
  export KAIROS_STORE_URL="" KAIROS_STORE_USER=""
  if [[ $store == postgres ]]; then start_postgres "$PG_PORT"; fi

  # 1. The server creates the store and the default workspace (examples/journeys), then stops.
  start_server "$work/server-$store-0.log"
  wait_ready "$(now_ms)" >/dev/null
  kill "$server"; wait "$server" 2>/dev/null || true

  # 2. Seed with the server stopped. Seeding ran at 20-23 k timers/s on both stores here (10 k on
  # PostgreSQL with the machine busy); the margin covers the first start and the heap measurement.
  in=${due_in:-$((180 + timers / 12000))}
  due=$(($(now_ms) + in * 1000))
  seed="$(KAIROS_STORE_SQLITE_SYNCHRONOUS=NORMAL java -Xmx1g -cp "$BENCH_JAR" io.kairos.bench.TimersBench seed \
    --data "$data" --timers "$timers" --soon "$soon" --due-at "$due" 2>"$work/seed-$store.log" | tail -1)"
  say "$seed"

  # 3. Start with the timers pending: ready, runtime started, heap after a full GC.
  log1="$work/server-$store-1.log"
  t0=$(now_ms)
  start_server "$log1"
  ready=$(wait_ready "$t0")
  runtime=$(wait_runtime "$t0" "$log1")
  sleep 5
  heap=$(heap_used_mb "$server")
  rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server/status")
  say "start ready_ms=$ready runtime_started_ms=$runtime heap_used_after_full_gc_mb=$heap rss_mb=$rss xmx=1g"

  # 4. Ingest load, kill -9 five seconds before the soon timers are due, restart at once.
  key="$(java -jar "$APP_JAR" keys create --workspace default --scope ingest --data "$data" 2>/dev/null)"
  java -cp "$BENCH_JAR" io.kairos.bench.IngestLoad --url "http://127.0.0.1:$PORT" --key "$key" \
    --events 100000000 --connections 4 --rate 2000 >"$work/load-$store.log" 2>&1 &
  load=$!
  pids+=($load)
  wait_kill=$(((due - 5000 - $(now_ms)) / 1000))
  if ((wait_kill < 10)); then
    say "warning: only ${wait_kill}s of load before the kill (raise --due-in)"
    sleep 10
  else
    sleep "$wait_kill"
  fi
  metrics="$(curl -s "http://127.0.0.1:$PORT/metrics" || true)"
  acked=$(grep -E '^kairos_ingest_events_total\{result="accepted"' <<<"$metrics" | awk '{s += $2} END {print s + 0}')
  lag=$(grep -E '^kairos_engine_lag_events ' <<<"$metrics" | awk '{print $2 + 0}')
  kill -9 "$server"
  t_kill=$(now_ms)
  kill "$load" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  t1=$(now_ms)
  log2="$work/server-$store-2.log"
  start_server "$log2"
  ready=$(wait_ready "$t1")
  runtime=$(wait_runtime "$t1" "$log2")
  fired="$(java -cp "$BENCH_JAR" io.kairos.bench.TimersBench wait-fired --data "$data" \
    --due-at "$due" --limit 300 2>/dev/null | tail -1)"
  fired_at="${fired#fired_at_ms=}"
  if [[ $fired_at =~ ^[0-9]+$ ]]; then
    recovery_ms=$((fired_at - t1)); after_due_ms=$((fired_at - due))
  else
    recovery_ms="none ($fired)"; after_due_ms="none"
  fi
  say "kill9 ingested_before_kill=$acked engine_lag_at_kill=$lag killed_ms_before_due=$((due - t_kill)) restart_ready_ms=$ready runtime_started_ms=$runtime all_due_fired_ms_after_restart=$recovery_ms fired_ms_after_due=$after_due_ms"
  after=$(curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^kairos_(engine_lag_events|timers_pending) ' | tr '\n' ' ' || true)
  counted=$(grep -oE '[0-9]+ timers pending \(counted in [0-9]+ ms\)' "$log2" | tr '\n' ' ' || true)
  say "after_recovery $after writers: $counted"

  # 5. Each soon customer's wait fired once: one message decision from a timer each.
  kill "$server"; wait "$server" 2>/dev/null || true
  check="$(java -cp "$BENCH_JAR" io.kairos.bench.TimersBench check --data "$data" --due-at "$due" \
    --soon "$soon" 2>/dev/null | tail -1)"
  say "$check"
  if [[ $store == postgres ]]; then kill "$pg" 2>/dev/null || true; wait "$pg" 2>/dev/null || true; fi
  # The restarted server's log (JSON lines) beside the results, for where the recovery time went.
  cp "$log2" "${out%.txt}-$store-restart.log"
  rm -rf "$data" "$work/pg"
done
echo "results in $out"
