package io.kairos.time;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/** ISO-8601 timestamps to and from epoch milliseconds, with a fast path for the common shapes. */
public final class Timestamps {

  private Timestamps() {}

  /**
   * Parses an ISO-8601 date-time with an offset ({@code 2026-01-08T09:30:00Z}, {@code
   * 2026-01-08T09:30:00.123+03:30}) to epoch milliseconds.
   *
   * @throws IllegalArgumentException when the text is not such a timestamp, or is one whose epoch
   *     milliseconds do not fit in a long
   */
  public static long parse(CharSequence text) {
    String s = text.toString();
    return parse(s.toCharArray(), 0, s.length());
  }

  /**
   * {@link #parse(CharSequence)} over {@code chars[offset, offset + length)}, for parsers that hold
   * the text in a buffer and would otherwise make a String of it only to parse it.
   *
   * @throws IllegalArgumentException as {@link #parse(CharSequence)}
   */
  public static long parse(char[] chars, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, chars.length);
    long fast = parseFast(chars, offset, length);
    if (fast != Long.MIN_VALUE) {
      return fast;
    }
    String text = new String(chars, offset, length);
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant()
          .toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(text).toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException("not ISO-8601");
      } catch (ArithmeticException e2) {
        throw new IllegalArgumentException("out of range");
      }
    } catch (ArithmeticException e) {
      // Years far beyond ±292 million do not fit in epoch milliseconds.
      throw new IllegalArgumentException("out of range");
    }
  }

  /** Formats epoch milliseconds as ISO-8601 UTC at second resolution: 2026-01-08T00:00:00Z. */
  public static String formatSeconds(long epochMillis) {
    byte[] fast = formatFast(epochMillis, false);
    return fast != null
        ? new String(fast, StandardCharsets.US_ASCII)
        : DateTimeFormatter.ISO_INSTANT.format(
            Instant.ofEpochSecond(Math.floorDiv(epochMillis, 1000L)));
  }

  /** Formats epoch milliseconds as ISO-8601 UTC, with milliseconds only when they are not 0. */
  public static String format(long epochMillis) {
    byte[] fast = formatFast(epochMillis, true);
    return fast != null
        ? new String(fast, StandardCharsets.US_ASCII)
        : DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
  }

  /**
   * {@link #format(long)} as ASCII bytes, for writers of JSON bytes (the tracking API stamps two
   * timestamps on every event it accepts).
   */
  public static byte[] formatAscii(long epochMillis) {
    byte[] fast = formatFast(epochMillis, true);
    return fast != null ? fast : format(epochMillis).getBytes(StandardCharsets.US_ASCII);
  }

  // The text ISO_INSTANT gives for years 0000-9999, 2026-01-08T09:30:00Z or with the milliseconds
  // (when asked for and not 0) 2026-01-08T09:30:00.120Z, without its allocations. The civil date
  // is Howard Hinnant's algorithm. Null for other years, which ISO_INSTANT prints with a sign.
  private static byte[] formatFast(long epochMillis, boolean withMillis) {
    long seconds = Math.floorDiv(epochMillis, 1000);
    int millis = withMillis ? (int) Math.floorMod(epochMillis, 1000) : 0;
    long days = Math.floorDiv(seconds, 86_400);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    // The civil date of a day number (days from 1970-01-01), in eras of 400 years starting on
    // March 1st so that the leap day falls at the end of a year.
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthIndex = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
      return null;
    }
    byte[] b = new byte[millis == 0 ? 20 : 24];
    putDigits(b, 0, (int) year, 4);
    b[4] = '-';
    putDigits(b, 5, month, 2);
    b[7] = '-';
    putDigits(b, 8, day, 2);
    b[10] = 'T';
    putDigits(b, 11, secondOfDay / 3600, 2);
    b[13] = ':';
    putDigits(b, 14, secondOfDay / 60 % 60, 2);
    b[16] = ':';
    putDigits(b, 17, secondOfDay % 60, 2);
    if (millis != 0) {
      b[19] = '.';
      putDigits(b, 20, millis, 3);
    }
    b[b.length - 1] = 'Z';
    return b;
  }

  private static void putDigits(byte[] b, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  // yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|+HH:MM|-HH:MM|+HHMM); returns Long.MIN_VALUE when not that
  // shape.
  private static long parseFast(char[] chars, int offset, int n) {
    if (n < 20) {
      return Long.MIN_VALUE;
    }
    if (at(chars, offset, 4) != '-'
        || at(chars, offset, 7) != '-'
        || (at(chars, offset, 10) != 'T' && at(chars, offset, 10) != 't')
        || at(chars, offset, 13) != ':'
        || at(chars, offset, 16) != ':') {
      return Long.MIN_VALUE;
    }
    int year = digits(chars, offset, 0, 4);
    int month = digits(chars, offset, 5, 2);
    int day = digits(chars, offset, 8, 2);
    int hour = digits(chars, offset, 11, 2);
    int minute = digits(chars, offset, 14, 2);
    int second = digits(chars, offset, 17, 2);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return Long.MIN_VALUE;
    }
    if (day > lengthOfMonth(year, month)) {
      return Long.MIN_VALUE;
    }
    int i = 19;
    int millis = 0;
    if (i < n && at(chars, offset, i) == '.') {
      i++;
      int start = i;
      int scale = 100;
      while (i < n && at(chars, offset, i) >= '0' && at(chars, offset, i) <= '9') {
        millis += (at(chars, offset, i) - '0') * scale;
        scale /= 10;
        i++;
      }
      if (i == start || i - start > 9) {
        return Long.MIN_VALUE;
      }
    }
    if (i >= n) {
      return Long.MIN_VALUE;
    }
    int offsetSeconds;
    char c = at(chars, offset, i);
    if (c == 'Z' || c == 'z') {
      offsetSeconds = 0;
      i++;
    } else if (c == '+' || c == '-') {
      int oh;
      int om;
      if (n - i == 6 && at(chars, offset, i + 3) == ':') {
        oh = digits(chars, offset, i + 1, 2);
        om = digits(chars, offset, i + 4, 2);
      } else if (n - i == 5) {
        oh = digits(chars, offset, i + 1, 2);
        om = digits(chars, offset, i + 3, 2);
      } else {
        return Long.MIN_VALUE;
      }
      if (oh < 0 || oh > 18 || om < 0 || om > 59) {
        return Long.MIN_VALUE;
      }
      offsetSeconds = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
      i = n;
    } else {
      return Long.MIN_VALUE;
    }
    if (i != n) {
      return Long.MIN_VALUE;
    }
    long epochDay = epochDay(year, month, day);
    long secs = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return secs * 1000L + millis;
  }

  private static int digits(char[] chars, int offset, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = chars[offset + i];
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static char at(char[] chars, int offset, int i) {
    return chars[offset + i];
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  // Same algorithm as java.time.LocalDate#toEpochDay, without the allocation.
  private static long epochDay(int year, int month, int day) {
    long y = year;
    long m = month;
    long total = 365 * y;
    if (y >= 0) {
      total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    } else {
      total -= y / -4 - y / -100 + y / -400;
    }
    total += ((367 * m - 362) / 12);
    total += day - 1;
    if (m > 2) {
      total--;
      if (!((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) {
        total--;
      }
    }
    return total - 719_528L;
  }
}
