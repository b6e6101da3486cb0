package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.KairosServer;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Acknowledgements run ahead of the engine by at most {@code ingest.queue_capacity} events: past
 * that, the tracking API refuses with 503 until the engine catches up, so a client sending faster
 * than the engine applies cannot build a backlog without bound.
 */
class IngestBackpressureTest {
  @TempDir Path dir;

  private static String batch(String prefix, int n) {
    StringBuilder b = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"type\":\"track\",\"userId\":\"u")
          .append(i % 7)
          .append("\",\"event\":\"Clicked\",\"messageId\":\"")
          .append(prefix)
          .append(i)
          .append("\",\"timestamp\":\"2026-03-02T10:00:00Z\"}");
    }
    return b.append("]}").toString();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theTrackingApiRefusesOnceTheEngineIsTheCapacityBehind(StoreKind kind) throws Exception {
    VirtualClock clock = new VirtualClock(Instant.parse("2026-03-02T10:00:00Z"));
    try (KairosServer server =
        KairosServer.start(
            TestStores.config(kind, dir).set("ingest.queue_capacity", "100").build(), clock)) {
      String key =
          server.workspaces().createKey(Workspaces.DEFAULT, Scope.INGEST, "ingest").secret();
      Http http = new Http(server.port());
      CountDownLatch release = new CountDownLatch(1);
      server
          .runtime()
          .commitHook(
              (partition, upTo) -> {
                try {
                  release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });

      assertThat(http.postJson("/v1/batch", key, batch("a", 60)).status()).isEqualTo(200);
      Http.Response refused = http.postJson("/v1/batch", key, batch("b", 60));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.json().get("detail").asText())
          .contains("waiting for the store or the engine");
      // The refusal is the engine's backlog: the first 60 are stored, only not applied yet.
      assertThat(server.ingestion().eventLog().awaitStored(RuntimeFixture.IDLE)).isEqualTo(60);

      release.countDown();
      server.runtime().commitHook(CommitHook.NONE);
      assertThat(server.runtime().awaitIdle(RuntimeFixture.IDLE)).isTrue();
      Http.Response accepted = http.postJson("/v1/batch", key, batch("b", 60));
      assertThat(accepted.status()).isEqualTo(200);
      assertThat(accepted.json().get("accepted").asInt()).isEqualTo(60);
    }
  }
}
