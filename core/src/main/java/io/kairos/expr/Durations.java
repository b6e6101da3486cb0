package io.kairos.expr;

import dev.cel.runtime.RuntimeHelpers;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CEL's {@code duration("...")} with two more units: {@code d} (24 hours) and {@code w} (7 days),
 * so {@code duration("90d")} and {@code duration("2w")} work. Everything else is standard CEL: a
 * sign, then numbers (decimals allowed) with units {@code ns}, {@code us}, {@code ms}, {@code s},
 * {@code m}, {@code h}, written together ({@code "1d12h"}). A duration is an exact length: a day is
 * 24 hours, also across a change of daylight saving time.
 */
final class Durations {

  private static final Pattern PART =
      Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|ms|s|m|h|d|w)");
  private static final long MAX_SECONDS = 315_576_000_000L;

  private Durations() {}

  static Duration parse(String text) {
    if (text.indexOf('d') < 0 && text.indexOf('w') < 0) {
      return RuntimeHelpers.createJavaDurationFromString(text);
    }
    // Evaluated on every run of an expression (CEL does not fold constants): whole numbers of
    // days, weeks and hours, by far the usual, take the quick way.
    Duration quick = wholeUnits(text);
    if (quick != null) {
      return quick;
    }
    String s = text;
    boolean negative = false;
    if (s.startsWith("-") || s.startsWith("+")) {
      negative = s.startsWith("-");
      s = s.substring(1);
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "invalid duration '" + text + "': expected e.g. 90d, 2w, 36h, 1d12h");
      }
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit(m.group(2)))));
      at = m.end();
    }
    if (at == 0) {
      throw new IllegalArgumentException("invalid duration '" + text + "': empty");
    }
    if (nanos.compareTo(BigDecimal.valueOf(MAX_SECONDS).movePointRight(9)) > 0) {
      throw new IllegalArgumentException("invalid duration '" + text + "': out of range");
    }
    BigDecimal[] parts = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
    Duration d = Duration.ofSeconds(parts[0].longValue(), parts[1].longValue());
    return negative ? d.negated() : d;
  }

  /** "90d", "2w", "1d12h": whole numbers of d, w, h, m, s only; null for anything else. */
  private static Duration wholeUnits(String text) {
    long seconds = 0;
    long number = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        number = (number < 0 ? 0 : number) * 10 + (c - '0');
        if (number > MAX_SECONDS) {
          return null;
        }
        continue;
      }
      if (number < 0) {
        return null;
      }
      long unit;
      switch (c) {
        case 'w' -> unit = 604_800L;
        case 'd' -> unit = 86_400L;
        case 'h' -> unit = 3_600L;
        case 's' -> unit = 1L;
        case 'm' -> {
          if (i + 1 < text.length() && text.charAt(i + 1) == 's') {
            return null; // ms: the general way
          }
          unit = 60L;
        }
        default -> {
          return null;
        }
      }
      seconds += number * unit;
      if (seconds > MAX_SECONDS) {
        return null;
      }
      number = -1;
    }
    return number >= 0 || seconds == 0 && text.isEmpty() ? null : Duration.ofSeconds(seconds);
  }

  /** How a window reads in a trace: {@code 30d}, {@code 36h}, {@code 90m}, {@code 45s}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms != 0 && ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms != 0 && ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static long unit(String u) {
    switch (u) {
      case "ns":
        return 1L;
      case "us":
      case "µs":
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      case "d":
        return 86_400_000_000_000L;
      default:
        return 604_800_000_000_000L;
    }
  }
}
