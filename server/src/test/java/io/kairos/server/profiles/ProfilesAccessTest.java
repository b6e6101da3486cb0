package io.kairos.server.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.workspace.Scope;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every route of the profiles API with a key of another workspace (finds nothing, changes nothing:
 * 404 or empty, never 403) and with keys of too narrow a scope (403), or none (401).
 */
class ProfilesAccessTest {
  @TempDir Path dir;

  static final String VIP =
      """
      id: vip
      goal: onboard VIPs
      trigger: api
      steps:
        - send: email
          template: vip-welcome
      """;

  /** A route, a concrete request, the scope it needs, and whether it answers a list. */
  record Call(String route, String method, String path, String body, Scope scope, boolean list) {
    HttpRequest request(Http http, String key) {
      HttpRequest.Builder b = http.builder(path, key);
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      return b.method(
              method,
              body == null
                  ? HttpRequest.BodyPublishers.noBody()
                  : HttpRequest.BodyPublishers.ofString(body))
          .build();
    }
  }

  static final List<Call> CALLS =
      List.of(
          new Call("GET /v1/profiles", "GET", "/v1/profiles?user_id=ana", null, Scope.READ, true),
          new Call("GET /v1/profiles/{id}", "GET", "/v1/profiles/ana", null, Scope.READ, false),
          new Call(
              "GET /v1/profiles/{id}/timeline",
              "GET",
              "/v1/profiles/ana/timeline",
              null,
              Scope.READ,
              false),
          new Call("GET /v1/audit", "GET", "/v1/audit", null, Scope.ADMIN, true),
          new Call(
              "GET /v1/journeys/{id}/stats",
              "GET",
              "/v1/journeys/vip/stats",
              null,
              Scope.READ,
              false),
          new Call("GET /v1/stats/journeys", "GET", "/v1/stats/journeys", null, Scope.READ, true),
          new Call(
              "POST /v1/journeys/{id}/trigger",
              "POST",
              "/v1/journeys/vip/trigger",
              "{\"userId\":\"ana\"}",
              Scope.ADMIN,
              false),
          new Call(
              "GET /v1/profiles/{id}/inbox",
              "GET",
              "/v1/profiles/ana/inbox",
              null,
              Scope.READ,
              false),
          new Call(
              "DELETE /v1/profiles/{id}", "DELETE", "/v1/profiles/ana", null, Scope.ADMIN, false));

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aKeyOfAnotherWorkspaceFindsNothingAndScopesAreEnforced(StoreKind kind) {
    try (ProfilesFixture f = new ProfilesFixture(kind, dir, false)) {
      Set<String> routes = new TreeSet<>();
      for (String r : f.server.routes()) {
        // POST /v1/profiles/import belongs to ingestion (tested with it).
        if (r.matches("\\w+ /v1/(profiles|audit|stats).*|\\w+ /v1/journeys/\\{id}/(stats|trigger)")
            && !r.equals("POST /v1/profiles/import")) {
          routes.add(r);
        }
      }
      assertThat(CALLS.stream().map(Call::route).toList())
          .containsExactlyInAnyOrderElementsOf(routes);

      f.server.workspaces().create("a", "A");
      f.server.workspaces().create("b", "B");
      String a = f.key("a", Scope.ADMIN);
      String b = f.key("b", Scope.ADMIN);
      assertThat(f.http.post("/v1/journeys", a, "application/yaml", VIP.getBytes()).status())
          .isEqualTo(201);
      assertThat(f.http.postJson("/v1/journeys/vip/publish", a, "").status()).isEqualTo(200);
      f.at("2026-03-02T10:00:00Z");
      f.feed(
          "a",
          List.of(
              "{\"type\":\"identify\",\"userId\":\"ana\",\"timestamp\":\"2026-03-02T10:00:00Z\","
                  + "\"traits\":{\"email\":\"ana@example.com\"}}"));
      assertThat(f.http.postJson("/v1/journeys/vip/trigger", a, "{\"userId\":\"ana\"}").status())
          .isEqualTo(202);
      f.idle();
      // An erasure in A leaves an audit record B must not see.
      f.feed(
          "a",
          List.of(
              "{\"type\":\"identify\",\"userId\":\"gone\",\"timestamp\":\"2026-03-02T10:00:00Z\"}"));
      f.idle();
      assertThat(f.http.delete("/v1/profiles/gone", a).status()).isEqualTo(200);
      String before = state(f, a);
      assertThat(before).contains("\"ana\"", "\"vip\"", "profile.erased");

      for (Call c : CALLS) {
        Http.Response r = f.http.send(c.request(f.http, b));
        String what = c.route() + " with B's key: " + r.body();
        if (c.list()) {
          assertThat(r.status()).as(what).isEqualTo(200);
          assertThat(r.body()).as(what).doesNotContain("ana", "\"vip\"", "gone");
        } else {
          assertThat(r.status()).as(what).isEqualTo(404);
          assertThat(r.contentType()).as(what).startsWith("application/problem+json");
          assertThat(r.json().get("detail").asText()).as(what).startsWith("no ");
        }
        assertThat(state(f, a)).as("A after " + c.route()).isEqualTo(before);
      }
      f.idle();
      assertThat(state(f, a)).isEqualTo(before);

      String read = f.key("a", Scope.READ);
      String ingest = f.key("a", Scope.INGEST);
      for (Call c : CALLS) {
        Http.Response withIngest = f.http.send(c.request(f.http, ingest));
        assertThat(withIngest.status()).as(c.route() + " with an ingest key").isEqualTo(403);
        assertThat(withIngest.contentType()).startsWith("application/problem+json");
        Http.Response withRead = f.http.send(c.request(f.http, read));
        if (c.scope() == Scope.ADMIN) {
          assertThat(withRead.status()).as(c.route() + " with a read key").isEqualTo(403);
        } else {
          assertThat(withRead.status()).as(c.route() + " with a read key").isEqualTo(200);
        }
        assertThat(f.http.send(c.request(f.http, null)).status())
            .as(c.route() + " without a key")
            .isEqualTo(401);
      }
      f.idle();
      assertThat(state(f, a)).isEqualTo(before);
    }
  }

  /** Everything A's admin key sees. */
  private static String state(ProfilesFixture f, String key) {
    StringBuilder s = new StringBuilder();
    for (String path :
        List.of(
            "/v1/profiles",
            "/v1/profiles/ana",
            "/v1/profiles/ana/timeline",
            "/v1/audit",
            "/v1/stats/journeys")) {
      s.append(path).append(' ').append(f.http.get(path, key).body()).append('\n');
    }
    return s.toString();
  }
}
