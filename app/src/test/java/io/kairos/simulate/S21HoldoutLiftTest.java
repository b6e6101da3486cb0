package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * S21 Goals and ROI: the trial-conversion journey holds one user in five out, and the summary
 * compares the two groups. The timeline was generated so that treated users subscribe about 30% of
 * the time and held-out users about 12%; the counts below were computed by that generator (with its
 * own copy of the split hash), not read from a run.
 */
class S21HoldoutLiftTest {

  @Test
  void summaryMeasuresTheLiftAgainstTheHoldout() {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            "../examples/journeys",
            "--events",
            "../examples/timelines/s21-trial-conversion.jsonl",
            "--summary",
            "--format",
            "csv",
            "--quiet");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    List<String> lift =
        Arrays.stream(cli.out().split("\n"))
            .filter(l -> l.startsWith("lift,trial-conversion,"))
            .toList();
    assertThat(lift)
        .contains(
            "lift,trial-conversion,treated,members,244",
            "lift,trial-conversion,treated,converted,71",
            "lift,trial-conversion,holdout,members,56",
            "lift,trial-conversion,holdout,converted,5",
            // 71/244 - 5/56
            "lift,trial-conversion,difference,rate,0.201698");
    double low = value(lift, "rate_low95");
    double high = value(lift, "rate_high95");
    assertThat(low).isGreaterThan(0.0).isLessThan(0.201698);
    assertThat(high).isGreaterThan(0.201698).isLessThan(1.0);
    assertThat(cli.out()).contains("journey,trial-conversion,,entered,300");
  }

  @Test
  void tableShowsTheLiftLine() {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            "../examples/journeys",
            "--events",
            "../examples/timelines/s21-trial-conversion.jsonl",
            "--summary",
            "--quiet");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .containsPattern("trial-conversion +244 +29\\.10% +56 +8\\.93% +\\+20\\.17%");
  }

  private static double value(List<String> lines, String kind) {
    String prefix = "lift,trial-conversion,difference," + kind + ",";
    return lines.stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst()
        .orElseThrow();
  }
}
