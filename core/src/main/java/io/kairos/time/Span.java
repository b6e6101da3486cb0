package io.kairos.time;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;
import java.util.Locale;

/**
 * A length of time as a marketer writes it: {@code 30m}, {@code 1h}, {@code 7d}, {@code 2 weeks},
 * {@code 6 months}, {@code 1y 2mo}. Seconds, minutes and hours are exact; days and weeks are
 * calendar days in the profile's time zone (a "1 day" wait keeps the local time of day across a DST
 * change); months and years are calendar months, clamped to the end of a shorter month (31 January
 * + 1 month = 28 or 29 February).
 */
public record Span(int months, int days, long millis) {

  public static final Span ZERO = new Span(0, 0, 0);

  public Span {
    if (months < 0 || days < 0 || millis < 0) {
      throw new IllegalArgumentException("a span cannot be negative");
    }
  }

  /** True when the span has no calendar part, so it can be added without a time zone. */
  public boolean isExact() {
    return months == 0 && days == 0;
  }

  /** True for a span of no time at all. */
  public boolean isZero() {
    return months == 0 && days == 0 && millis == 0;
  }

  /** {@code epochMillis + this}, with calendar parts applied in {@code zone}. */
  public long addTo(long epochMillis, ZoneId zone) {
    if (isExact()) {
      return epochMillis + millis;
    }
    if (zone == null || zone == ZoneOffset.UTC) {
      if (months == 0) {
        return epochMillis + days * 86_400_000L + millis;
      }
      zone = ZoneOffset.UTC;
    }
    if (months == 0) {
      // Whole days with no change of offset in between are exact; only a DST change needs the
      // calendar (and this path is hot: every inactivity timer is computed this way).
      ZoneRules rules = zone.getRules();
      long candidate = epochMillis + days * 86_400_000L;
      if (rules
          .getOffset(Instant.ofEpochMilli(epochMillis))
          .equals(rules.getOffset(Instant.ofEpochMilli(candidate)))) {
        return candidate + millis;
      }
    }
    ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(zone);
    t = t.plusMonths(months).plusDays(days);
    return t.toInstant().toEpochMilli() + millis;
  }

  /**
   * Parses {@code "90s"}, {@code "15m"}, {@code "1h"}, {@code "7d"}, {@code "2w"}, {@code "6
   * months"}, {@code "1y"}, {@code "1h 30m"}, {@code "1 day 12 hours"}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Span parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration; expected e.g. 30m, 1h, 7d, 6 months");
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    int months = 0;
    int days = 0;
    long millis = 0;
    int i = 0;
    int n = s.length();
    boolean any = false;
    while (i < n) {
      while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      while (i < n && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException(
            "invalid duration '" + text + "': expected a number at position " + (start + 1));
      }
      if (i - start > 9) {
        throw new IllegalArgumentException("invalid duration '" + text + "': number too large");
      }
      long amount = Long.parseLong(s.substring(start, i));
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      int unitStart = i;
      while (i < n && Character.isLetter(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(unitStart, i);
      switch (unit) {
        case "ms", "millis", "millisecond", "milliseconds" -> millis += amount;
        case "s", "sec", "secs", "second", "seconds" -> millis += amount * 1000L;
        case "m", "min", "mins", "minute", "minutes" -> millis += amount * 60_000L;
        case "h", "hr", "hrs", "hour", "hours" -> millis += amount * 3_600_000L;
        case "d", "day", "days" -> days = Math.addExact(days, (int) amount);
        case "w", "week", "weeks" -> days = Math.addExact(days, (int) amount * 7);
        case "mo", "month", "months" -> months = Math.addExact(months, (int) amount);
        case "y", "year", "years" -> months = Math.addExact(months, (int) amount * 12);
        case "" ->
            throw new IllegalArgumentException(
                "invalid duration '"
                    + text
                    + "': missing unit after "
                    + amount
                    + " (use s, m, h, d, w, months or y)");
        default ->
            throw new IllegalArgumentException(
                "invalid duration '"
                    + text
                    + "': unknown unit '"
                    + unit
                    + "' (use s, m, h, d, w, months or y)");
      }
      any = true;
    }
    if (!any) {
      throw new IllegalArgumentException("empty duration; expected e.g. 30m, 1h, 7d, 6 months");
    }
    return new Span(months, days, millis);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    if (months > 0) {
      if (months % 12 == 0) {
        b.append(months / 12).append('y');
      } else {
        b.append(months).append(" months");
      }
    }
    if (days > 0) {
      space(b).append(days).append('d');
    }
    long ms = millis;
    if (ms >= 3_600_000L) {
      space(b).append(ms / 3_600_000L).append('h');
      ms %= 3_600_000L;
    }
    if (ms >= 60_000L) {
      space(b).append(ms / 60_000L).append('m');
      ms %= 60_000L;
    }
    if (ms >= 1000L) {
      space(b).append(ms / 1000L).append('s');
      ms %= 1000L;
    }
    if (ms > 0) {
      space(b).append(ms).append("ms");
    }
    return b.length() == 0 ? "0s" : b.toString();
  }

  private static StringBuilder space(StringBuilder b) {
    return b.length() == 0 ? b : b.append(' ');
  }
}
