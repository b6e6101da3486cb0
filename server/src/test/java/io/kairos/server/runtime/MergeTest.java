package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An anonymous visitor who identifies is merged into the customer, as in the simulator: the journey
 * the visitor was in continues under the customer, whichever partitions the two profiles live in.
 */
class MergeTest {
  private static final Definitions BROWSE =
      TestDefinitions.of(
          """
          id: browse-reminder
          goal: bring browsers back
          trigger:
            event: Product Viewed
          steps:
            - wait: 1h
            - send: email
              template: still-looking
          """);

  private static final PartitionFunction TWO = PartitionFunction.hashing(2);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aVisitorMergedFromAnotherPartitionContinuesAsTheCustomer(StoreKind kind) throws Exception {
    String anon = anonymousIdIn(1 - TWO.partitionOf("default", "ana"));
    List<String> lines = timeline(anon);
    List<String> expected = Reference.run(BROWSE, lines, end());
    try (RuntimeFixture f =
        new RuntimeFixture(kind, dir, new TestDefinitions(BROWSE), RuntimeFixture.settings(2))) {
      // The visitor's writer is held right before it commits the merge marker, so the customer's
      // writer reaches the merge first and must wait at the barrier.
      int visitorPartition = TWO.partitionOf("default", anon);
      CountDownLatch release = new CountDownLatch(1);
      f.runtime.commitHook(
          (partition, upTo) -> {
            if (partition == visitorPartition) {
              await(release);
            }
          });
      f.clock.set(Instant.ofEpochMilli(end()));
      f.feed(lines);
      assertThat(f.runtime.progress().awaitBarrierWaiters(1, TimeUnit.SECONDS.toNanos(30)))
          .isTrue();
      release.countDown();
      f.idle();

      assertThat(Reference.byProfile(f.trace())).isEqualTo(Reference.byProfile(expected));
      assertThat(f.trace())
          .contains(
              Reference.line(
                  "ana",
                  Instant.parse("2026-03-02T11:00:00Z").toEpochMilli(),
                  "browse-reminder",
                  "step-2",
                  "send email still-looking",
                  "step step-2: marketing email with template 'still-looking'"));
      assertMerged(f, anon);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aMergeWithinOnePartitionHappensInline(StoreKind kind) {
    String anon = anonymousIdIn(TWO.partitionOf("default", "ana"));
    List<String> lines = timeline(anon);
    List<String> expected = Reference.run(BROWSE, lines, end());
    try (RuntimeFixture f =
        new RuntimeFixture(kind, dir, new TestDefinitions(BROWSE), RuntimeFixture.settings(2))) {
      f.clock.set(Instant.ofEpochMilli(end()));
      f.feed(lines);
      f.idle();
      assertThat(Reference.byProfile(f.trace())).isEqualTo(Reference.byProfile(expected));
      assertMerged(f, anon);
    }
  }

  private static void assertMerged(RuntimeFixture f, String anon) {
    assertThat(f.count("SELECT COUNT(*) FROM profiles WHERE id = '" + anon + "'")).isZero();
    assertThat(f.count("SELECT COUNT(*) FROM profiles WHERE id = 'ana'")).isOne();
    // The visitor's own timer fired in its partition and was dropped as stale; the customer's
    // fired once: nothing is left, nothing was sent twice.
    assertThat(f.count("SELECT COUNT(*) FROM timers")).isZero();
    assertThat(f.count("SELECT COUNT(*) FROM outbox")).isOne();
    assertThat(f.notes("merged")).containsExactly("ana 2026-03-02T10:30:00Z");
    f.assertTimelinesLinked();
  }

  private static List<String> timeline(String anon) {
    return List.of(
        "{\"type\":\"track\",\"anonymousId\":\""
            + anon
            + "\",\"timestamp\":\"2026-03-02T10:00:00Z\",\"event\":\"Product Viewed\"}",
        "{\"type\":\"identify\",\"userId\":\"ana\",\"anonymousId\":\""
            + anon
            + "\",\"timestamp\":\"2026-03-02T10:30:00Z\",\"traits\":{\"email\":\"ana@example.com\"}}");
  }

  private static long end() {
    return Instant.parse("2026-03-02T12:00:00Z").toEpochMilli();
  }

  private static String anonymousIdIn(int partition) {
    for (int i = 0; ; i++) {
      String id = "anon-" + i;
      if (TWO.partitionOf("default", id) == partition) {
        return id;
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
