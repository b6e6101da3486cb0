package io.kairos.server.runtime;

import io.kairos.server.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's meters: engine lag (events and seconds), pending timers, outbox depth, batch commit
 * latency, inputs applied, and the time from an event's arrival to the commit of its decisions.
 */
final class RuntimeMetrics {
  private final Timer commit;
  private final Timer decision;
  private final Counter events;
  private final Counter timers;
  private final Counter triggers;
  private final Counter merges;
  private final Counter erasures;
  private final Counter fed;
  private final Counter readBack;
  private final Counter fromCache;
  private final Counter fromStore;

  RuntimeMetrics(MeterRegistry registry, LiveRuntime rt) {
    commit =
        Timer.builder("kairos.runtime.commit")
            .description("time to write and commit one partition batch")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    // Buckets, not percentiles: after a short load a sliding window still held the load before it
    // (bench/run-ingest.sh diffs two scrapes around its open loop).
    decision =
        Metrics.latencyHistogram(
            registry,
            "kairos.runtime.decision",
            "from an event's arrival to the commit of the engine's decisions on it");
    events = inputs(registry, "event");
    timers = inputs(registry, "timer");
    triggers = inputs(registry, "trigger");
    merges = inputs(registry, "merge");
    erasures = inputs(registry, "erase");
    fed = logRows(registry, "memory");
    readBack = logRows(registry, "store");
    fromCache = profilesLoaded(registry, "cache");
    fromStore = profilesLoaded(registry, "store");
    Gauge.builder("kairos.engine.lag.events", rt, LiveRuntime::lagEvents)
        .description("committed log seq minus the lowest partition cursor")
        .strongReference(true)
        .register(registry);
    Gauge.builder("kairos.engine.lag.seconds", rt, LiveRuntime::lagSeconds)
        .description("age of the oldest committed event no partition has applied yet")
        .strongReference(true)
        .register(registry);
    Gauge.builder("kairos.runtime.cache.profiles", rt, LiveRuntime::cachedProfiles)
        .description("profile states the partitions keep in memory")
        .strongReference(true)
        .register(registry);
    Gauge.builder("kairos.runtime.cache.bytes", rt, LiveRuntime::cachedProfileBytes)
        .description(
            "heap the cached profile states take, as their encodings estimate it"
                + " (runtime.cache_mb bounds it)")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
    Gauge.builder("kairos.timers.pending", rt, LiveRuntime::pendingTimersGauge)
        .description(
            "stored timers, counted by each partition writer once it has caught up after a start"
                + " (NaN until then), then kept current by its commits")
        .strongReference(true)
        .register(registry);
    Gauge.builder("kairos.outbox.depth", rt, LiveRuntime::outboxDepth)
        .description("outbox messages waiting for the dispatcher")
        .strongReference(true)
        .register(registry);
  }

  private static Counter inputs(MeterRegistry registry, String kind) {
    return counter(
        registry, "kairos.runtime.inputs", "inputs applied by the partition writers", "kind", kind);
  }

  private static Counter logRows(MeterRegistry registry, String source) {
    return counter(
        registry,
        "kairos.runtime.log.rows",
        "log rows the partition writers took: handed over by the log's writer at its commit"
            + " (memory), or read back from the store (after a start, or far behind)",
        "source",
        source);
  }

  private static Counter profilesLoaded(MeterRegistry registry, String source) {
    return counter(
        registry,
        "kairos.runtime.profiles.loaded",
        "profile states the partition writers' batches took from their cache, or read from the"
            + " store",
        "source",
        source);
  }

  private static Counter counter(
      MeterRegistry registry, String name, String description, String tag, String value) {
    return Counter.builder(name).description(description).tag(tag, value).register(registry);
  }

  /** A batch took {@code n} profile states from the cache. */
  void fromCache(int n) {
    fromCache.increment(n);
  }

  /** A batch read {@code n} profile states from the store. */
  void fromStore(int n) {
    fromStore.increment(n);
  }

  void fed(int rows) {
    fed.increment(rows);
  }

  void readBack(int rows) {
    readBack.increment(rows);
  }

  /** A batch committed at {@code committedAt} (epoch ms) after {@code nanos} of transaction. */
  void committed(Batch b, long nanos, long committedAt) {
    commit.record(nanos, TimeUnit.NANOSECONDS);
    events.increment(b.events);
    timers.increment(b.timers);
    triggers.increment(b.triggers);
    merges.increment(b.merges);
    erasures.increment(b.erasures.size());
    for (long received : b.received) {
      decision.record(Math.max(0, committedAt - received), TimeUnit.MILLISECONDS);
    }
  }
}
