# Shared by the server benchmarks (run-ingest.sh, run-soak.sh, run-timers.sh); sourced, not run.
# Each runs from the repository's root.

APP_JAR=app/target/kairos.jar
BENCH_JAR=bench/target/kairos-bench.jar

# Builds the jars when asked (BUILD is 1) or when one is missing.
build_jars() { # BUILD
  if [[ $1 == 1 || ! -f $APP_JAR || ! -f $BENCH_JAR ]]; then
    mvn -B -q -ntp -pl app,bench -am package -DskipTests
  fi
}

# Sets out (bench/results/NAME-<UTC time>.txt), work (a temporary directory) and pids (processes
# to stop); when the script exits, they are stopped and work is removed.
begin_run() { # NAME
  mkdir -p bench/results
  out="bench/results/$1-$(date -u +%Y%m%dT%H%M%SZ).txt"
  work="$(mktemp -d)"
  pids=()
  trap end_run EXIT
}

end_run() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

# Starts PostgreSQL for the run (pg: its process) and points the server's store settings at it.
start_postgres() { # PORT
  java -cp "$BENCH_JAR" io.kairos.bench.PostgresForBench "$1" "$work/pg" >"$work/pg.url" &
  pg=$!
  pids+=($pg)
  # The JDBC URL is the one line of stdout that starts with jdbc: (the rest is PostgreSQL's log).
  for _ in $(seq 1 600); do grep -q '^jdbc:' "$work/pg.url" && break; sleep 0.1; done
  export KAIROS_STORE_URL="$(grep -m1 '^jdbc:' "$work/pg.url")" KAIROS_STORE_USER=postgres
}
