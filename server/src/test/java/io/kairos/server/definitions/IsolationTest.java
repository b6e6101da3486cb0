package io.kairos.server.definitions;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.KairosServer;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.Scope;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every management route, called with a key of another workspace (finds nothing, changes nothing)
 * and with keys of too narrow a scope (refused).
 */
class IsolationTest {
  @TempDir Path dir;

  /** One request of the table: a route, a concrete path, and a body when it takes one. */
  record Call(String route, String method, String path, String contentType, String body) {
    boolean creates() {
      return method.equals("PUT") || (method.equals("POST") && path.matches("/v1/\\w+"));
    }

    boolean changes() {
      // Validation and previews are reads that take a body.
      return !method.equals("GET")
          && !path.equals("/v1/journeys/validate")
          && !path.endsWith("/preview");
    }

    HttpRequest request(Http http, String key) {
      HttpRequest.Builder b = http.builder(path, key);
      HttpRequest.BodyPublisher p =
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body);
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      return b.method(method, p).build();
    }
  }

  static final String JOURNEY = DefinitionsApiTest.VIP_JOURNEY.replace("vip-welcome", "j");
  static final String SEGMENT = DefinitionsApiTest.VIP_SEGMENT;
  static final String TEMPLATE =
      "{\"id\":\"t\",\"channel\":\"sms\",\"locales\":{\"en\":{\"text\":\"Hi {{ profile.name }}\"}}}";
  static final String POLICIES = "policies:\n  min_gap: 1h\n";

  static final List<Call> CALLS =
      List.of(
          new Call("GET /v1/journeys", "GET", "/v1/journeys?status=all", null, null),
          new Call("POST /v1/journeys", "POST", "/v1/journeys", "application/yaml", JOURNEY),
          new Call(
              "POST /v1/journeys/validate",
              "POST",
              "/v1/journeys/validate",
              "application/yaml",
              JOURNEY),
          new Call("GET /v1/journeys/{id}", "GET", "/v1/journeys/j", null, null),
          new Call("PUT /v1/journeys/{id}", "PUT", "/v1/journeys/j", "application/yaml", JOURNEY),
          new Call("GET /v1/journeys/{id}/versions", "GET", "/v1/journeys/j/versions", null, null),
          new Call(
              "POST /v1/journeys/{id}/publish",
              "POST",
              "/v1/journeys/j/publish",
              "application/json",
              ""),
          new Call(
              "POST /v1/journeys/{id}/pause",
              "POST",
              "/v1/journeys/j/pause",
              "application/json",
              ""),
          new Call(
              "POST /v1/journeys/{id}/archive",
              "POST",
              "/v1/journeys/j/archive",
              "application/json",
              ""),
          new Call("GET /v1/segments", "GET", "/v1/segments", null, null),
          new Call("POST /v1/segments", "POST", "/v1/segments", "application/yaml", SEGMENT),
          new Call("GET /v1/segments/{id}", "GET", "/v1/segments/vip", null, null),
          new Call("PUT /v1/segments/{id}", "PUT", "/v1/segments/vip", "application/yaml", SEGMENT),
          new Call("DELETE /v1/segments/{id}", "DELETE", "/v1/segments/vip", null, null),
          new Call(
              "GET /v1/segments/{id}/versions", "GET", "/v1/segments/vip/versions", null, null),
          new Call("GET /v1/templates", "GET", "/v1/templates", null, null),
          new Call("POST /v1/templates", "POST", "/v1/templates", "application/json", TEMPLATE),
          new Call("GET /v1/templates/{id}", "GET", "/v1/templates/t", null, null),
          new Call(
              "PUT /v1/templates/{id}", "PUT", "/v1/templates/t", "application/json", TEMPLATE),
          new Call("DELETE /v1/templates/{id}", "DELETE", "/v1/templates/t", null, null),
          new Call(
              "GET /v1/templates/{id}/versions", "GET", "/v1/templates/t/versions", null, null),
          new Call(
              "POST /v1/templates/{id}/preview",
              "POST",
              "/v1/templates/t/preview",
              "application/json",
              "{\"traits\":{\"name\":\"Ana\"}}"),
          new Call(
              "POST /v1/templates/{id}/test",
              "POST",
              "/v1/templates/t/test",
              "application/json",
              "{\"to\":\"+4915100000001\"}"),
          new Call("GET /v1/definitions", "GET", "/v1/definitions", null, null),
          new Call("GET /v1/definitions/{kind}", "GET", "/v1/definitions/policies", null, null),
          new Call(
              "PUT /v1/definitions/{kind}",
              "PUT",
              "/v1/definitions/policies",
              "application/yaml",
              POLICIES),
          new Call(
              "DELETE /v1/definitions/{kind}", "DELETE", "/v1/definitions/policies", null, null),
          new Call(
              "GET /v1/definitions/{kind}/versions",
              "GET",
              "/v1/definitions/policies/versions",
              null,
              null));

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aKeyOfAnotherWorkspaceFindsNothingAndChangesNothing(StoreKind kind) {
    try (KairosServer server =
        KairosServer.start(
            TestStores.serverConfig(kind, dir),
            new VirtualClock(Instant.parse("2026-03-01T09:00:00Z")))) {
      // The table covers every route of this capability.
      Set<String> routes = new TreeSet<>();
      for (String r : server.routes()) {
        // A journey's stats and API trigger belong to the profiles API (ProfilesAccessTest).
        if (r.matches("\\w+ /v1/(journeys|segments|templates|definitions).*")
            && !r.matches(".*/\\{id}/(stats|trigger)")) {
          routes.add(r);
        }
      }
      assertThat(CALLS.stream().map(Call::route).toList())
          .containsExactlyInAnyOrderElementsOf(routes);

      server.workspaces().create("a", "A");
      server.workspaces().create("b", "B");
      String a = server.workspaces().createKey("a", Scope.ADMIN, "a").secret();
      String b = server.workspaces().createKey("b", Scope.ADMIN, "b").secret();
      Http http = new Http(server.port());
      assertThat(http.post("/v1/segments", a, "application/yaml", SEGMENT.getBytes()).status())
          .isEqualTo(201);
      assertThat(http.post("/v1/journeys", a, "application/yaml", JOURNEY.getBytes()).status())
          .isEqualTo(201);
      assertThat(http.postJson("/v1/journeys/j/publish", a, "").status()).isEqualTo(200);
      assertThat(http.postJson("/v1/templates", a, TEMPLATE).status()).isEqualTo(201);
      assertThat(http.put("/v1/definitions/policies", a, "application/yaml", POLICIES).status())
          .isEqualTo(201);
      String before = state(http, a);

      // Calls that would create B's own document of the same id come last.
      List<Call> ordered = new java.util.ArrayList<>(CALLS);
      ordered.sort(java.util.Comparator.comparing(Call::creates));
      for (Call c : ordered) {
        Http.Response r = http.send(c.request(http, b));
        String what = c.route() + " with B's key: " + r.body();
        switch (c.method()) {
          case "GET" -> {
            if (c.path().matches("/v1/\\w+(\\?.*)?")) {
              assertThat(r.status()).as(what).isEqualTo(200);
              assertThat(r.body()).as(what).doesNotContain("\"j\"", "\"vip\"", "\"t\"", "min_gap");
            } else {
              assertThat(r.status()).as(what).isEqualTo(404);
              assertThat(r.json().get("detail").asText()).as(what).startsWith("no ");
            }
          }
          case "DELETE" -> {
            assertThat(r.status()).as(what).isEqualTo(404);
            assertThat(r.json().get("detail").asText()).as(what).doesNotContain("no route");
          }
          default -> {
            if (c.path().endsWith("/publish")
                || c.path().endsWith("/pause")
                || c.path().endsWith("/archive")) {
              assertThat(r.status()).as(what).isEqualTo(404);
              assertThat(r.json().get("detail").asText()).as(what).contains("no journey 'j'");
            } else if (c.path().endsWith("/preview") || c.path().endsWith("/test")) {
              assertThat(r.status()).as(what).isEqualTo(404);
              assertThat(r.json().get("detail").asText()).as(what).contains("no template 't'");
            } else if (c.path().equals("/v1/journeys/validate")) {
              // B has no segment 'vip': the journey does not validate there.
              assertThat(r.json().get("ok").asBoolean()).as(what).isFalse();
            } else {
              // Creates B's own document of that id (or refuses it): A's stays as it was.
              assertThat(r.status()).as(what).isIn(200, 201, 400, 409);
            }
          }
        }
        assertThat(state(http, a)).as("A's documents after " + c.route()).isEqualTo(before);
      }
      assertThat(server.publishedDefinitions().published("a").journeys()).hasSize(1);
      assertThat(server.publishedDefinitions().published("b").journeys()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aLinkActsOnlyInTheWorkspaceItsTokenNames(StoreKind kind) {
    try (KairosServer server =
        KairosServer.start(
            TestStores.serverConfig(kind, dir),
            new VirtualClock(Instant.parse("2026-03-01T09:00:00Z")))) {
      Set<String> links = new TreeSet<>();
      for (String r : server.routes()) {
        if (r.matches("\\w+ /(t/[oc]|u|p|v)/.*")) {
          links.add(r);
        }
      }
      assertThat(links)
          .containsExactlyInAnyOrder(
              "GET /t/o/{token}",
              "GET /t/c/{token}",
              "GET /u/{token}",
              "POST /u/{token}",
              "GET /p/{token}",
              "POST /p/{token}",
              "GET /v/{token}");
      server.workspaces().create("a", "A");
      server.workspaces().create("b", "B");
      String a = server.workspaces().createKey("a", Scope.ADMIN, "a").secret();
      String b = server.workspaces().createKey("b", Scope.ADMIN, "b").secret();
      Http http = new Http(server.port());
      for (String key : List.of(a, b)) {
        assertThat(
                http.postJson(
                        "/v1/identify",
                        key,
                        "{\"userId\":\"ana\",\"traits\":{\"email\":\"ana@example.com\"}}")
                    .status())
            .isEqualTo(200);
      }
      assertThat(server.runtime().awaitIdle(java.time.Duration.ofSeconds(30))).isTrue();
      // The key the server signs links with, as a link in one of B's messages would carry it.
      String secret =
          io.kairos.server.store.StoredSecrets.get(
                  server.database(),
                  "link_secret",
                  () -> {
                    throw new AssertionError("the server made its link key at start");
                  })
              .value();
      io.kairos.server.engagement.LinkSigner signer =
          new io.kairos.server.engagement.LinkSigner(secret);
      io.kairos.server.engagement.LinkToken t =
          new io.kairos.server.engagement.LinkToken(
              io.kairos.server.engagement.LinkToken.Purpose.UNSUBSCRIBE,
              "b",
              "m-1",
              "ana",
              "email",
              null,
              "marketing",
              null);
      String aBefore = http.get("/v1/profiles/ana/timeline", a).body();
      String u = "/u/" + signer.sign(t);
      Http.Response one =
          http.post(
              u,
              null,
              "application/x-www-form-urlencoded",
              "List-Unsubscribe=One-Click".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(one.status()).isEqualTo(200);
      assertThat(http.get(u, null).status()).isEqualTo(200);
      String p =
          "/p/" + signer.sign(t.as(io.kairos.server.engagement.LinkToken.Purpose.PREFERENCES));
      assertThat(http.get(p, null).status()).isEqualTo(200);
      assertThat(
              http.post(
                      p,
                      null,
                      "application/x-www-form-urlencoded",
                      "save=1".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                  .status())
          .isEqualTo(200);
      assertThat(
              http.get(
                      "/t/o/"
                          + signer.sign(t.as(io.kairos.server.engagement.LinkToken.Purpose.OPEN)),
                      null)
                  .status())
          .isEqualTo(200);
      assertThat(http.get("/t/c/" + signer.sign(t.click("https://shop.example/")), null).status())
          .isEqualTo(302);
      // No outbox row in B: nothing to view.
      assertThat(
              http.get(
                      "/v/" + signer.sign(t.as(io.kairos.server.engagement.LinkToken.Purpose.VIEW)),
                      null)
                  .status())
          .isEqualTo(404);
      assertThat(server.runtime().awaitIdle(java.time.Duration.ofSeconds(30))).isTrue();
      // B's ana is unsubscribed; A's ana has seen nothing of it.
      assertThat(http.get("/v1/profiles/ana", b).json().get("consent").toString())
          .contains("\"subscribed\":false");
      assertThat(http.get("/v1/profiles/ana", a).json().get("consent").size()).isZero();
      assertThat(http.get("/v1/profiles/ana/timeline", a).body()).isEqualTo(aBefore);
      // A token signed with another key (another installation) does nothing anywhere.
      String foreign =
          "/u/"
              + new io.kairos.server.engagement.LinkSigner(
                      io.kairos.server.engagement.LinkSigner.newSecret())
                  .sign(t);
      assertThat(
              http.post(
                      foreign,
                      null,
                      "application/x-www-form-urlencoded",
                      "List-Unsubscribe=One-Click"
                          .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                  .status())
          .isEqualTo(404);
    }
  }

  /** Everything A's key sees. */
  private static String state(Http http, String key) {
    StringBuilder s = new StringBuilder();
    for (String path :
        List.of(
            "/v1/journeys?status=all",
            "/v1/journeys/j",
            "/v1/journeys/j/versions",
            "/v1/segments",
            "/v1/segments/vip/versions",
            "/v1/templates",
            "/v1/templates/t",
            "/v1/definitions",
            "/v1/definitions/policies/versions")) {
      s.append(path).append(' ').append(http.get(path, key).body()).append('\n');
    }
    return s.toString();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void keysOfTooNarrowAScopeAreRefused(StoreKind kind) {
    try (KairosServer server =
        KairosServer.start(
            TestStores.serverConfig(kind, dir),
            new VirtualClock(Instant.parse("2026-03-01T09:00:00Z")))) {
      String admin = server.workspaces().createKey("default", Scope.ADMIN, "a").secret();
      String read = server.workspaces().createKey("default", Scope.READ, "r").secret();
      String ingest = server.workspaces().createKey("default", Scope.INGEST, "i").secret();
      Http http = new Http(server.port());
      http.post("/v1/segments", admin, "application/yaml", SEGMENT.getBytes());
      http.post("/v1/journeys", admin, "application/yaml", JOURNEY.getBytes());
      http.postJson("/v1/templates", admin, TEMPLATE);
      http.put("/v1/definitions/policies", admin, "application/yaml", POLICIES);
      String before = state(http, admin);
      for (Call c : CALLS) {
        Http.Response withIngest = http.send(c.request(http, ingest));
        assertThat(withIngest.status()).as(c.route() + " with an ingest key").isEqualTo(403);
        assertThat(withIngest.contentType()).startsWith("application/problem+json");
        Http.Response withRead = http.send(c.request(http, read));
        if (c.changes()) {
          assertThat(withRead.status()).as(c.route() + " with a read key").isEqualTo(403);
        } else {
          assertThat(withRead.status()).as(c.route() + " with a read key").isIn(200);
        }
        Http.Response anonymous = http.send(c.request(http, null));
        assertThat(anonymous.status()).as(c.route() + " without a key").isEqualTo(401);
      }
      assertThat(state(http, admin)).isEqualTo(before);
    }
  }

  /**
   * The inbox's client routes with a token minted in another workspace for the same userId: they
   * find nothing and change nothing; every inbox route is in the table.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anInboxTokenOfAnotherWorkspaceFindsNothingAndChangesNothing(StoreKind kind) {
    try (KairosServer server =
        KairosServer.start(
            TestStores.serverConfig(kind, dir),
            new VirtualClock(Instant.parse("2026-03-01T09:00:00Z")))) {
      List<String> inboxRoutes =
          List.of(
              "POST /v1/inbox/tokens",
              "GET /v1/inbox",
              "POST /v1/inbox/messages/{id}/read",
              "POST /v1/inbox/messages/{id}/unread",
              "POST /v1/inbox/messages/{id}/archive",
              "POST /v1/inbox/read-all",
              "GET /v1/inbox/stream");
      Set<String> routes = new TreeSet<>();
      for (String r : server.routes()) {
        if (r.matches("\\w+ /v1/inbox.*")) {
          routes.add(r);
        }
      }
      assertThat(inboxRoutes).containsExactlyInAnyOrderElementsOf(routes);

      server.workspaces().create("a", "A");
      server.workspaces().create("b", "B");
      String a = server.workspaces().createKey("a", Scope.READ, "a").secret();
      String b = server.workspaces().createKey("b", Scope.READ, "b").secret();
      server
          .database()
          .transaction(
              c -> {
                try (var ps =
                    c.prepareStatement(
                        "INSERT INTO inbox (workspace, message_id, profile, title, body, data,"
                            + " created_at, seq, first_seq) VALUES ('a', 'm1', 'ana', 'Hi', 'x',"
                            + " '{}', 1, 1, 1)")) {
                  return ps.executeUpdate();
                }
              });
      Http http = new Http(server.port());
      String tokenA =
          http.postJson("/v1/inbox/tokens", a, "{\"user_id\":\"ana\"}")
              .json()
              .get("token")
              .asText();
      Http.Response minted = http.postJson("/v1/inbox/tokens", b, "{\"user_id\":\"ana\"}");
      assertThat(minted.status()).isEqualTo(201);
      String tokenB = minted.json().get("token").asText();
      String before = http.get("/v1/inbox?include_archived=true", tokenA).body();
      assertThat(before).contains("\"m1\"").contains("\"unread_count\":1");

      Http.Response list = http.get("/v1/inbox?include_archived=true", tokenB);
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.json().get("messages")).isEmpty();
      for (String change : List.of("read", "unread", "archive")) {
        Http.Response r = http.postJson("/v1/inbox/messages/m1/" + change, tokenB, "");
        assertThat(r.status()).as(change).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
      }
      Http.Response all = http.postJson("/v1/inbox/read-all", tokenB, "");
      assertThat(all.json().get("read").asInt()).isZero();
      try (io.kairos.server.testing.SseClient stream =
          io.kairos.server.testing.SseClient.open(
              server.port(), "/v1/inbox/stream?last_event_id=0", tokenB, null)) {
        assertThat(stream.status()).isEqualTo(200);
        stream.awaitComment("connected", java.time.Duration.ofSeconds(60));
      }
      // A's own stream, from the start, sends A's message.
      try (io.kairos.server.testing.SseClient stream =
          io.kairos.server.testing.SseClient.open(
              server.port(), "/v1/inbox/stream?last_event_id=0", tokenA, null)) {
        assertThat(stream.nextEvent(java.time.Duration.ofSeconds(60)).data()).contains("\"m1\"");
      }
      assertThat(http.get("/v1/inbox?include_archived=true", tokenA).body()).isEqualTo(before);
      // The server-side route with B's key does not find A's profile either.
      assertThat(http.get("/v1/profiles/ana/inbox", b).status()).isEqualTo(404);
      assertThat(http.get("/v1/profiles/ana/inbox", a).json().get("messages")).hasSize(1);
    }
  }

  /**
   * The SMS provider routes take no API key, of any workspace: they are trusted by the provider's
   * signature or the gateway's token only, and a key (even an admin's) records nothing. (A signed
   * inbound STOP reaches every workspace's profiles with that number, by design: the number is the
   * server's; SmsWebhooksTest.)
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void smsProviderRoutesTakeNoApiKey(StoreKind kind) {
    try (KairosServer server =
        KairosServer.start(
            TestStores.config(kind, dir)
                .set("channels.sms.provider", "twilio")
                .set("channels.sms.twilio.account_sid", "AC" + "0123456789abcdef".repeat(2))
                .set("channels.sms.twilio.auth_token", "token")
                .set("channels.sms.from", "+15005550006")
                .set("channels.sms.http.token", "gateway-token")
                .build(),
            new VirtualClock(Instant.parse("2026-03-01T09:00:00Z")))) {
      server.workspaces().create("a", "A");
      String a = server.workspaces().createKey("a", Scope.ADMIN, "a").secret();
      Http http = new Http(server.port());
      List<String> sms =
          server.routes().stream().filter(r -> r.startsWith("POST /v1/sms/")).sorted().toList();
      assertThat(sms)
          .containsExactly(
              "POST /v1/sms/inbound", "POST /v1/sms/twilio/inbound", "POST /v1/sms/twilio/status");
      long events = server.ingestion().eventLog().lastCommittedSeq();
      for (String route : sms) {
        String path = route.substring("POST ".length());
        boolean form = path.contains("twilio");
        Http.Response r =
            http.post(
                path,
                a,
                form ? "application/x-www-form-urlencoded" : "application/json",
                (form
                        ? "From=%2B4915100000001&To=%2B15005550006&Body=STOP&MessageSid=SM1"
                        : "{\"from\":\"+4915100000001\",\"text\":\"STOP\",\"id\":\"g1\"}")
                    .getBytes());
        assertThat(r.status()).as(route + " with an admin key").isIn(401, 403);
        assertThat(r.contentType()).startsWith("application/problem+json");
      }
      assertThat(server.ingestion().eventLog().lastCommittedSeq()).isEqualTo(events);
    }
  }
}
