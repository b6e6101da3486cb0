package io.kairos.dates;

import io.kairos.time.Span;
import java.time.LocalDateTime;

/**
 * A signed shift of a date trigger's moment: {@code -7d} (a week before), {@code +1d}, {@code -2h}.
 * Applied to the local date-time in the profile's zone, months first, then days, then the exact
 * part, so {@code -7d} at 09:00 is 09:00 seven calendar days earlier whatever DST does in between.
 */
public record DateOffset(boolean before, Span span) {
  public static final DateOffset NONE = new DateOffset(false, Span.ZERO);

  /**
   * Parses {@code "-7d"}, {@code "+1d"}, {@code "7d"} (after), {@code "-1d 12h"}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static DateOffset parse(String text) {
    String t = text.trim();
    boolean before = t.startsWith("-");
    if (before || t.startsWith("+")) {
      t = t.substring(1).trim();
    }
    return new DateOffset(before, Span.parse(t));
  }

  public LocalDateTime applyTo(LocalDateTime t) {
    int sign = before ? -1 : 1;
    return t.plusMonths(sign * (long) span.months())
        .plusDays(sign * (long) span.days())
        .plusNanos(sign * span.millis() * 1_000_000L);
  }

  /** The inverse shift, approximately (month ends clamp): where to start looking for a base. */
  LocalDateTime undo(LocalDateTime t) {
    return new DateOffset(!before, span).applyTo(t);
  }

  public boolean isZero() {
    return span.isZero();
  }

  @Override
  public String toString() {
    return (before ? "-" : "+") + span;
  }
}
