package io.kairos.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
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
