package io.kairos.assign;

import java.time.ZoneId;
import java.util.List;

/**
 * One sales rep of a {@link Pool}.
 *
 * @param weight their share of the rotation, a whole number above 0
 * @param capacity the most open leads they may hold; 0 for no limit
 * @param zone the zone their working hours are in
 * @param hours null when they take leads at any time
 * @param away out-of-office periods, in time order
 */
public record Rep(
    String id,
    String name,
    int weight,
    int capacity,
    ZoneId zone,
    WorkingHours hours,
    List<Absence> away) {

  public Rep {
    away = List.copyOf(away);
  }

  /** An out-of-office period: {@code [from, until)} in epoch millis. */
  public record Absence(long from, long until) {}

  /** The absence covering {@code t}, or null. */
  public Absence awayAt(long t) {
    for (Absence a : away) {
      if (a.from() <= t && t < a.until()) {
        return a;
      }
    }
    return null;
  }

  /**
   * The first moment at or after {@code t} when the rep is within working hours and not out of
   * office; {@link Long#MAX_VALUE} when there is none within a year.
   */
  public long availableFrom(long t) {
    long candidate = t;
    for (int guard = 0; guard < 1000; guard++) {
      long next = candidate;
      Absence a = awayAt(next);
      if (a != null) {
        next = a.until();
      }
      if (hours != null) {
        next = hours.nextOpen(next, zone);
      }
      if (next == candidate) {
        return candidate;
      }
      if (next == Long.MAX_VALUE || next - t > 366L * 86_400_000L) {
        return Long.MAX_VALUE;
      }
      candidate = next;
    }
    return Long.MAX_VALUE;
  }
}
