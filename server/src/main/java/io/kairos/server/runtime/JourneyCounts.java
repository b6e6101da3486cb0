package io.kairos.server.runtime;

import io.kairos.engine.Effect;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a batch adds to the journey stats ({@code journey_counts}): the engine's decisions summed
 * per journey, version, step, quarter hour and kind, so the stats read a few sums per quarter hour
 * instead of every timeline row (docs/decisions.md 30). What is counted is read from the timeline
 * rows of the same effects ({@link EffectRows}), so the two always name a decision alike.
 */
public final class JourneyCounts {
  /** The counters' granularity: a quarter hour, so any time zone's midnight starts one. */
  public static final long BUCKET_MILLIS = 15 * 60_000L;

  /** The timeline kinds that are counted (each also names its counter). */
  static final List<String> COUNTED =
      List.of(
          "entered",
          "entry_refused",
          "completed",
          "exited",
          "send",
          "deferred",
          "skipped",
          "converted");

  /** {@link #COUNTED} as an SQL list, for the erasure that reads them back. */
  static final String KINDS = "'" + String.join("', '", COUNTED) + "'";

  /** One row of {@code journey_counts}; version and step are '' when the decision has none. */
  record Key(
      String workspace, String journey, String version, String step, long bucket, String kind) {}

  /** The sums of one key. */
  static final class Sums {
    long n;
    long held;
    double revenue;
    double heldRevenue;
  }

  private final Map<Key, Sums> sums = new LinkedHashMap<>();

  /** The start of the quarter hour {@code at} falls in. */
  static long bucket(long at) {
    return Math.floorDiv(at, BUCKET_MILLIS) * BUCKET_MILLIS;
  }

  /**
   * Counts the effect {@code e} stored as timeline row {@code row} (its kind, journey, version,
   * step and time), if it is a counted decision of a journey.
   */
  void add(TimelineRow row, Effect e) {
    if (row.journey() == null || !COUNTED.contains(row.kind())) {
      return;
    }
    Sums s = count(row.workspace(), row.journey(), row.version(), row.step(), row.at(), row.kind());
    if (e instanceof Effect.Deferred x && x.first()) {
      count(
          row.workspace(), row.journey(), row.version(), row.step(), row.at(), "deferred_messages");
    } else if (e instanceof Effect.Converted x) {
      double value = x.value() == null ? 0 : x.value();
      if (x.holdout()) {
        s.held++;
        s.heldRevenue += value;
      } else {
        s.revenue += value;
      }
    }
  }

  /** Adds a decision made at {@code at} to a key's count; the caller adds to its other sums. */
  Sums count(String workspace, String journey, String version, String step, long at, String kind) {
    Sums s =
        sums.computeIfAbsent(
            new Key(
                workspace,
                journey,
                version == null ? "" : version,
                step == null ? "" : step,
                bucket(at),
                kind),
            k -> new Sums());
    s.n++;
    return s;
  }

  Map<Key, Sums> sums() {
    return sums;
  }

  boolean isEmpty() {
    return sums.isEmpty();
  }
}
