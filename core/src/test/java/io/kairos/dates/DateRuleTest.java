package io.kairos.dates;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.time.Timestamps;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Occurrences of date rules and occasions: zones, DST gaps and overlaps, leap years, month ends.
 */
class DateRuleTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId TEHRAN = ZoneId.of("Asia/Tehran");
  private static final ZoneId LORD_HOWE = ZoneId.of("Australia/Lord_Howe");
  private static final long NONE = Long.MIN_VALUE;

  private static DateRule yearly(String at) {
    return new DateRule(Recurrence.YEARLY, DateOffset.NONE, LocalTime.parse(at));
  }

  private static String next(DateRule r, String date, String zone, String notBefore) {
    Occurrence o =
        r.next(LocalDate.parse(date), ZoneId.of(zone), Timestamps.parse(notBefore), NONE);
    return o == null ? null : Timestamps.formatSeconds(o.instant());
  }

  @ParameterizedTest(name = "{0} {1} at {2} -> {3}")
  @CsvSource({
    // plain local 10:00 in each zone
    "Europe/Berlin,       1990-05-14, 10:00, 2026-05-14T08:00:00Z",
    "America/New_York,    1990-05-14, 10:00, 2026-05-14T14:00:00Z",
    "Asia/Tehran,         1990-05-14, 10:00, 2026-05-14T06:30:00Z",
    "Australia/Lord_Howe, 1990-05-14, 10:00, 2026-05-13T23:30:00Z",
    "Australia/Lord_Howe, 1990-01-14, 10:00, 2026-01-13T23:00:00Z",
    // spring gap: shifted forward by the gap's length (1 h; 30 min on Lord Howe)
    "Europe/Berlin,       1990-03-29, 02:30, 2026-03-29T01:30:00Z",
    "America/New_York,    1990-03-08, 02:30, 2026-03-08T07:30:00Z",
    "Australia/Lord_Howe, 1990-10-04, 02:15, 2026-10-03T15:45:00Z",
    // autumn overlap: the earlier instant, once
    "Europe/Berlin,       1990-10-25, 02:30, 2026-10-25T00:30:00Z",
    "America/New_York,    1990-11-01, 01:30, 2026-11-01T05:30:00Z",
    "Australia/Lord_Howe, 1990-04-05, 01:45, 2026-04-04T14:45:00Z",
  })
  void yearlyAtLocalTimeInTheProfilesZone(String zone, String date, String at, String expected) {
    assertThat(next(yearly(at), date, zone, "2026-01-01T00:00:00Z")).isEqualTo(expected);
  }

  @Test
  void tehranBeforeIranDroppedDaylightSavingIn2022() {
    // 2021: +03:30 → +04:30 at 00:00 on 22 March (a gap), back at 00:00 on 22 September (overlap).
    assertThat(next(yearly("00:30"), "1990-03-22", "Asia/Tehran", "2021-01-01T00:00:00Z"))
        .isEqualTo("2021-03-21T21:00:00Z");
    assertThat(next(yearly("23:30"), "1990-09-21", "Asia/Tehran", "2021-01-01T00:00:00Z"))
        .isEqualTo("2021-09-21T19:00:00Z");
    assertThat(next(yearly("23:30"), "1990-09-21", "Asia/Tehran", "2023-01-01T00:00:00Z"))
        .isEqualTo("2023-09-21T20:00:00Z");
  }

  @Test
  void leapDayFallsOnTheLastOfFebruaryInOtherYears() {
    DateRule r = yearly("10:00");
    assertThat(next(r, "2000-02-29", "Europe/Berlin", "2026-01-01T00:00:00Z"))
        .isEqualTo("2026-02-28T09:00:00Z");
    assertThat(next(r, "2000-02-29", "Europe/Berlin", "2027-03-01T00:00:00Z"))
        .isEqualTo("2028-02-29T09:00:00Z");
  }

  @Test
  void monthlyOnTheThirtyFirstFallsOnTheLastDayOfShorterMonths() {
    DateRule r = new DateRule(Recurrence.MONTHLY, DateOffset.NONE, LocalTime.of(9, 0));
    ZoneId utc = ZoneOffset.UTC;
    long t = Timestamps.parse("2026-01-31T09:00:00Z");
    LocalDate signup = LocalDate.parse("2026-01-31");
    StringBuilder seen = new StringBuilder();
    long fired = NONE;
    for (int i = 0; i < 4; i++) {
      Occurrence o = r.next(signup, utc, t, fired);
      seen.append(o.base()).append(' ');
      fired = o.base().toEpochDay();
      t = o.instant();
    }
    assertThat(seen.toString().trim()).isEqualTo("2026-02-28 2026-03-31 2026-04-30 2026-05-31");
  }

  @Test
  void theDateItselfIsNoAnniversary() {
    // Signed up on 2 March at 08:00; the 10:00 of that day is not a first anniversary.
    assertThat(next(yearly("10:00"), "2026-03-02", "UTC", "2026-03-02T08:00:00Z"))
        .isEqualTo("2027-03-02T10:00:00Z");
  }

  @Test
  void offsetsMoveTheLocalDateTimeAcrossDaylightSaving() {
    DateRule week = new DateRule(Recurrence.NONE, DateOffset.parse("-7d"), LocalTime.of(9, 0));
    // 2 April 2026 is summer time in Berlin, 26 March is not: still 09:00 local.
    assertThat(next(week, "2026-04-02", "Europe/Berlin", "2026-01-01T00:00:00Z"))
        .isEqualTo("2026-03-26T08:00:00Z");
    assertThat(next(week, "2026-06-01", "Europe/Berlin", "2026-01-01T00:00:00Z"))
        .isEqualTo("2026-05-25T07:00:00Z");
    // passed: nothing for a one-off date
    assertThat(next(week, "2026-06-01", "Europe/Berlin", "2026-05-26T00:00:00Z")).isNull();
    DateRule after =
        new DateRule(Recurrence.YEARLY, DateOffset.parse("+1d 2h"), LocalTime.of(22, 0));
    assertThat(next(after, "1990-12-31", "UTC", "2026-06-01T00:00:00Z"))
        .isEqualTo("2027-01-02T00:00:00Z");
  }

  @Test
  void anOccurrenceAlreadyFiredIsSkipped() {
    DateRule r = yearly("10:00");
    long fired = LocalDate.parse("2026-05-14").toEpochDay();
    Occurrence o =
        r.next(
            LocalDate.parse("1990-05-14"), BERLIN, Timestamps.parse("2026-05-14T07:00:00Z"), fired);
    assertThat(Timestamps.formatSeconds(o.instant())).isEqualTo("2027-05-14T08:00:00Z");
  }

  @Test
  void readsDatesAndDateTimes() {
    assertThat(DateValues.read("1990-05-14", BERLIN).date()).hasToString("1990-05-14");
    // an instant stands for its local date in the profile's zone
    assertThat(DateValues.read("2026-06-01T23:30:00Z", BERLIN).date()).hasToString("2026-06-02");
    assertThat(DateValues.read("2026-06-01T23:30:00Z", NEW_YORK).date()).hasToString("2026-06-01");
    assertThat(DateValues.read("2026-06-01T02:00:00+02:00", TEHRAN).date())
        .hasToString("2026-06-01");
    assertThat(DateValues.read("2026-06-01T02:00", LORD_HOWE).date()).hasToString("2026-06-01");
    assertThat(DateValues.read(java.time.Instant.parse("2026-06-01T15:00:00Z"), LORD_HOWE).date())
        .hasToString("2026-06-02");
    assertThat(DateValues.read("14/05/1990", BERLIN).problem())
        .isEqualTo("'14/05/1990' is not a date (write YYYY-MM-DD or ISO-8601)");
    assertThat(DateValues.read("2026-02-30", BERLIN).problem()).contains("is not a date");
    assertThat(DateValues.read(19900514L, BERLIN).problem())
        .isEqualTo("'19900514' is a number, not a date (write YYYY-MM-DD or ISO-8601)");
    assertThat(
            DateValues.at(
                Map.of("subscription", Map.of("renews_at", "2026-06-01")),
                List.of("subscription", "renews_at")))
        .isEqualTo("2026-06-01");
    assertThat(DateValues.at(Map.of("subscription", "x"), List.of("subscription", "renews_at")))
        .isNull();
  }

  @Test
  void occasionsRollAcrossZones() {
    Occasions xmas =
        new Occasions(
            List.of(new OccasionRule.Yearly(MonthDay.of(12, 24))), List.of(), LocalTime.of(10, 0));
    long from = Timestamps.parse("2026-12-01T00:00:00Z");
    assertThat(
            List.of(LORD_HOWE, TEHRAN, BERLIN, NEW_YORK).stream()
                .map(z -> Timestamps.formatSeconds(xmas.next(z, from, NONE).instant()))
                .toList())
        .containsExactly(
            "2026-12-23T23:00:00Z",
            "2026-12-24T06:30:00Z",
            "2026-12-24T09:00:00Z",
            "2026-12-24T15:00:00Z");
    // after it fired for 2026: the next year's
    long fired = LocalDate.parse("2026-12-24").toEpochDay();
    assertThat(Timestamps.formatSeconds(xmas.next(BERLIN, from, fired).instant()))
        .isEqualTo("2027-12-24T09:00:00Z");
  }

  @Test
  void weeklyAndListedOccasions() {
    Occasions weekly =
        new Occasions(
            List.of(
                new OccasionRule.Weekly(
                    Set.of(java.time.DayOfWeek.MONDAY, java.time.DayOfWeek.THURSDAY))),
            List.of(),
            LocalTime.of(10, 0));
    // Thursday 2026-03-05 10:00 Berlin has passed at 12:00Z; next is Monday 9 March
    assertThat(
            Timestamps.formatSeconds(
                weekly.next(BERLIN, Timestamps.parse("2026-03-05T12:00:00Z"), NONE).instant()))
        .isEqualTo("2026-03-09T09:00:00Z");
    Occasions listed =
        new Occasions(
            List.of(OccasionRule.date("2026-11-27"), OccasionRule.date("2027-11-26")),
            List.of(),
            LocalTime.of(10, 0));
    assertThat(
            Timestamps.formatSeconds(
                listed.next(NEW_YORK, Timestamps.parse("2026-11-28T00:00:00Z"), NONE).instant()))
        .isEqualTo("2027-11-26T15:00:00Z");
    assertThat(listed.next(NEW_YORK, Timestamps.parse("2027-11-27T00:00:00Z"), NONE)).isNull();
  }
}
