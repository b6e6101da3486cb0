package io.kairos.server.ingest;

import io.kairos.server.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/**
 * The ingestion meters: {@code kairos_ingest_events_total{result=accepted|duplicate|invalid}},
 * {@code kairos_ingest_commit_seconds} (one observation per group commit, with percentiles), {@code
 * kairos_ingest_commits_total}, {@code kairos_ingest_log_append_seconds} and {@code
 * kairos_ingest_dedupe_seconds} (the two steps a 200 waits for), {@code
 * kairos_ingest_stored_seconds} (from an event's arrival to its row's commit in the store, where
 * the runtime reads it: a histogram, so the decision latency can be split into ingestion's part and
 * the runtime's) and the gauge {@code kairos_ingest_queue_depth} (events waiting for the writer).
 */
final class IngestMetrics {
  final Counter accepted;
  final Counter duplicate;
  final Counter invalid;
  final Timer commit;
  final Timer logForce;
  final Timer dedupe;
  final Timer stored;
  final Counter filterAbsent;
  final Counter storeLookups;
  private final MeterRegistry registry;

  IngestMetrics(MeterRegistry registry, Supplier<Number> queueDepth) {
    accepted = events(registry, "accepted");
    duplicate = events(registry, "duplicate");
    invalid = events(registry, "invalid");
    commit =
        Timer.builder("kairos.ingest.commit")
            .description("time of one group commit of the ingest writer")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(registry);
    logForce =
        Timer.builder("kairos.ingest.log.append")
            .description("time of one append and force of the ingest log (before the 200s)")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(registry);
    dedupe =
        Timer.builder("kairos.ingest.dedupe")
            .description(
                "time of one lookup of a group's messageIds in the store's dedupe window"
                    + " (before the 200s)")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(registry);
    stored =
        Metrics.latencyHistogram(
            registry,
            "kairos.ingest.stored",
            "from an event's arrival to the commit of its row in the store");
    filterAbsent = dedupeIds(registry, "filter");
    storeLookups = dedupeIds(registry, "store");
    this.registry = registry;
    Gauge.builder("kairos.ingest.queue.depth", queueDepth)
        .description("events acknowledged or waiting to be, not yet in the store")
        .register(registry);
  }

  /** The dedupe filter's memory (0 without one). */
  void filterBytes(Supplier<Number> bytes) {
    Gauge.builder("kairos.ingest.dedupe.filter.bytes", bytes)
        .description("memory of the dedupe window's in-memory filter, roughly its bit arrays")
        .baseUnit("bytes")
        .register(registry);
  }

  private static Counter dedupeIds(MeterRegistry registry, String answeredBy) {
    return Counter.builder("kairos.ingest.dedupe.ids")
        .description(
            "new messageIds checked against the dedupe window, by what answered: the in-memory"
                + " filter (certainly new) or a lookup in the store")
        .tag("answered_by", answeredBy)
        .register(registry);
  }

  private static Counter events(MeterRegistry registry, String result) {
    return Counter.builder("kairos.ingest.events")
        .description("messages received by the tracking API and imports, by result")
        .tag("result", result)
        .register(registry);
  }

  /** How many group commits were made (the count of the commit timer). */
  long commits() {
    return commit.count();
  }
}
