package io.kairos.server.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A server over a fresh store with a virtual clock, keys of each scope in the {@code default}
 * workspace, and events sent through its tracking API ({@code POST /v1/batch}), which routes them
 * to profiles, merges identified visitors and writes the identities the searches read.
 */
final class ProfilesFixture implements AutoCloseable {
  static final Duration IDLE = Duration.ofSeconds(60);
  static final Path EXAMPLES = Path.of("..", "examples");

  final VirtualClock clock = new VirtualClock(Instant.parse("2026-03-01T00:00:00Z"));
  final ServerConfig config;
  KairosServer server;
  Http http;
  final String admin;
  final String read;
  private final Map<String, String> writeKeys = new HashMap<>();

  /**
   * @param examples whether the default workspace gets the example journeys
   */
  ProfilesFixture(StoreKind kind, Path dir, boolean examples) {
    this(kind, dir, examples, c -> {});
  }

  /**
   * @param configure changes to the configuration (say a longer ingest.past_tolerance)
   */
  ProfilesFixture(StoreKind kind, Path dir, boolean examples, Consumer<ConfigLoader> configure) {
    ConfigLoader c = TestStores.config(kind, dir).set("runtime.partitions", "2");
    if (examples) {
      c.set("journeys.dir", EXAMPLES.resolve("journeys").toString());
    }
    configure.accept(c);
    config = c.build();
    start();
    admin = key("default", Scope.ADMIN);
    read = key("default", Scope.READ);
  }

  void start() {
    server = KairosServer.start(config, clock);
    http = new Http(server.port());
  }

  /** A graceful stop and a new start over the same store (as a new process). */
  void restart() {
    server.close();
    start();
  }

  String key(String workspace, Scope scope) {
    return server.workspaces().createKey(workspace, scope, scope.label()).secret();
  }

  void at(String time) {
    clock.set(Instant.parse(time));
  }

  /**
   * Sends these timeline lines of {@code workspace} through the tracking API in one batch; when it
   * returns they are in the log.
   */
  void feed(String workspace, List<String> lines) {
    String key = writeKeys.computeIfAbsent(workspace, ws -> key(ws, Scope.INGEST));
    Http.Response r =
        http.postJson("/v1/batch", key, "{\"batch\":[" + String.join(",", lines) + "]}");
    assertThat(r.status()).as("POST /v1/batch: %s", r.body()).isEqualTo(200);
    assertThat(r.json().get("accepted").asInt()).as(r.body()).isEqualTo(lines.size());
  }

  void feed(List<String> lines) {
    feed("default", lines);
  }

  /** The lines of an example timeline. */
  static List<String> lines(String timeline) {
    try {
      return Files.readAllLines(EXAMPLES.resolve("timelines").resolve(timeline)).stream()
          .filter(l -> !l.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return Http.mapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void idle() {
    assertThat(server.runtime().awaitIdle(IDLE)).as("runtime idle within %s", IDLE).isTrue();
  }

  /** A GET that must answer {@code status}; its JSON body. */
  JsonNode get(String path, String key, int status) {
    Http.Response r = http.get(path, key);
    assertThat(r.status()).as("GET %s: %s", path, r.body()).isEqualTo(status);
    return r.json();
  }

  JsonNode get(String path) {
    return get(path, read, 200);
  }

  long count(String sql) {
    assertThat(server.ingestion().eventLog().awaitStored(IDLE))
        .as("acknowledged messages stored")
        .isNotNegative();
    return server
        .database()
        .read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql);
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
              }
            });
  }

  @Override
  public void close() {
    server.close();
  }
}
