package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.EventType;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A 200 stands on the ingest log; the store gets the messages moments later. Between the two, a
 * repeat is still a duplicate, and a crash loses nothing: the next start stores what the store
 * lacks, once.
 */
class AcknowledgedBeforeStoredTest {
  @TempDir Path dir;

  private static String track(String messageId, String user) {
    return "{\"type\":\"track\",\"userId\":\""
        + user
        + "\",\"event\":\"Clicked\",\"messageId\":\""
        + messageId
        + "\",\"timestamp\":\"2025-12-31T23:00:00Z\"}";
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRepeatWhileTheFirstIsOnlyInTheLogIsADuplicate(StoreKind kind) throws Exception {
    try (Fixture f = Fixture.start(kind, dir)) {
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      f.server
          .ingestion()
          .writer()
          .runBetweenCommits(
              () -> {
                held.countDown();
                try {
                  release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

      // The store's writer is held: these are acknowledged by the log alone.
      var first = f.post("/v1/track", track("m-1", "ana"));
      assertThat(first.status()).as(first.body()).isEqualTo(200);
      assertThat(first.json().get("accepted").asInt()).isOne();
      var again = f.post("/v1/batch", "{\"batch\":[" + track("m-1", "ana") + "]}");
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.json().get("duplicates").asInt()).isOne();
      assertThat(again.json().get("duplicateMessages").get(0).get("messageId").asText())
          .isEqualTo("m-1");

      release.countDown();
      assertThat(f.count("SELECT COUNT(*) FROM events WHERE message_id = 'm-1'")).isOne();
      assertThat(f.count("SELECT COUNT(*) FROM message_ids WHERE message_id = 'm-1'")).isOne();
      // Once stored, the store's dedupe table answers.
      var later = f.post("/v1/track", track("m-1", "ana"));
      assertThat(later.json().get("duplicates").asInt()).isOne();
      assertThat(f.events()).isOne();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void recordsLoggedBeforeACrashAreStoredAtTheNextStartOnce(StoreKind kind) throws Exception {
    ConfigLoader loader = TestStores.config(kind, dir);
    try (Fixture f = Fixture.start(loader)) {
      assertThat(f.post("/v1/track", track("before", "ana")).status()).isEqualTo(200);
      assertThat(f.events()).isOne();
    }
    // What a kill -9 after two acknowledgements, before the store had them, leaves on disk: two
    // forced records, and the torn start of a third that was never acknowledged.
    Path logDir = dir.resolve(Ingestion.LOG_DIRECTORY);
    try (IngestLog log = IngestLog.open(logDir, IngestLog.SEGMENT_BYTES, 1, new ArrayList<>())) {
      log.append(List.of(LoggedMessages.encode(List.of(accepted("c-1", "ben")))));
      log.append(
          List.of(LoggedMessages.encode(List.of(accepted("c-2", "ben"), accepted("c-3", "cleo")))));
    }
    Path segment;
    try (Stream<Path> s = Files.list(logDir)) {
      segment = s.sorted().reduce((a, b) -> b).orElseThrow();
    }
    Files.write(segment, new byte[] {0, 0, 1, 0, 7, 7}, StandardOpenOption.APPEND);

    try (Fixture f = Fixture.start(loader)) {
      // Stored during the start, before the first request is taken.
      assertThat(f.count("SELECT COUNT(*) FROM events")).isEqualTo(4);
      assertThat(f.rows("SELECT message_id FROM events ORDER BY seq"))
          .extracting(r -> r.get("message_id"))
          .containsExactly("before", "c-1", "c-2", "c-3");
      assertThat(f.rows("SELECT value FROM settings WHERE key = 'ingest_log_stored'"))
          .extracting(r -> r.get("value"))
          .containsExactly("3");
      // Counted while they waited for the store, released by their commit: nothing waits now.
      assertThat(f.server.ingestion().writer().queued()).isZero();
      var repeat = f.post("/v1/track", track("c-2", "ben"));
      assertThat(repeat.json().get("duplicates").asInt()).isOne();
      assertThat(f.post("/v1/track", track("after", "ben")).status()).isEqualTo(200);
      assertThat(f.events()).isEqualTo(5);
    }
    try (Fixture f = Fixture.start(loader)) {
      assertThat(f.events()).isEqualTo(5);
      assertThat(f.count("SELECT COUNT(DISTINCT message_id) FROM events")).isEqualTo(5);
    }
  }

  private static Accepted accepted(String messageId, String user) throws IOException {
    return new Accepted(
        "default",
        messageId,
        EventType.TRACK,
        "Clicked",
        user,
        null,
        null,
        Fixture.START.toEpochMilli(),
        Fixture.START.toEpochMilli(),
        track(messageId, user).getBytes(StandardCharsets.UTF_8));
  }
}
