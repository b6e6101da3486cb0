package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.EventType;
import io.kairos.server.store.Database;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ingest writer copies its log into the store with commits that are not forced to disk (the log
 * still holds the records), and deletes a segment of the log only after a forced commit has put
 * every record in it on disk.
 */
class LogReleaseTest {
  @TempDir Path dir;

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aSegmentGoesOnlyOnceAForcedCommitCoversItAndOtherCopiesCommitUnforced(StoreKind kind)
      throws Exception {
    try (Database db = TestStores.open(kind, dir)) {
      Path logDir = dir.resolve("ingest-log");
      // About three records a segment.
      IngestWriter writer =
          new IngestWriter(
              db,
              logDir,
              1_024,
              new Partitioner(2),
              Duration.ofDays(7),
              DedupeFilterTest.MEMORY,
              new VirtualClock(NOW),
              10_000,
              new IngestMetrics(new SimpleMeterRegistry(), () -> 0));
      writer.start();
      try {
        Set<String> segments = segments(logDir);
        long forced = db.forcedCommits();
        int deleted = 0;
        for (int i = 0; i < 40; i++) {
          writer.submit(List.of(track(i))).get(30, TimeUnit.SECONDS);
          assertThat(writer.awaitStored(Duration.ofSeconds(30))).isEqualTo(i + 1);
          Set<String> now = segments(logDir);
          Set<String> gone = new TreeSet<>(segments);
          gone.removeAll(now);
          if (!gone.isEmpty()) {
            deleted += gone.size();
            assertThat(db.forcedCommits())
                .as("segments %s deleted after record %d without a forced commit", gone, i)
                .isGreaterThan(forced);
          }
          segments = now;
          forced = db.forcedCommits();
        }
        assertThat(deleted).as("segments deleted").isGreaterThanOrEqualTo(10);
        assertThat(db.unforcedCommits()).as("unforced commits").isGreaterThanOrEqualTo(20);
        assertThat(segments.size()).isLessThanOrEqualTo(2);
      } finally {
        writer.stop(Duration.ofSeconds(30));
      }
    }
  }

  private static Accepted track(int i) {
    long at = NOW.toEpochMilli();
    String body =
        "{\"type\":\"track\",\"messageId\":\"m-"
            + i
            + "\",\"userId\":\"u-"
            + i % 5
            + "\",\"event\":\"Clicked\",\"timestamp\":\"2026-01-01T00:00:00.000Z\","
            + "\"properties\":{\"padding\":\""
            + "x".repeat(200)
            + "\"}}";
    return new Accepted(
        "default",
        "m-" + i,
        EventType.TRACK,
        "Clicked",
        "u-" + i % 5,
        null,
        null,
        at,
        at,
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static Set<String> segments(Path logDir) throws IOException {
    try (Stream<Path> files = Files.list(logDir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".log"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
