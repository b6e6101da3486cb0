package io.kairos.dates;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Map;

/**
 * Reads the date a profile attribute holds. Accepted: {@code "YYYY-MM-DD"}; an ISO-8601 date-time
 * with an offset or {@code Z} ({@code "2026-06-01T08:00:00Z"}), which is an instant and stands for
 * its local date in the profile's zone; an ISO-8601 local date-time ({@code "2026-06-01T08:00"}),
 * which stands for its own date; and the same values as objects (a CEL timestamp set by an {@code
 * update} step is an instant).
 */
public final class DateValues {
  private DateValues() {}

  /** A date, or why the value is not one. Exactly one of the two is set. */
  public record Read(LocalDate date, String problem) {
    static Read problem(String why) {
      return new Read(null, why);
    }
  }

  /** The value at {@code path} inside {@code traits}, or null when any part is missing. */
  public static Object at(Map<String, Object> traits, List<String> path) {
    Object v = traits;
    for (String key : path) {
      if (!(v instanceof Map<?, ?> m)) {
        return null;
      }
      v = m.get(key);
    }
    return v;
  }

  /** The date {@code value} stands for in {@code zone}. */
  public static Read read(Object value, ZoneId zone) {
    if (value instanceof LocalDate d) {
      return new Read(d, null);
    }
    if (value instanceof Instant i) {
      return new Read(i.atZone(zone).toLocalDate(), null);
    }
    if (value instanceof LocalDateTime t) {
      return new Read(t.toLocalDate(), null);
    }
    if (value instanceof OffsetDateTime t) {
      return new Read(t.toInstant().atZone(zone).toLocalDate(), null);
    }
    if (value instanceof ZonedDateTime t) {
      return new Read(t.toInstant().atZone(zone).toLocalDate(), null);
    }
    if (!(value instanceof String s)) {
      return Read.problem(
          "'" + value + "' is " + kind(value) + ", not a date (write YYYY-MM-DD or ISO-8601)");
    }
    String text = s.trim();
    try {
      if (text.indexOf('T') < 0 && text.indexOf('t') < 0) {
        return new Read(LocalDate.parse(text), null);
      }
      TemporalAccessor parsed =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(
              text.toUpperCase(java.util.Locale.ROOT),
              ZonedDateTime::from,
              OffsetDateTime::from,
              LocalDateTime::from);
      if (parsed instanceof LocalDateTime t) {
        return new Read(t.toLocalDate(), null);
      }
      return read(parsed, zone);
    } catch (DateTimeException e) {
      return Read.problem("'" + s + "' is not a date (write YYYY-MM-DD or ISO-8601)");
    }
  }

  private static String kind(Object v) {
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "a list";
    }
    return "a " + v.getClass().getSimpleName();
  }
}
