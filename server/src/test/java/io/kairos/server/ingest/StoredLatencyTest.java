package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.EventType;
import io.kairos.server.store.Database;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kairos_ingest_stored_seconds} runs from an event's arrival to the commit of its row, the
 * moment the runtime can read it; an event acknowledged while the writer is held shows the wait.
 */
class StoredLatencyTest {
  @TempDir Path dir;

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theStoredTimeRunsFromArrivalToTheCommitOfTheRow() throws Exception {
    VirtualClock clock = new VirtualClock(NOW);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Database db = TestStores.open(StoreKind.SQLITE, dir)) {
      IngestWriter writer =
          new IngestWriter(
              db,
              dir.resolve("ingest-log"),
              1 << 20,
              new Partitioner(2),
              Duration.ofDays(7),
              DedupeFilterTest.MEMORY,
              clock,
              10_000,
              new IngestMetrics(registry, () -> 0));
      writer.start();
      try {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        writer.runBetweenCommits(
            () -> {
              held.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        // Acknowledged (on disk in the log) while the store's writer is held...
        writer.submit(List.of(track("m-1"), track("m-2"))).get(30, TimeUnit.SECONDS);
        clock.advance(Duration.ofMillis(2_500));
        release.countDown();
        // ...and stored 2.5 s after it arrived.
        assertThat(writer.awaitStored(Duration.ofSeconds(30))).isEqualTo(2);

        Timer stored = registry.get("kairos.ingest.stored").timer();
        assertThat(stored.count()).isEqualTo(2);
        assertThat(stored.max(TimeUnit.MILLISECONDS)).isEqualTo(2_500.0);
        assertThat(stored.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5_000.0);
      } finally {
        writer.stop(Duration.ofSeconds(30));
      }
    }
  }

  private static Accepted track(String messageId) {
    long at = NOW.toEpochMilli();
    String body =
        "{\"type\":\"track\",\"messageId\":\""
            + messageId
            + "\",\"userId\":\"u-1\",\"event\":\"Clicked\","
            + "\"timestamp\":\"2026-01-01T00:00:00.000Z\"}";
    return new Accepted(
        "default",
        messageId,
        EventType.TRACK,
        "Clicked",
        "u-1",
        null,
        null,
        at,
        at,
        body.getBytes(StandardCharsets.UTF_8));
  }
}
