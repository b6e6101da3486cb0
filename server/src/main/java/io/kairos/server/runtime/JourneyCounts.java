package io.kairos.server.runtime;

import io.kairos.engine.Effect;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a batch adds to the journey stats ({@code journey_counts}): the engine's decisions summed
 * per journey, version, step, quarter hour and kind, so the stats read a few sums per quarter hour
 * instead of every timeline row (docs/decisions.md 30). The kinds and what they count are those of
 * the timeline rows of the same effects ({@link EffectRows}).
 */
public final class JourneyCounts {
  /** The counters' granularity: a quarter hour, so any time zone's midnight starts one. */
  public static final long BUCKET_MILLIS = 15 * 60_000L;

  /** The timeline kinds that are counted, as SQL (the erasure reads them back). */
  static final String KINDS =
      "'entered', 'entry_refused', 'completed', 'exited', 'send', 'deferred', 'skipped',"
          + " 'converted'";

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

  /** Counts {@code e} of {@code workspace}, if it is a counted decision of a journey. */
  void add(String workspace, Effect e) {
    if (e.journey() == null) {
      return;
    }
    if (e instanceof Effect.Entered x) {
      count(workspace, e, x.version(), "entered");
    } else if (e instanceof Effect.EntryRefused) {
      count(workspace, e, null, "entry_refused");
    } else if (e instanceof Effect.Completed x) {
      count(workspace, e, x.version(), "completed");
    } else if (e instanceof Effect.Exited x) {
      count(workspace, e, x.version(), "exited");
    } else if (e instanceof Effect.Send x) {
      count(workspace, e, x.version(), "send");
    } else if (e instanceof Effect.Deferred x) {
      count(workspace, e, x.version(), "deferred");
      if (x.first()) {
        count(workspace, e, x.version(), "deferred_messages");
      }
    } else if (e instanceof Effect.Skipped x) {
      count(workspace, e, x.version(), "skipped");
    } else if (e instanceof Effect.Converted x) {
      Sums s = count(workspace, e, x.version(), "converted");
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

  private Sums count(String workspace, Effect e, String version, String kind) {
    return count(workspace, e.journey(), version, e.step(), e.time(), kind);
  }

  Map<Key, Sums> sums() {
    return sums;
  }

  boolean isEmpty() {
    return sums.isEmpty();
  }
}
