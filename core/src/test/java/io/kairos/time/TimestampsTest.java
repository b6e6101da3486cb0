package io.kairos.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void formatsAsIsoInstantDoesForEveryYearAndMillisecond() {
    Random random = new Random(42);
    long year10000 = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();
    long year0 = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    List<Long> cases = new ArrayList<>();
    for (long edge :
        new long[] {
          0,
          -1,
          1,
          999,
          1000,
          year0,
          year0 - 1,
          year10000,
          year10000 - 1,
          Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli(),
          Instant.parse("2100-03-01T00:00:00Z").toEpochMilli(),
          Instant.parse("2000-02-29T12:00:00.120Z").toEpochMilli(),
          Long.MAX_VALUE / 1000,
          Long.MIN_VALUE / 1000
        }) {
      cases.add(edge);
    }
    for (int i = 0; i < 200_000; i++) {
      // Mostly years 0-9999, some far outside (printed with a sign, by the slow path).
      long span = i % 10 == 0 ? Long.MAX_VALUE / 2000 : year10000 - year0;
      cases.add(year0 + Math.floorMod(random.nextLong(), span) - (i % 10 == 0 ? span / 2 : 0));
    }
    for (long t : cases) {
      String expected = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(t));
      assertThat(Timestamps.format(t)).as("%d", t).isEqualTo(expected);
      assertThat(new String(Timestamps.formatAscii(t), StandardCharsets.US_ASCII))
          .as("%d", t)
          .isEqualTo(expected);
    }
  }

  @Test
  void parsesCommonShapes() {
    assertThat(Timestamps.parse("2026-01-08T00:00:00Z")).isEqualTo(1_767_830_400_000L);
    assertThat(Timestamps.parse("2026-01-08T00:00:00.250Z")).isEqualTo(1_767_830_400_250L);
    assertThat(Timestamps.parse("2026-01-08T03:30:00+03:30")).isEqualTo(1_767_830_400_000L);
    assertThat(Timestamps.parse("2026-01-07T19:00:00-0500")).isEqualTo(1_767_830_400_000L);
    assertThat(Timestamps.parse("2026-01-08T00:00:00.123456789Z")).isEqualTo(1_767_830_400_123L);
  }

  @Test
  void yearsBeyondEpochMillisAreRefusedNotOverflowed() {
    assertThatThrownBy(() -> Timestamps.parse("+999999999-12-31T23:59:59Z"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsWhatIsNotIso8601() {
    for (String bad :
        new String[] {
          "yesterday",
          "2026-02-30T00:00:00Z",
          "2026-01-08 00:00:00",
          "2026-01-08T25:00:00Z",
          "2026-01-08T00:00:00"
        }) {
      assertThatThrownBy(() -> Timestamps.parse(bad)).as(bad).hasMessage("not ISO-8601");
    }
  }

  @Test
  void fastPathAgreesWithJavaTime() {
    Random r = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      long seconds = (long) (r.nextDouble() * 4_000_000_000L) - 1_000_000_000L;
      int offsetMinutes = (r.nextInt(29) - 14) * 60 + (r.nextBoolean() ? 30 : 0);
      OffsetDateTime t =
          OffsetDateTime.ofInstant(
              java.time.Instant.ofEpochSecond(seconds, r.nextInt(1000) * 1_000_000L),
              java.time.ZoneOffset.ofTotalSeconds(
                  Math.max(-18 * 3600, Math.min(18 * 3600, offsetMinutes * 60))));
      String text = t.toString();
      assertThat(Timestamps.parse(text)).as(text).isEqualTo(t.toInstant().toEpochMilli());
    }
  }

  @Test
  void formatSecondsAgreesWithJavaTime() {
    Random r = new Random(3);
    for (int i = 0; i < 50_000; i++) {
      long millis = (long) ((r.nextDouble() - 0.3) * 8e12);
      assertThat(Timestamps.formatSeconds(millis))
          .isEqualTo(
              java.time.format.DateTimeFormatter.ISO_INSTANT.format(
                  java.time.Instant.ofEpochSecond(Math.floorDiv(millis, 1000L))));
    }
  }
}
