package io.kairos.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SpanTest {
  @Test
  void parsesUnitsAndCombinations() {
    assertThat(Span.parse("90s")).isEqualTo(new Span(0, 0, 90_000));
    assertThat(Span.parse("1h 30m")).isEqualTo(new Span(0, 0, 5_400_000));
    assertThat(Span.parse("7d")).isEqualTo(new Span(0, 7, 0));
    assertThat(Span.parse("2 weeks")).isEqualTo(new Span(0, 14, 0));
    assertThat(Span.parse("6 months")).isEqualTo(new Span(6, 0, 0));
    assertThat(Span.parse("1y 2mo")).isEqualTo(new Span(14, 0, 0));
    assertThat(Span.parse("1 day 12 hours")).isEqualTo(new Span(0, 1, 43_200_000));
    assertThat(Span.parse("7d").toString()).isEqualTo("7d");
    assertThat(Span.parse("6 months").toString()).isEqualTo("6 months");
  }

  @Test
  void rejectsWhatIsNotADuration() {
    assertThatThrownBy(() -> Span.parse("")).hasMessageContaining("empty duration");
    assertThatThrownBy(() -> Span.parse("7")).hasMessageContaining("missing unit after 7");
    assertThatThrownBy(() -> Span.parse("7 fortnights"))
        .hasMessageContaining("unknown unit 'fortnights'");
    assertThatThrownBy(() -> Span.parse("h")).hasMessageContaining("expected a number");
  }

  @Test
  void monthsClampToTheEndOfShorterMonths() {
    long jan31 = Timestamps.parse("2026-01-31T10:00:00Z");
    assertThat(Timestamps.formatSeconds(Span.parse("1 month").addTo(jan31, ZoneOffset.UTC)))
        .isEqualTo("2026-02-28T10:00:00Z");
    long leap = Timestamps.parse("2028-01-31T10:00:00Z");
    assertThat(Timestamps.formatSeconds(Span.parse("1 month").addTo(leap, null)))
        .isEqualTo("2028-02-29T10:00:00Z");
  }

  @Test
  void daysAreCalendarDaysInTheZoneHoursAreExact() {
    ZoneId ny = ZoneId.of("America/New_York");
    long before = Timestamps.parse("2026-03-07T14:00:00Z"); // 09:00 EST; DST starts 8 March
    assertThat(Timestamps.formatSeconds(Span.parse("1d").addTo(before, ny)))
        .isEqualTo("2026-03-08T13:00:00Z"); // 09:00 EDT
    assertThat(Timestamps.formatSeconds(Span.parse("24h").addTo(before, ny)))
        .isEqualTo("2026-03-08T14:00:00Z");
  }

  @Test
  void calendarDaysAgreeWithJavaTimeInManyZones() {
    java.util.Random r = new java.util.Random(5);
    String[] zones = {
      "Europe/Berlin", "America/New_York", "Asia/Tehran", "Australia/Lord_Howe", "UTC"
    };
    for (int i = 0; i < 20_000; i++) {
      ZoneId zone = ZoneId.of(zones[r.nextInt(zones.length)]);
      long t = 1_700_000_000_000L + (long) (r.nextDouble() * 200_000_000_000L);
      Span span = new Span(0, 1 + r.nextInt(40), r.nextInt(3) * 3_600_000L);
      long expected =
          java.time.Instant.ofEpochMilli(t)
                  .atZone(zone)
                  .plusDays(span.days())
                  .toInstant()
                  .toEpochMilli()
              + span.millis();
      assertThat(span.addTo(t, zone)).as(zone + " " + t + " " + span).isEqualTo(expected);
    }
  }
}
