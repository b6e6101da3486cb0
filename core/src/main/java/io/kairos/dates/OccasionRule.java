package io.kairos.dates;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Which local dates an occasion falls on. */
public sealed interface OccasionRule {

  /** The first date of the rule on or after {@code d}, or null when there is none. */
  LocalDate onOrAfter(LocalDate d);

  /** Every year on this month and day; 29 February falls on 28 February in other years. */
  record Yearly(MonthDay day) implements OccasionRule {
    @Override
    public LocalDate onOrAfter(LocalDate d) {
      LocalDate c = in(d.getYear());
      return c.isBefore(d) ? in(d.getYear() + 1) : c;
    }

    private LocalDate in(int year) {
      return DateRule.dayIn(YearMonth.of(year, day.getMonth()), day.getDayOfMonth());
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%02d-%02d", day.getMonthValue(), day.getDayOfMonth());
    }
  }

  /** Every week on these days. */
  record Weekly(Set<DayOfWeek> days) implements OccasionRule {
    public Weekly {
      days = Set.copyOf(days);
    }

    @Override
    public LocalDate onOrAfter(LocalDate d) {
      for (int i = 0; i < 7; i++) {
        if (days.contains(d.plusDays(i).getDayOfWeek())) {
          return d.plusDays(i);
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return EnumSet.copyOf(days).stream()
          .map(x -> x.name().toLowerCase(Locale.ROOT))
          .collect(Collectors.joining(", ", "weekly on ", ""));
    }
  }

  /** One date. */
  record On(LocalDate date) implements OccasionRule {
    @Override
    public LocalDate onOrAfter(LocalDate d) {
      return date.isBefore(d) ? null : date;
    }

    @Override
    public String toString() {
      return date.toString();
    }
  }

  /**
   * A date as a calendar or schedule writes it: {@code "MM-DD"} for every year, {@code
   * "YYYY-MM-DD"} for one day.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static OccasionRule date(String text) {
    String t = text.trim();
    try {
      if (t.matches("\\d{2}-\\d{2}")) {
        return new Yearly(MonthDay.parse("--" + t));
      }
      return new On(LocalDate.parse(t));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "invalid date '" + text + "': expected MM-DD (every year) or YYYY-MM-DD");
    }
  }

  /**
   * A day of the week, {@code monday} or {@code mon}, in any case.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static DayOfWeek dayOfWeek(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().equals(t) || (t.length() == 3 && d.name().startsWith(t))) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "invalid day '" + text + "': expected monday, tuesday, ... or mon, tue, ...");
  }
}
