package io.kairos.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A daily window of local time in which marketing messages wait: from {@code from} (inclusive) to
 * {@code to} (exclusive), wrapping over midnight when {@code from} is later than {@code to} (21:00
 * to 08:00). Evaluated on the wall clock of the profile's own zone, never the server's.
 */
public record QuietHours(LocalTime from, LocalTime to) {

  public QuietHours {
    if (from.equals(to)) {
      throw new IllegalArgumentException("quiet hours from and to must differ");
    }
  }

  /** Whether the local time of day falls inside the window. */
  public boolean contains(LocalTime t) {
    return from.isBefore(to)
        ? !t.isBefore(from) && t.isBefore(to)
        : !t.isBefore(from) || t.isBefore(to);
  }

  /** Whether the instant falls inside the window in {@code zone}. */
  public boolean contains(long epochMillis, ZoneId zone) {
    return contains(Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalTime());
  }

  /**
   * The earliest instant at or after {@code epochMillis} outside the window: itself when outside,
   * else the next local {@code to}. When {@code to} falls in a spring-forward gap it moves forward
   * by the gap's length (02:30 becomes 03:30), as {@code java.time} resolves it; when it falls in
   * an autumn overlap, the earlier of its two instants that is not in the past.
   */
  public long nextAllowed(long epochMillis, ZoneId zone) {
    ZonedDateTime at = Instant.ofEpochMilli(epochMillis).atZone(zone);
    LocalTime local = at.toLocalTime();
    if (!contains(local)) {
      return epochMillis;
    }
    LocalDate date = at.toLocalDate();
    boolean endsTomorrow = !from.isBefore(to) && !local.isBefore(from);
    ZonedDateTime end = ZonedDateTime.of(endsTomorrow ? date.plusDays(1) : date, to, zone);
    long e = end.toInstant().toEpochMilli();
    if (e <= epochMillis) {
      // The window's end fell in an overlap we are already past the first pass of.
      e = end.withLaterOffsetAtOverlap().toInstant().toEpochMilli();
    }
    return Math.max(e, epochMillis + 1);
  }

  @Override
  public String toString() {
    return from + "-" + to;
  }
}
