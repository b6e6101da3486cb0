package io.kairos.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.IssuedKey;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServerSmokeTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void startsHealthyAndAnswersProblemsForUnknownRoutes(StoreKind kind) {
    try (KairosServer server =
        KairosServer.start(
            TestStores.serverConfig(kind, dir),
            new VirtualClock(Instant.parse("2026-01-01T00:00:00Z")))) {
      Http http = new Http(server.port());
      Http.Response health = http.get("/health", null);
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().get("store").asText()).isEqualTo("up");
      assertThat(health.json().get("store_kind").asText())
          .isEqualTo(kind == StoreKind.SQLITE ? "sqlite" : "postgres");
      assertThat(server.workspaces().exists(Workspaces.DEFAULT)).isTrue();

      Http.Response missing = http.get("/no/such/route", null);
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.contentType()).startsWith("application/problem+json");
      assertThat(missing.json().get("detail").asText()).contains("/no/such/route");

      String metrics = http.get("/metrics", null).body();
      assertThat(metrics)
          .contains("# HELP")
          // The dedupe filter's meters exist from the start.
          .contains("kairos_ingest_dedupe_filter_bytes")
          .contains("kairos_ingest_dedupe_ids_total{answered_by=\"filter\"");
      // Creating the default workspace was a write transaction: it held the lock a while.
      if (kind == StoreKind.SQLITE) {
        assertThat(metrics)
            .containsPattern("kairos_store_write_lock_held_seconds_total [0-9.E-]*[1-9]")
            .contains("kairos_store_write_lock_wait_seconds_total")
            // Made on the test's thread: neither the ingest writer nor a partition writer.
            .containsPattern(
                "kairos_store_write_lock_held_by_seconds_total\\{writer=\"other\",?\\}"
                    + " [0-9.E-]*[1-9]")
            .containsPattern(
                "kairos_store_write_lock_turns_total\\{writer=\"other\",?\\} [0-9.E-]*[1-9]");
      } else {
        assertThat(metrics).doesNotContain("kairos_store_write_lock");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void keysAreScopedHashedAndRevocable(StoreKind kind) {
    try (KairosServer server =
        KairosServer.start(
            TestStores.serverConfig(kind, dir),
            new VirtualClock(Instant.parse("2026-01-01T00:00:00Z")))) {
      Workspaces ws = server.workspaces();
      IssuedKey key = ws.createKey(Workspaces.DEFAULT, Scope.READ, "test");
      assertThat(ws.authenticate(key.secret()))
          .get()
          .extracting(k -> k.scope())
          .isEqualTo(Scope.READ);
      assertThat(ws.authenticate(key.secret() + "x")).isEmpty();
      String stored =
          server
              .database()
              .read(
                  c -> {
                    try (var rs = c.createStatement().executeQuery("SELECT hash FROM api_keys")) {
                      rs.next();
                      return rs.getString(1);
                    }
                  });
      assertThat(stored).doesNotContain(key.secret()).hasSize(64);
      assertThat(ws.revokeKey(Workspaces.DEFAULT, key.id())).isTrue();
      assertThat(ws.authenticate(key.secret())).isEmpty();
      assertThat(ws.revokeKey(Workspaces.DEFAULT, key.id())).isFalse();
    }
  }
}
