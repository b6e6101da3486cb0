package io.kairos.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kairos.engine.Effect;
import org.junit.jupiter.api.Test;

class LiftTest {

  @Test
  void wilsonIntervalMatchesThePublishedExample() {
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion", method 3.
    double[] w = Lift.wilson(81, 263);
    assertThat(w[0]).isCloseTo(0.2553, within(1e-4));
    assertThat(w[1]).isCloseTo(0.3662, within(1e-4));
  }

  @Test
  void newcombeIntervalMatchesThePublishedExample() {
    // Newcombe (1998), "Interval estimation for the difference between independent proportions",
    // example (a), method 10.
    double[] d = Lift.newcombe(56, 70, 48, 80);
    assertThat(d[0]).isCloseTo(0.0524, within(1e-4));
    assertThat(d[1]).isCloseTo(0.3339, within(1e-4));
  }

  @Test
  void intervalStaysInsideItsBoundsWhenNobodyConverts() {
    double[] d = Lift.newcombe(0, 10, 0, 20);
    assertThat(d[0]).isLessThan(0).isGreaterThanOrEqualTo(-1);
    assertThat(d[1]).isGreaterThan(0).isLessThanOrEqualTo(1);
  }

  @Test
  void summaryComparesTreatedWithHeldOutProfiles() {
    Summary s = new Summary();
    // 4 treated (arms a and b), 2 held out; 2 treated convert for 10 and 30, 1 held out for 20.
    for (int p = 1; p <= 6; p++) {
      boolean held = p > 4;
      s.record(
          new Effect.SplitAssigned(
              "j", "p" + p, 0, "split", 1, held ? null : (p % 2 == 0 ? "a" : "b"), held, "test"));
    }
    s.record(new Effect.Converted("j", "v1", "p1", 1, 1, 10.0, false, "test"));
    s.record(new Effect.Converted("j", "v1", "p2", 1, 1, 30.0, false, "test"));
    s.record(new Effect.Converted("j", "v1", "p5", 1, 1, 20.0, true, "test"));
    // A conversion of an instance that never reached the split belongs to neither group.
    s.record(new Effect.Converted("j", "v1", "p9", 1, 1, 99.0, false, "test"));

    Lift l = s.journeys().get("j").lift();

    assertThat(l.treated()).isEqualTo(4);
    assertThat(l.treatedConverted()).isEqualTo(2);
    assertThat(l.holdout()).isEqualTo(2);
    assertThat(l.holdoutConverted()).isEqualTo(1);
    assertThat(l.rateDiff()).isCloseTo(0.0, within(1e-12));
    assertThat(l.treatedRevenuePerMember()).isEqualTo(10.0);
    assertThat(l.holdoutRevenuePerMember()).isEqualTo(10.0);
    assertThat(l.significant()).isFalse();
    assertThat(s.toTable()).contains("journey (holdout lift)");
    assertThat(s.toCsv())
        .contains("lift,j,treated,members,4\n")
        .contains("lift,j,holdout,converted,1\n");
  }

  @Test
  void noLiftWithoutAHoldout() {
    Summary s = new Summary();
    s.record(new Effect.SplitAssigned("j", "p1", 0, "split", 1, "a", false, "test"));
    assertThat(s.journeys().get("j").lift()).isNull();
    assertThat(s.toTable()).doesNotContain("holdout lift");
  }
}
