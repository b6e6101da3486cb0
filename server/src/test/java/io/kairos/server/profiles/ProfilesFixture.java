package io.kairos.server.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.runtime.InputRow;
import io.kairos.server.runtime.MiniIngest;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A server over a fresh store with a virtual clock, keys of each scope in the {@code default}
 * workspace, and events written to its log as ingestion would write them: routed rows (with merge
 * markers) and the {@code identities} rows that lead each userId and anonymousId to its profile.
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
  final String ingestKey;
  private final Map<String, MiniIngest> ingest = new HashMap<>();

  /**
   * @param examples whether the default workspace gets the example journeys
   */
  ProfilesFixture(StoreKind kind, Path dir, boolean examples) {
    ConfigLoader c = TestStores.config(kind, dir).set("runtime.partitions", "2");
    if (examples) {
      c.set("journeys.dir", EXAMPLES.resolve("journeys").toString());
    }
    config = c.build();
    start();
    admin = key("default", Scope.ADMIN);
    read = key("default", Scope.READ);
    ingestKey = key("default", Scope.INGEST);
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

  /** Appends these timeline lines of {@code workspace} to the log, as ingestion would. */
  long feed(String workspace, List<String> lines) {
    MiniIngest routes = ingest.computeIfAbsent(workspace, MiniIngest::new);
    List<InputRow> rows = new ArrayList<>();
    for (String l : lines) {
      rows.addAll(routes.rows(l));
      identities(workspace, l);
    }
    return server.inputLog().append(rows);
  }

  long feed(List<String> lines) {
    return feed("default", lines);
  }

  /** Every line of an example timeline, one at a time at its own time, each applied. */
  List<String> play(String timeline) {
    List<String> lines = lines(timeline);
    for (String l : lines) {
      at(json(l).get("timestamp").asText());
      feed(List.of(l));
      idle();
    }
    return lines;
  }

  static List<String> lines(String timeline) {
    try {
      return Files.readAllLines(EXAMPLES.resolve("timelines").resolve(timeline)).stream()
          .filter(l -> !l.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // What ingestion's identity router writes: (user, U) -> U; an anonymousId (or an alias's
  // previousId) seen with a userId -> that user; an anonymousId alone -> itself until identified.
  private void identities(String workspace, String line) {
    JsonNode n = json(line);
    String user = text(n, "userId");
    String anon = text(n, "anonymousId");
    if (user != null) {
      identity(workspace, "user", user, user, true);
      if (anon != null) {
        identity(workspace, "anonymous", anon, user, true);
      }
      String previous = text(n, "previousId");
      if (previous != null && "alias".equals(text(n, "type"))) {
        identity(workspace, "anonymous", previous, user, true);
      }
    } else if (anon != null) {
      identity(workspace, "anonymous", anon, anon, false);
    }
  }

  static JsonNode json(String text) {
    try {
      return Http.mapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private void identity(String ws, String kind, String value, String profile, boolean replace) {
    server
        .database()
        .transaction(
            c -> {
              if (replace) {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "DELETE FROM identities WHERE workspace = ? AND kind = ? AND value = ?")) {
                  ps.setString(1, ws);
                  ps.setString(2, kind);
                  ps.setString(3, value);
                  ps.executeUpdate();
                }
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO identities (workspace, kind, value, profile)"
                          + " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM identities"
                          + " WHERE workspace = ? AND kind = ? AND value = ?)")) {
                ps.setString(1, ws);
                ps.setString(2, kind);
                ps.setString(3, value);
                ps.setString(4, profile);
                ps.setString(5, ws);
                ps.setString(6, kind);
                ps.setString(7, value);
                ps.executeUpdate();
              }
              return null;
            });
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
