package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.event.EventType;
import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigException;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GroupCommitTest {
  @TempDir Path dir;

  private static String track(String messageId) {
    return "{\"type\":\"track\",\"userId\":\"u-"
        + messageId.hashCode() % 50
        + "\",\"event\":\"Clicked\",\"messageId\":\""
        + messageId
        + "\",\"timestamp\":\"2025-12-31T23:00:00Z\"}";
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void concurrentRequestsShareCommitsAndEveryAcknowledgedMessageIsStoredOnce(StoreKind kind)
      throws Exception {
    try (Fixture f = Fixture.start(kind, dir)) {
      int threads = 12;
      int requests = 20;
      int perRequest = 25;
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  Http http = new Http(f.server.port());
                  for (int r = 0; r < requests; r++) {
                    List<String> ids = new ArrayList<>();
                    StringBuilder body = new StringBuilder("{\"batch\":[");
                    for (int i = 0; i < perRequest; i++) {
                      // Every third request repeats its first message: a duplicate in flight.
                      String id = "t" + thread + "-r" + r + "-" + (r % 3 == 0 && i == 1 ? 0 : i);
                      ids.add(id);
                      body.append(i == 0 ? "" : ",").append(track(id));
                    }
                    Http.Response resp =
                        http.postJson("/v1/batch", f.ingestKey, body.append("]}").toString());
                    assertThat(resp.status()).as(resp.body()).isEqualTo(200);
                    acknowledged.addAll(ids);
                  }
                  return null;
                }));
      }
      for (Future<?> d : done) {
        d.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();

      List<Map<String, Object>> counts =
          f.rows("SELECT message_id, COUNT(*) AS n FROM events GROUP BY message_id");
      assertThat(counts).hasSize(acknowledged.size());
      assertThat(counts).allSatisfy(r -> assertThat(((Number) r.get("n")).intValue()).isOne());
      assertThat(counts)
          .extracting(r -> (String) r.get("message_id"))
          .containsExactlyInAnyOrderElementsOf(acknowledged);
      // Seqs are one gapless increasing sequence.
      assertThat(f.count("SELECT MAX(seq) FROM events")).isEqualTo(acknowledged.size());
      long commits = f.server.ingestion().writer().metricsCommits();
      assertThat(commits).as("group commits").isLessThan(threads * requests);
      assertThat(f.server.ingestion().eventLog().lastCommittedSeq()).isEqualTo(acknowledged.size());
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aFullQueueIsRefusedWith503AndRetryAfter(StoreKind kind) throws Exception {
    try (Fixture f = Fixture.start(kind, dir, c -> c.set("ingest.queue_capacity", "100"))) {
      IngestWriter writer = f.server.ingestion().writer();
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      writer.runBetweenCommits(
          () -> {
            held.countDown();
            await(release);
          });
      held.await(30, TimeUnit.SECONDS);
      CompletableFuture<long[]> queued = writer.submit(accepted("q", 100));
      Http.Response full = f.post("/v1/track", track("refused"));
      assertThat(full.status()).isEqualTo(503);
      assertThat(full.contentType()).startsWith("application/problem+json");
      assertThat(full.json().get("detail").asText()).contains("queue");
      assertThat(rawRetryAfter(f)).isEqualTo("1");
      release.countDown();
      assertThat(queued.get(30, TimeUnit.SECONDS)).hasSize(100).doesNotContain(-1L);
      assertThat(f.events()).isEqualTo(100);
      // Stored is not enough: the engine's backlog counts too, until it has applied them.
      assertThat(f.server.runtime().awaitIdle(java.time.Duration.ofSeconds(30))).isTrue();
      assertThat(f.post("/v1/track", track("later")).status()).isEqualTo(200);
    }
  }

  private static String rawRetryAfter(Fixture f) {
    RawHttp.Response r =
        RawHttp.exchange(
            f.server.port(),
            track("raw").getBytes(StandardCharsets.UTF_8),
            "POST /v1/track HTTP/1.1",
            "Authorization: Bearer " + f.ingestKey,
            "Content-Type: application/json",
            "Content-Length: " + track("raw").getBytes(StandardCharsets.UTF_8).length);
    assertThat(r.status()).isEqualTo(503);
    for (String line : r.head().split("\r\n")) {
      if (line.regionMatches(true, 0, "Retry-After:", 0, 12)) {
        return line.substring(12).trim();
      }
    }
    return null;
  }

  private static List<Accepted> accepted(String prefix, int n) {
    List<Accepted> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + i;
      out.add(
          new Accepted(
              "default",
              id,
              EventType.TRACK,
              "Clicked",
              "u" + i,
              null,
              null,
              0,
              0,
              track(id).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void stoppingRefusesNewRequestsAndCommitsWhatWasQueued(StoreKind kind) throws Exception {
    try (Fixture f = Fixture.start(kind, dir)) {
      IngestWriter writer = f.server.ingestion().writer();
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      writer.runBetweenCommits(
          () -> {
            held.countDown();
            await(release);
          });
      held.await(30, TimeUnit.SECONDS);
      CompletableFuture<long[]> a = writer.submit(accepted("a", 3));
      CompletableFuture<long[]> b = writer.submit(accepted("b", 2));
      writer.beginStop();
      Http.Response refused = f.post("/v1/track", track("too-late"));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.json().get("detail").asText()).contains("stopping");
      assertThat(f.http.get("/health/ready", null).status()).isEqualTo(503);
      AtomicLong notified = new AtomicLong();
      f.server.ingestion().eventLog().onCommitted(notified::set);
      release.countDown();
      writer.awaitStopped(java.time.Duration.ofSeconds(30));
      // Acknowledged by the ingest log (one record per request) before the store had them.
      assertThat(a.getNow(null)).containsExactly(1, 1, 1);
      assertThat(b.getNow(null)).containsExactly(2, 2);
      assertThat(notified.get()).isEqualTo(5);
      assertThat(f.events()).isEqualTo(5);
      assertThat(f.count("SELECT COUNT(*) FROM events WHERE message_id = 'too-late'")).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void thePartitionCountIsFixedAtTheFirstStartAndSeqsAreNeverReused(StoreKind kind) {
    ConfigLoader loader = TestStores.config(kind, dir).set("runtime.partitions", "3");
    VirtualClock clock = new VirtualClock(Fixture.START);
    try (KairosServer server = KairosServer.start(loader.build(), clock)) {
      Http http = new Http(server.port());
      String key =
          server
              .workspaces()
              .createKey("default", io.kairos.server.workspace.Scope.INGEST, "k")
              .secret();
      for (int i = 0; i < 3; i++) {
        assertThat(http.postJson("/v1/track", key, track("s" + i)).status()).isEqualTo(200);
      }
      assertThat(server.ingestion().eventLog().awaitStored(Duration.ofSeconds(30))).isEqualTo(3);
      // The newest events are erased (as a GDPR erasure may): their seqs must still not return.
      server
          .database()
          .transaction(c -> c.createStatement().executeUpdate("DELETE FROM events WHERE seq > 1"));
    }
    loader.set("runtime.partitions", "4");
    assertThatThrownBy(() -> KairosServer.start(loader.build(), clock))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runtime.partitions")
        .hasMessageContaining("3");
    loader.set("runtime.partitions", "3");
    try (KairosServer server = KairosServer.start(loader.build(), clock)) {
      assertThat(server.ingestion().eventLog().lastCommittedSeq()).isEqualTo(3);
      Http http = new Http(server.port());
      String key =
          server
              .workspaces()
              .createKey("default", io.kairos.server.workspace.Scope.INGEST, "k2")
              .secret();
      assertThat(http.postJson("/v1/track", key, track("s3")).status()).isEqualTo(200);
      assertThat(server.ingestion().eventLog().awaitStored(Duration.ofSeconds(30))).isEqualTo(4);
      long seq =
          server
              .database()
              .read(
                  c -> {
                    try (var rs =
                        c.createStatement()
                            .executeQuery("SELECT seq FROM events WHERE message_id = 's3'")) {
                      rs.next();
                      return rs.getLong(1);
                    }
                  });
      assertThat(seq).isEqualTo(4);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theRuntimeAppendsItsOwnRowsThroughTheSameSequence(StoreKind kind) throws Exception {
    try (Fixture f = Fixture.start(kind, dir)) {
      assertThat(f.post("/v1/track", track("first")).status()).isEqualTo(200);
      EventLog log = f.server.ingestion().eventLog();
      long last =
          log.append(
                  List.of(
                      new EventLog.LogEntry(
                          "default",
                          "u1",
                          "trigger",
                          "welcome",
                          "trigger-1",
                          Fixture.START.toEpochMilli(),
                          Fixture.START.toEpochMilli(),
                          "{\"journey\":\"welcome\",\"userId\":\"u1\"}"
                              .getBytes(StandardCharsets.UTF_8))))
              .get(30, TimeUnit.SECONDS);
      assertThat(last).isEqualTo(2);
      Map<String, Object> row = f.rows("SELECT * FROM events WHERE seq = 2").get(0);
      assertThat(row.get("type")).isEqualTo("trigger");
      assertThat(((Number) row.get("partition")).intValue())
          .isEqualTo(new Partitioner(2).partition("default", "u1"));
      assertThat(log.lastCommittedSeq()).isEqualTo(2);

      // An erasure removes the profile's identities: the anonymous id no longer leads to it.
      f.post(
          "/v1/identify", "{\"userId\":\"gone\",\"anonymousId\":\"dev-1\",\"messageId\":\"i1\"}");
      f.post("/v1/track", "{\"anonymousId\":\"dev-1\",\"event\":\"x\",\"messageId\":\"t1\"}");
      assertThat(f.rows("SELECT profile FROM events WHERE message_id = 't1'").get(0))
          .containsEntry("profile", "gone");
      log.append(
              List.of(
                  new EventLog.LogEntry(
                      "default", "gone", "erase", "gone", "erase-1", 0, 0, "{}".getBytes())))
          .get(30, TimeUnit.SECONDS);
      assertThat(f.count("SELECT COUNT(*) FROM identities WHERE profile = 'gone'")).isZero();
      f.post("/v1/track", "{\"anonymousId\":\"dev-1\",\"event\":\"x\",\"messageId\":\"t2\"}");
      assertThat(f.rows("SELECT profile FROM events WHERE message_id = 't2'").get(0))
          .containsEntry("profile", "dev-1");
    }
  }
}
