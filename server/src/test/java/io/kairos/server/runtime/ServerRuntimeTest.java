package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.engine.StateCodec;
import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigException;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.store.Settings;
import io.kairos.server.store.StoreException;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The runtime inside the server: configured by its keys, started and stopped with it, metered. */
class ServerRuntimeTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theServerRunsJourneysAndReportsTheRuntimeInItsMetrics(StoreKind kind) {
    VirtualClock clock = new VirtualClock(Instant.parse("2026-03-02T10:00:00Z"));
    MiniIngest ingest = new MiniIngest("default");
    // The default workspace is seeded with the example journeys: the runtime runs what the
    // definitions store published.
    try (KairosServer server =
        KairosServer.start(
            TestStores.config(kind, dir)
                .set("runtime.partitions", "3")
                .set("journeys.dir", Path.of("..", "examples", "journeys").toString())
                .build(),
            clock)) {
      List<InputRow> rows = new ArrayList<>();
      for (String user : List.of("ana", "bob", "cleo", "dan")) {
        rows.addAll(
            ingest.rows(
                "{\"type\":\"identify\",\"userId\":\""
                    + user
                    + "\",\"timestamp\":\"2026-03-02T10:00:00Z\",\"traits\":{\"email\":\""
                    + user
                    + "@example.com\"}}"));
        rows.addAll(
            ingest.rows(
                "{\"type\":\"track\",\"userId\":\""
                    + user
                    + "\",\"timestamp\":\"2026-03-02T10:00:00Z\",\"event\":\"Product Added\"}"));
      }
      server.inputLog().append(rows);
      assertThat(server.runtime().awaitIdle(RuntimeFixture.IDLE)).isTrue();

      Http http = new Http(server.port());
      assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
      String metrics = http.get("/metrics", null).body();
      assertThat(value(metrics, "kairos_runtime_inputs_total\\{kind=\"event\",?\\}")).isEqualTo(8);
      assertThat(value(metrics, "kairos_engine_lag_events")).isZero();
      // The ingest writer handed every row over at its commit: none was read back.
      assertThat(value(metrics, "kairos_runtime_log_rows_total\\{source=\"memory\",?\\}"))
          .isEqualTo(8);
      assertThat(value(metrics, "kairos_runtime_log_rows_total\\{source=\"store\",?\\}")).isZero();
      assertThat(value(metrics, "kairos_engine_lag_seconds")).isZero();
      // Each cart waits an hour (abandoned-cart) and starts a quiet period (reactivation).
      assertThat(value(metrics, "kairos_timers_pending")).isGreaterThanOrEqualTo(4);
      // Every profile the events changed is cached, at its estimated heap.
      double cached = value(metrics, "kairos_runtime_cache_profiles");
      assertThat(cached).isPositive();
      assertThat(value(metrics, "kairos_runtime_cache_bytes")).isGreaterThan(cached * 1024);
      assertThat(metrics).contains("kairos_runtime_commit_seconds_count");
      assertThat(metrics).contains("kairos_runtime_decision_seconds");

      clock.set(Instant.parse("2026-03-02T11:00:00Z"));
      assertThat(server.runtime().awaitIdle(RuntimeFixture.IDLE)).isTrue();
      metrics = http.get("/metrics", null).body();
      assertThat(value(metrics, "kairos_runtime_inputs_total\\{kind=\"timer\",?\\}"))
          .isGreaterThanOrEqualTo(4);
      assertThat(value(metrics, "kairos_outbox_depth")).isEqualTo(4);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aStoreWithStatesInANewerFormatIsRefusedAtTheStart(StoreKind kind) {
    VirtualClock clock = new VirtualClock(Instant.parse("2026-03-02T10:00:00Z"));
    ServerConfig config = TestStores.config(kind, dir).build();
    String newer = Integer.toString(StateCodec.FORMAT_VERSION + 1);
    try (KairosServer server = KairosServer.start(config, clock)) {
      String recorded =
          server.database().transaction(c -> Settings.get(c, LiveRuntime.STATE_FORMAT));
      assertThat(recorded).isEqualTo(Integer.toString(StateCodec.FORMAT_VERSION));
      // As a newer build would leave it.
      server
          .database()
          .transaction(
              c -> {
                Settings.put(c, LiveRuntime.STATE_FORMAT, newer);
                return null;
              });
    }
    assertThatThrownBy(() -> KairosServer.start(config, clock).close())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("profile states in format " + newer)
        .hasMessageContaining("reads formats 1 to " + StateCodec.FORMAT_VERSION);
  }

  @Test
  void runtimeKeysAreValidatedByName() {
    assertThatThrownBy(() -> new ConfigLoader().set("runtime.batch_size", "0").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("runtime.batch_size:");
    assertThatThrownBy(() -> new ConfigLoader().set("runtime.timer_window", "many").build())
        .hasMessageStartingWith("runtime.timer_window: expected a whole number");
    assertThatThrownBy(() -> new ConfigLoader().set("runtime.cache_profiles", "-1").build())
        .hasMessageStartingWith("runtime.cache_profiles:");
    var c = new ConfigLoader().env(java.util.Map.of("KAIROS_RUNTIME_TIMER_WINDOW", "5000")).build();
    assertThat(c.timerWindow()).isEqualTo(5000);
    assertThat(c.runtimeBatchSize()).isEqualTo(2000);
    assertThat(c.cacheProfiles()).isEqualTo(100_000);
    // Unset, the cache's heap is a share of the JVM's; set, it is what it says.
    long share = Runtime.getRuntime().maxMemory() / 100 * 25;
    assertThat(c.cacheBytes()).isEqualTo(share);
    assertThat(new ConfigLoader().set("runtime.cache_mb", "300").build().cacheBytes())
        .isEqualTo(300L << 20);
    assertThatThrownBy(() -> new ConfigLoader().set("runtime.cache_mb", "lots").build())
        .hasMessageStartingWith("runtime.cache_mb: expected a whole number");
    assertThatThrownBy(() -> new ConfigLoader().set("runtime.cache_mb", "-5").build())
        .hasMessageStartingWith("runtime.cache_mb: must be between 0 and");
  }

  private static double value(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(metrics);
    assertThat(m.find()).as("metric %s in\n%s", name, metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
