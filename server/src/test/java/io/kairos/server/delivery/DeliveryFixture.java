package io.kairos.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.Scope;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A server over a fresh store with a virtual clock and the dispatcher on, definitions created
 * through the management API and events sent through the tracking API.
 */
final class DeliveryFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  final VirtualClock clock;
  private final ConfigLoader config;
  KairosServer server;
  Http http;
  String admin;
  String write;
  private String read;

  DeliveryFixture(StoreKind kind, Path dir, Consumer<ConfigLoader> configure) {
    this(kind, dir, Instant.parse("2026-03-02T10:00:00Z"), configure);
  }

  /** A fixture whose clock starts at {@code start}. */
  DeliveryFixture(StoreKind kind, Path dir, Instant start, Consumer<ConfigLoader> configure) {
    clock = new VirtualClock(start);
    config =
        TestStores.config(kind, dir).set("runtime.partitions", "2").set("delivery.enabled", "true");
    configure.accept(config);
    start();
    admin = server.workspaces().createKey("default", Scope.ADMIN, "admin").secret();
    write = server.workspaces().createKey("default", Scope.INGEST, "ingest").secret();
  }

  private void start() {
    server = KairosServer.start(config.build(), clock);
    http = new Http(server.port());
  }

  /** Stops gracefully and starts again over the same store, with {@code change} applied. */
  void restart(Consumer<ConfigLoader> change) {
    server.close();
    change.accept(config);
    start();
  }

  /** A key of the read scope. */
  String read() {
    if (read == null) {
      read = server.workspaces().createKey("default", Scope.READ, "read").secret();
    }
    return read;
  }

  void journey(String yaml) {
    Http.Response r = http.post("/v1/journeys", admin, "application/yaml", yaml.getBytes());
    assertThat(r.status()).as(r.body()).isIn(200, 201);
    String id = r.json().path("id").asText();
    Http.Response p = http.postJson("/v1/journeys/" + id + "/publish", admin, "");
    assertThat(p.status()).as(p.body()).isEqualTo(200);
  }

  void template(String json) {
    Http.Response r = http.postJson("/v1/templates", admin, json);
    assertThat(r.status()).as(r.body()).isIn(200, 201);
  }

  void send(String... messages) {
    Http.Response r =
        http.postJson("/v1/batch", write, "{\"batch\":[" + String.join(",", messages) + "]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  void idle() {
    assertThat(server.runtime().awaitIdle(WAIT)).as("runtime idle").isTrue();
  }

  /**
   * Waits until the dispatcher recorded {@code n} outcomes, then until the runtime applied them.
   */
  void delivered(long n) {
    idle();
    assertThat(server.dispatcher().awaitRecorded(n, WAIT))
        .as("%s outcomes recorded (have %s)", n, server.dispatcher().recorded())
        .isTrue();
    idle();
  }

  /** The timeline entries of a user, oldest first. */
  List<JsonNode> timeline(String userId) {
    Http.Response r = http.get("/v1/profiles/" + userId + "/timeline?limit=200", admin);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().path("items").forEach(out::add);
    return out;
  }

  List<List<String>> outbox() {
    return server
        .database()
        .read(
            c -> {
              List<List<String>> rows = new ArrayList<>();
              try (PreparedStatement ps =
                      c.prepareStatement(
                          "SELECT message_id, channel, status, attempts, outcome FROM outbox"
                              + " ORDER BY created_at, message_id");
                  ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  rows.add(
                      List.of(
                          rs.getString(1),
                          rs.getString(2),
                          rs.getString(3),
                          Integer.toString(rs.getInt(4)),
                          String.valueOf(rs.getString(5))));
                }
              }
              return rows;
            });
  }

  void sql(String statement) {
    server
        .database()
        .transaction(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(statement)) {
                return ps.executeUpdate();
              }
            });
  }

  @Override
  public void close() {
    server.close();
  }
}
