package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.kairos.channel.webhook.WebhookSignature;
import io.kairos.server.KairosServer;
import io.kairos.server.store.Database;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The runtime commits its batches without waiting for the disk: every input is already on disk in
 * the log and a batch is deterministic, so a power loss only makes it apply them again. What must
 * not be undone is forced: an erasure (its caller is told it is done), and, before any message goes
 * out, the dispatcher's claim, which forces every commit before it.
 */
class CommitDurabilityTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void batchesCommitUnforcedAndAnErasureForced(StoreKind kind) {
    try (RuntimeFixture f =
        new RuntimeFixture(
            kind,
            dir,
            new TestDefinitions(TestDefinitions.of(TestDefinitions.WELCOME_YAML)),
            RuntimeFixture.settings(2))) {
      f.at("2026-03-02T10:00:00Z");
      f.feed(
          List.of(
              "{\"type\":\"track\",\"userId\":\"ana\",\"timestamp\":\"2026-03-02T10:00:00Z\","
                  + "\"event\":\"Signed Up\"}",
              "{\"type\":\"track\",\"userId\":\"bob\",\"timestamp\":\"2026-03-02T10:00:00Z\","
                  + "\"event\":\"Signed Up\"}"));
      // The log's append is forced; what follows is the runtime's alone.
      long forced = f.db.forcedCommits();
      long unforced = f.db.unforcedCommits();
      f.idle();
      assertThat(f.count("SELECT COUNT(*) FROM outbox")).isEqualTo(2);
      assertThat(f.db.unforcedCommits()).as("runtime batches").isGreaterThan(unforced);
      assertThat(f.db.forcedCommits()).as("forced commits by the runtime").isEqualTo(forced);

      f.runtime.erase("default", "ana", "admin-key-1");
      forced = f.db.forcedCommits();
      f.idle();
      assertThat(f.count("SELECT COUNT(*) FROM audit_log WHERE subject = 'ana'")).isOne();
      assertThat(f.db.forcedCommits()).as("the erasure's batch").isEqualTo(forced + 1);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aMessageGoesOutOnlyAfterAForcedCommitCoversTheDecision(StoreKind kind) throws Exception {
    List<Long> forcedAtArrival = new CopyOnWriteArrayList<>();
    List<Integer> batchesAtArrival = new CopyOnWriteArrayList<>();
    // The forced commits counted as each runtime batch is about to commit (unforced).
    List<Long> decided = new CopyOnWriteArrayList<>();
    CountDownLatch arrived = new CountDownLatch(1);
    HttpServer hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    VirtualClock clock = new VirtualClock(Instant.parse("2026-03-02T10:00:00Z"));
    try (KairosServer server =
        KairosServer.start(
            TestStores.config(kind, dir)
                .set("delivery.enabled", "true")
                .set("channels.webhook.secret", WebhookSignature.newSecret())
                .set("channels.webhook.allow", "127.0.0.1")
                .build(),
            clock)) {
      Database db = server.database();
      hooks.createContext(
          "/hook",
          ex -> {
            forcedAtArrival.add(db.forcedCommits());
            batchesAtArrival.add(decided.size());
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
            ex.close();
            arrived.countDown();
          });
      hooks.start();
      String admin =
          server.workspaces().createKey(Workspaces.DEFAULT, Scope.ADMIN, "admin").secret();
      String write =
          server.workspaces().createKey(Workspaces.DEFAULT, Scope.INGEST, "ingest").secret();
      Http http = new Http(server.port());
      String journey =
          """
          id: hook
          goal: tell the CRM
          trigger: { event: Signed Up }
          steps:
            - webhook: http://127.0.0.1:%d/hook
              body:
                user: profile.user_id
          """
              .formatted(hooks.getAddress().getPort());
      Http.Response created =
          http.post("/v1/journeys", admin, "application/yaml", journey.getBytes());
      assertThat(created.status()).as(created.body()).isIn(200, 201);
      assertThat(http.postJson("/v1/journeys/hook/publish", admin, "").status()).isEqualTo(200);

      server.runtime().commitHook((partition, upTo) -> decided.add(db.forcedCommits()));
      Http.Response sent =
          http.postJson(
              "/v1/track",
              write,
              "{\"userId\":\"ana\",\"event\":\"Signed Up\",\"messageId\":\"m-1\"}");
      assertThat(sent.status()).as(sent.body()).isEqualTo(200);

      assertThat(arrived.await(60, TimeUnit.SECONDS)).as("the webhook arrived").isTrue();
      // The last batch before the call is the one that decided it.
      int batches = batchesAtArrival.get(0);
      assertThat(batches).as("runtime batches before the call").isPositive();
      assertThat(forcedAtArrival.get(0))
          .as("forced commits between the decision and the call")
          .isGreaterThan(decided.get(batches - 1));
    } finally {
      hooks.stop(0);
    }
  }
}
