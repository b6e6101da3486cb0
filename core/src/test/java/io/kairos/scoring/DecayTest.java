package io.kairos.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kairos.time.Span;
import io.kairos.time.Timestamps;
import java.time.ZoneId;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecayTest {
  private static final long DAY = 86_400_000L;
  private final Decay halfLife = Decay.halfLife(Span.parse("14d"));

  @Test
  void aHalfLifeHalvesTheScoreExactlyEveryHalfLife() {
    assertThat(halfLife.valueAt(80, 0, 14 * DAY)).isEqualTo(40.0);
    assertThat(halfLife.valueAt(80, 0, 28 * DAY)).isEqualTo(20.0);
    assertThat(halfLife.valueAt(80, 0, 7 * DAY)).isCloseTo(80 / Math.sqrt(2), within(1e-12));
    assertThat(halfLife.valueAt(80, 5, 5)).isEqualTo(80.0);
    assertThat(Decay.NONE.valueAt(80, 0, 1000 * DAY)).isEqualTo(80.0);
  }

  @Test
  void theCrossingIsTheFirstMillisecondBelowTheThreshold() {
    long t0 = Timestamps.parse("2026-03-02T12:00:00Z");
    long t = halfLife.firstBelow(48, t0, 40);
    // 14 days * log2(48 / 40) = 318,166,417.9 ms after t0: the first millisecond below is .418
    assertThat(Timestamps.format(t)).isEqualTo("2026-03-06T04:22:46.418Z");
    assertThat(halfLife.valueAt(48, t0, t)).isLessThan(40);
    assertThat(halfLife.valueAt(48, t0, t - 1)).isGreaterThanOrEqualTo(40);
  }

  @Test
  void seededCrossingsAreExactToTheMillisecond() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      Decay d = Decay.halfLife(new Span(0, 0, 1 + random.nextLong(60 * DAY)));
      double value = 0.01 + random.nextDouble() * 1000;
      double threshold = value * (0.001 + random.nextDouble() * 0.999);
      long t0 = random.nextLong(1L << 42);
      long t = d.firstBelow(value, t0, threshold);
      assertThat(t).isGreaterThan(t0);
      assertThat(d.valueAt(value, t0, t)).isLessThan(threshold);
      assertThat(d.valueAt(value, t0, t - 1)).isGreaterThanOrEqualTo(threshold);
    }
  }

  @Test
  void aValueExactlyAtTheThresholdIsBelowItOneMillisecondLater() {
    assertThat(halfLife.firstBelow(40, 1000, 40)).isEqualTo(1001);
  }

  @Test
  void nothingToCrossGivesNoMoment() {
    assertThat(halfLife.firstBelow(30, 0, 40)).isEqualTo(Long.MAX_VALUE);
    assertThat(halfLife.firstBelow(-5, 0, 40)).isEqualTo(Long.MAX_VALUE);
    assertThat(Decay.NONE.firstBelow(50, 0, 40)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void pointsExpireAfterCalendarDaysInTheProfilesZone() {
    Decay d = Decay.expireAfter(Span.parse("7d"));
    long given = Timestamps.parse("2026-03-26T09:00:00Z"); // 10:00 in Berlin, before DST
    // Berlin moves to summer time on 29 March: 7 calendar days later is 10:00 local = 08:00Z.
    assertThat(Timestamps.formatSeconds(d.expiry(given, ZoneId.of("Europe/Berlin"))))
        .isEqualTo("2026-04-02T08:00:00Z");
    assertThat(Timestamps.formatSeconds(d.expiry(given, ZoneId.of("UTC"))))
        .isEqualTo("2026-04-02T09:00:00Z");
  }

  @Test
  void scoresReadForPeople() {
    assertThat(ScoringReader.fmt(40)).isEqualTo("40");
    assertThat(ScoringReader.fmt(39.99999)).isEqualTo("39.99");
    assertThat(ScoringReader.fmt(12.5)).isEqualTo("12.5");
    assertThat(ScoringReader.fmt(-5.236)).isEqualTo("-5.23");
  }
}
