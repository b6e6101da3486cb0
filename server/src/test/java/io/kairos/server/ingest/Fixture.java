package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A started server over a fresh store, with keys of every scope and helpers to read rows. */
final class Fixture implements AutoCloseable {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  final KairosServer server;
  final VirtualClock clock;
  final Http http;
  final String ingestKey;
  final String readKey;
  final String adminKey;

  private Fixture(KairosServer server, VirtualClock clock) {
    this.server = server;
    this.clock = clock;
    this.http = new Http(server.port());
    Workspaces ws = server.workspaces();
    this.ingestKey = ws.createKey(Workspaces.DEFAULT, Scope.INGEST, "ingest").secret();
    this.readKey = ws.createKey(Workspaces.DEFAULT, Scope.READ, "read").secret();
    this.adminKey = ws.createKey(Workspaces.DEFAULT, Scope.ADMIN, "admin").secret();
  }

  static Fixture start(StoreKind kind, Path dir) {
    return start(kind, dir, c -> {});
  }

  static Fixture start(StoreKind kind, Path dir, Consumer<ConfigLoader> tweak) {
    ConfigLoader loader = TestStores.config(kind, dir);
    tweak.accept(loader);
    return start(loader);
  }

  /** A server on the store {@code loader} names: started again on it, it finds what it left. */
  static Fixture start(ConfigLoader loader) {
    VirtualClock clock = new VirtualClock(START);
    return new Fixture(KairosServer.start(loader.build(), clock), clock);
  }

  Http.Response post(String path, String json) {
    return http.postJson(path, ingestKey, json);
  }

  Http.Response post(String path, String key, String contentType, String body) {
    return http.post(path, key, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  long count(String sql, Object... args) {
    List<Map<String, Object>> r = rows(sql, args);
    return ((Number) r.get(0).values().iterator().next()).longValue();
  }

  long events() {
    return count("SELECT COUNT(*) FROM events");
  }

  /** Rows of the store, once every acknowledged message is in it. */
  List<Map<String, Object>> rows(String sql, Object... args) {
    assertThat(server.ingestion().eventLog().awaitStored(java.time.Duration.ofSeconds(30)))
        .as("acknowledged messages stored")
        .isNotNegative();
    return server
        .database()
        .read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                  ps.setObject(i + 1, args[i]);
                }
                List<Map<String, Object>> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                  ResultSetMetaData md = rs.getMetaData();
                  while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                      Object v = rs.getObject(i);
                      if (v instanceof byte[] b) {
                        v = new String(b, StandardCharsets.UTF_8);
                      }
                      row.put(md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), v);
                    }
                    out.add(row);
                  }
                }
                return out;
              }
            });
  }

  /** The events rows in seq order. */
  List<Map<String, Object>> eventRows() {
    return rows("SELECT * FROM events ORDER BY seq");
  }

  @Override
  public void close() {
    server.close();
  }
}
