package io.kairos.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The benchmarks' set-ups still load what they measure (the S15 example files, the fences) and do
 * real work: a benchmark that silently measured nothing would report a fine number.
 */
class BenchmarkSmokeTest {

  @Test
  void scoringBenchmarkLoadsTheS15DefinitionsAndScores() throws Exception {
    ScoringBenchmark b = new ScoringBenchmark();
    b.definitions = "s15";
    b.eventCount = 50_000;
    b.setUp();
    assertThat(b.events).hasSize(50_000);
    assertThat(b.defs.journeys()).hasSize(2);
    Blackhole bh =
        new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is"
                + " dangerous.");
    assertThat(b.simulate(bh)).as("decay and expiry timers fired").isPositive();
  }

  @Test
  void stateCodecBenchmarkMeasuresARealStateThatRoundTrips() throws Exception {
    StateCodecBenchmark b = new StateCodecBenchmark();
    b.state = "waiting";
    b.events = 20_000;
    b.users = 2_000;
    b.setUp();
    assertThat(b.sizes.length).isGreaterThan(1_000);
    assertThat(b.bytes.length).as("a profile with history, not an empty one").isGreaterThan(100);
    assertThat(b.profile.activeInstances()).isPositive();
    assertThat(b.decodeAndEncode()).isEqualTo(b.bytes);
    assertThat(b.encode()).isEqualTo(b.bytes);
  }

  @Test
  void geofenceBenchmarkEntersAndLeavesFencesNearThem() {
    GeofenceBenchmark b = new GeofenceBenchmark();
    b.points = "near";
    b.setUp();
    int transitions = 0;
    for (int i = 0; i < 20_000; i++) {
      transitions += ((List<?>) b.observe()).size();
    }
    assertThat(transitions).isGreaterThan(1_000);
  }
}
