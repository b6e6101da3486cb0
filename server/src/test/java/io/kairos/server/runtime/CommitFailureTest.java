package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A batch whose commit fails is rolled back and applied again from the cursor; the profiles the
 * engine had changed in memory are evicted first, so nothing is applied twice: the trace is the
 * simulator's, the outbox holds each message once.
 */
class CommitFailureTest {
  private static final Definitions EXAMPLES =
      TestDefinitions.load(Path.of("..", "examples", "journeys"));

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void failedCommitsAreRetriedWithoutApplyingAnythingTwice(StoreKind kind) {
    List<String> lines = RandomTimelines.timeline(21, 8, 140);
    long end = RandomTimelines.lastTimestamp(lines) + 30 * 86_400_000L;
    List<Effect> effects = new ArrayList<>();
    List<String> expected = Reference.run(EXAMPLES, lines, end, effects);
    try (RuntimeFixture f =
        new RuntimeFixture(
            kind, dir, new TestDefinitions(EXAMPLES), RuntimeFixture.settings(1, 10, 10_000))) {
      Set<Integer> failing = Set.of(2, 3, 7, 12);
      AtomicInteger commits = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      f.runtime.commitHook(
          (partition, upTo) -> {
            if (failing.contains(commits.incrementAndGet())) {
              failed.incrementAndGet();
              throw new IllegalStateException("disk full (test)");
            }
          });
      f.clock.set(Instant.ofEpochMilli(end));
      f.feed(lines);
      f.idle();
      assertThat(failed.get()).isEqualTo(failing.size());
      assertThat(f.trace()).isEqualTo(expected);
      assertThat(f.outboxIds()).isEqualTo(Reference.outboxIds(effects));
    }
  }
}
