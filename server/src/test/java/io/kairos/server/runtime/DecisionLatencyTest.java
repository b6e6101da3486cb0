package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.server.testing.StoreKind;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kairos_runtime_decision_seconds} runs from an event's arrival to the commit of the batch
 * that decided on it: a commit that takes long (here the virtual clock moves on inside the
 * transaction) shows in it, so the metric cannot look better than what a customer sees.
 */
class DecisionLatencyTest {
  private static final Definitions WELCOME = TestDefinitions.of(TestDefinitions.WELCOME_YAML);

  @TempDir Path dir;

  @Test
  void theDecisionTimeIncludesTheCommit() {
    try (RuntimeFixture f =
        new RuntimeFixture(
            StoreKind.SQLITE, dir, new TestDefinitions(WELCOME), RuntimeFixture.settings(1))) {
      f.at("2026-03-02T10:00:00Z");
      f.runtime.commitHook((partition, upTo) -> f.clock.advance(Duration.ofSeconds(3)));
      f.feed(
          List.of(
              "{\"type\":\"track\",\"userId\":\"ana\",\"timestamp\":\"2026-03-02T10:00:00Z\","
                  + "\"event\":\"Signed Up\"}"));
      f.idle();

      Timer decision = f.metrics.registry().get("kairos.runtime.decision").timer();
      assertThat(decision.count()).isEqualTo(1);
      assertThat(decision.max(TimeUnit.MILLISECONDS)).isEqualTo(3_000.0);
    }
  }
}
