package io.kairos.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsGiveTheEmbeddedStoreOnPort8080() {
    ServerConfig c = new ConfigLoader().build();
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.usesPostgres()).isFalse();
    assertThat(c.maxEventBytes()).isEqualTo(32 * 1024);
    assertThat(c.dedupeWindow()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void fileThenEnvironmentThenOptionsWin() throws IOException {
    Path f = dir.resolve("kairos.yaml");
    Files.writeString(f, "server:\n  port: 9000\n  host: 0.0.0.0\ningest.dedupe_window: 2d\n");
    ServerConfig c =
        new ConfigLoader()
            .file(f)
            .env(Map.of("KAIROS_SERVER_PORT", "9100", "UNRELATED", "x"))
            .set("data.dir", "/var/lib/kairos")
            .build();
    assertThat(c.port()).isEqualTo(9100);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.dedupeWindow()).isEqualTo(Duration.ofDays(2));
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/kairos"));
  }

  @Test
  void everyBadValueNamesItsKey() throws IOException {
    assertThatThrownBy(() -> new ConfigLoader().set("server.port", "eighty").build())
        .hasMessageStartingWith("server.port: expected a whole number");
    assertThatThrownBy(() -> new ConfigLoader().set("server.port", "70000").build())
        .hasMessageStartingWith("server.port: must be between 0 and 65535");
    assertThatThrownBy(() -> new ConfigLoader().set("delivery.provider_rates", "smtp=5").build())
        .hasMessageStartingWith("delivery.provider_rates: expected provider=rate pairs");
    assertThatThrownBy(() -> new ConfigLoader().set("delivery.provider_rates", "fcm=0").build())
        .hasMessageStartingWith("delivery.provider_rates: fcm: must be above 0");
    assertThatThrownBy(() -> new ConfigLoader().set("server.public_url", "ftp://x.example").build())
        .hasMessageStartingWith("server.public_url: expected http(s)://");
    assertThat(
            new ConfigLoader()
                .set("delivery.provider_rates", " FCM=600, webhook:crm.example.com=20 ")
                .build()
                .delivery()
                .providerRates())
        .containsExactly(
            java.util.Map.entry("fcm", 600.0),
            java.util.Map.entry("webhook:crm.example.com", 20.0));
    assertThatThrownBy(() -> new ConfigLoader().set("store.url", "mysql://x").build())
        .hasMessageStartingWith("store.url: expected a jdbc:postgresql:");
    assertThatThrownBy(() -> new ConfigLoader().set("ingest.dedupe_window", "soon").build())
        .hasMessageStartingWith("ingest.dedupe_window: invalid duration");
    assertThatThrownBy(() -> new ConfigLoader().set("ingest.dedupe_window", "1 month").build())
        .hasMessageStartingWith("ingest.dedupe_window: use days");
    assertThatThrownBy(() -> new ConfigLoader().set("store.sqlite.synchronous", "OFF").build())
        .hasMessageStartingWith("store.sqlite.synchronous: expected FULL or NORMAL");
    assertThatThrownBy(
            () ->
                new ConfigLoader()
                    .set("ingest.max_event_bytes", "4096")
                    .set("ingest.max_batch_bytes", "1024")
                    .build())
        .hasMessageStartingWith("ingest.max_batch_bytes: must be at least");
    assertThatThrownBy(
            () -> new ConfigLoader().env(Map.of("KAIROS_RUNTIME_PARTITIONS", "0")).build())
        .hasMessageStartingWith("runtime.partitions: must be between 1");

    Path f = dir.resolve("typo.yaml");
    Files.writeString(f, "server:\n  prot: 9000\n");
    assertThatThrownBy(() -> new ConfigLoader().file(f))
        .hasMessageContaining("server.prot: unknown configuration key");
    Path list = dir.resolve("list.yaml");
    Files.writeString(list, "- a\n- b\n");
    assertThatThrownBy(() -> new ConfigLoader().file(list))
        .hasMessageContaining("expected a map of configuration keys");
    assertThatThrownBy(() -> new ConfigLoader().file(dir.resolve("missing.yaml")))
        .hasMessageContaining("cannot read");
  }

  @Test
  void everyKeyIsDocumentedInOperationsGuide() throws IOException {
    String doc = Files.readString(Path.of("../docs/operations.md"));
    for (ConfigLoader.Key k : ConfigLoader.KEYS) {
      assertThat(doc).as("docs/operations.md documents " + k.name()).contains("`" + k.name() + "`");
      assertThat(doc).as("docs/operations.md names " + k.envName()).contains(k.envName());
    }
  }
}
