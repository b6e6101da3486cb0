#!/usr/bin/env bash
# Delivery benchmark: rendered emails per second to a loopback SMTP server (GreenMail), webhooks
# per second to a loopback HTTP server, and event -> channel latency, with the server (SQLite),
# the peer and the load in one JVM on this machine.
#
#   bench/run-delivery.sh                         email and webhook, 20,000 messages each
#   bench/run-delivery.sh --channel email         one channel only (email | webhook)
#   bench/run-delivery.sh --messages 50000        more messages
#   bench/run-delivery.sh --threads 16            sending threads per channel (default 8)
#   bench/run-delivery.sh --rate 300              orders per second in the latency run (default 200)
#   bench/run-delivery.sh --peer greenmail        email to GreenMail instead of the SMTP sink
#   bench/run-delivery.sh --build                 rebuild the jars first
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_JAR=bench/target/kairos-bench.jar
channels=(email webhook)
opts=()
build=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --channel) channels=("$2"); shift 2 ;;
    --messages|--threads|--rate|--latency-messages|--peer) opts+=("$1" "$2"); shift 2 ;;
    --build) build=1; shift ;;
    *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
if [[ $build -eq 1 || ! -f $BENCH_JAR ]]; then
  mvn -B -q -ntp -pl app,bench -am package -DskipTests
fi
mkdir -p bench/results
out="bench/results/delivery-$(date -u +%Y%m%dT%H%M%SZ).txt"
for c in "${channels[@]}"; do
  java -Xmx2g -cp "$BENCH_JAR" io.kairos.bench.DeliveryBench --channel "$c" "${opts[@]}" 2>/dev/null \
    | grep --line-buffered -v '^{' | tee -a "$out"
done
echo "results: $out"
