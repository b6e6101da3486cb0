package io.kairos.time;

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
    long secs = Math.floorDiv(epochMillis, 1000L);
    long days = Math.floorDiv(secs, 86_400L);
    int secOfDay = (int) (secs - days * 86_400L);
    // Civil date from days since the epoch (Howard Hinnant's algorithm); years 0..9999 only, the
    // rest falls back to java.time, which also handles the sign and five-digit years.
    long z = days + 719_468L;
    long era = Math.floorDiv(z, 146_097L);
    long doe = z - era * 146_097L;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
      return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(secs));
    }
    char[] c = new char[20];
    put(c, 0, (int) year, 4);
    c[4] = '-';
    put(c, 5, month, 2);
    c[7] = '-';
    put(c, 8, day, 2);
    c[10] = 'T';
    put(c, 11, secOfDay / 3600, 2);
    c[13] = ':';
    put(c, 14, secOfDay / 60 % 60, 2);
    c[16] = ':';
    put(c, 17, secOfDay % 60, 2);
    c[19] = 'Z';
    return new String(c);
  }

  private static void put(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /** Formats epoch milliseconds as ISO-8601 UTC, with milliseconds only when they are not 0. */
  public static String format(long epochMillis) {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
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
