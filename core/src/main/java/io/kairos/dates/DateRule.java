package io.kairos.dates;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * When a date trigger fires for one date value: on the date ({@link Recurrence#NONE}), or on every
 * later anniversary or month-day, at {@code at} local time in the profile's zone, shifted by {@code
 * offset}.
 */
public record DateRule(Recurrence recurring, DateOffset offset, LocalTime at) {

  /** Occurrences skipped in one search before giving up (a date centuries away). */
  private static final int MAX_STEPS = 1_000;

  /**
   * The first occurrence of {@code date} whose instant is at or after {@code notBefore} and whose
   * base date is after {@code firedEpochDay} (the base of the last occurrence that fired, or
   * Long.MIN_VALUE); null when there is none.
   */
  public Occurrence next(LocalDate date, ZoneId zone, long notBefore, long firedEpochDay) {
    LocalDate approx = offset.undo(LocalTimes.dateTime(notBefore, zone)).toLocalDate();
    LocalDate fired = firedEpochDay == Long.MIN_VALUE ? null : LocalDate.ofEpochDay(firedEpochDay);
    switch (recurring) {
      case NONE:
        {
          Occurrence o = at(date, zone);
          return o.instant() >= notBefore && date.toEpochDay() > firedEpochDay ? o : null;
        }
      case YEARLY:
        {
          int year = Math.max(date.getYear() + 1, approx.getYear() - 1);
          if (fired != null) {
            year = Math.max(year, fired.getYear());
          }
          for (int i = 0; i < MAX_STEPS; i++, year++) {
            Occurrence o =
                at(dayIn(YearMonth.of(year, date.getMonth()), date.getDayOfMonth()), zone);
            if (o.instant() >= notBefore && o.base().toEpochDay() > firedEpochDay) {
              return o;
            }
          }
          return null;
        }
      default:
        {
          YearMonth month = YearMonth.from(date).plusMonths(1);
          YearMonth from = YearMonth.from(approx).minusMonths(1);
          if (from.isAfter(month)) {
            month = from;
          }
          if (fired != null && YearMonth.from(fired).isAfter(month)) {
            month = YearMonth.from(fired);
          }
          for (int i = 0; i < MAX_STEPS; i++, month = month.plusMonths(1)) {
            Occurrence o = at(dayIn(month, date.getDayOfMonth()), zone);
            if (o.instant() >= notBefore && o.base().toEpochDay() > firedEpochDay) {
              return o;
            }
          }
          return null;
        }
    }
  }

  /** The occurrence whose base date is {@code base}. */
  public Occurrence at(LocalDate base, ZoneId zone) {
    LocalDateTime local = offset.applyTo(base.atTime(at));
    return new Occurrence(base, local, LocalTimes.instant(local, zone));
  }

  /** The day of the month, or the month's last day when it is shorter (29 February, 31 April). */
  static LocalDate dayIn(YearMonth month, int day) {
    return month.atDay(Math.min(day, month.lengthOfMonth()));
  }
}
