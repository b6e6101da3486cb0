package io.kairos.dates;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Wall-clock times in a zone, resolved the way RFC 5545 and {@code java.time} resolve them. */
public final class LocalTimes {
  private LocalTimes() {}

  /**
   * The instant of a local date-time in {@code zone}: in a gap (spring forward) the time moves
   * forward by the length of the gap, 02:30 becoming 03:30; in an overlap (fall back) the earlier
   * of the two instants.
   */
  public static long instant(LocalDateTime local, ZoneId zone) {
    return ZonedDateTime.ofLocal(local, zone, null).toInstant().toEpochMilli();
  }

  /** The local date of an instant in {@code zone}. */
  public static LocalDate date(long epochMillis, ZoneId zone) {
    return Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDate();
  }

  /** The local date-time of an instant in {@code zone}. */
  public static LocalDateTime dateTime(long epochMillis, ZoneId zone) {
    return Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDateTime();
  }
}
