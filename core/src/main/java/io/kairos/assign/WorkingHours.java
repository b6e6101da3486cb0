package io.kairos.assign;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The days and hours a rep takes leads, in their own time zone: {@code [from, to)} on each of
 * {@code days}. {@code to} of 24:00 means midnight at the end of the day. A local time that does
 * not exist on a day (a spring DST gap) is shifted forward by the gap, as {@code java.time} does.
 */
public record WorkingHours(Set<DayOfWeek> days, LocalTime from, LocalTime to, boolean toMidnight) {

  public WorkingHours {
    days = Set.copyOf(days);
  }

  /** The first moment at or after {@code t} inside working hours, or MAX_VALUE when none. */
  public long nextOpen(long t, ZoneId zone) {
    if (days.isEmpty()) {
      return Long.MAX_VALUE;
    }
    LocalDate day = Instant.ofEpochMilli(t).atZone(zone).toLocalDate();
    for (int i = 0; i < 9; i++, day = day.plusDays(1)) {
      if (!days.contains(day.getDayOfWeek())) {
        continue;
      }
      long start = ZonedDateTime.of(day, from, zone).toInstant().toEpochMilli();
      long end =
          toMidnight
              ? day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli()
              : ZonedDateTime.of(day, to, zone).toInstant().toEpochMilli();
      if (t < end) {
        return Math.max(t, start);
      }
    }
    return Long.MAX_VALUE;
  }

  /** "mon-fri 09:00-17:00". */
  public String describe() {
    String d =
        EnumSet.copyOf(days).stream()
            .map(x -> x.name().substring(0, 3).toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(","));
    if (d.equals("mon,tue,wed,thu,fri")) {
      d = "mon-fri";
    }
    return d + " " + from + "-" + (toMidnight ? "24:00" : to.toString());
  }
}
