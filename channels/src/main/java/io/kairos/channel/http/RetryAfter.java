package io.kairos.channel.http;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads an HTTP {@code Retry-After} value (RFC 9110 §10.2.3): either delta-seconds ({@code 120}) or
 * an HTTP-date, in any of the three forms a recipient must accept (IMF-fixdate, RFC 850 and
 * asctime).
 */
public final class RetryAfter {

  private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.RFC_1123_DATE_TIME;
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  private RetryAfter() {}

  /**
   * The wait the value asks for, measured from {@code now} for a date; zero for a date already
   * past; null when the value is absent or is neither form (a malformed header is ignored, not an
   * error: the dispatcher's own backoff applies).
   */
  public static Duration parse(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException tooLarge) {
        return null;
      }
    }
    Instant at = date(v, now);
    if (at == null) {
      return null;
    }
    Duration wait = Duration.between(now, at);
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  private static Instant date(String v, Instant now) {
    try {
      return IMF_FIXDATE.parse(v, Instant::from);
    } catch (DateTimeParseException notImf) {
      // try the obsolete forms below
    }
    int comma = v.indexOf(", ");
    try {
      // The weekday is left out: it would clash with the century guessed for a two-digit year.
      Instant at = LocalDateTime.parse(v.substring(comma + 2), RFC_850).toInstant(ZoneOffset.UTC);
      // RFC 9110: a two-digit year that looks more than 50 years ahead is in the past century.
      LocalDateTime fifty = LocalDateTime.ofInstant(now, ZoneOffset.UTC).plusYears(50);
      return at.isAfter(fifty.toInstant(ZoneOffset.UTC))
          ? LocalDateTime.ofInstant(at, ZoneOffset.UTC).minusYears(100).toInstant(ZoneOffset.UTC)
          : at;
    } catch (DateTimeParseException notRfc850) {
      // try asctime
    }
    try {
      return LocalDateTime.parse(v, ASCTIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException notAsctime) {
      return null;
    }
  }
}
