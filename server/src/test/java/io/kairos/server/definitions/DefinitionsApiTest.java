package io.kairos.server.definitions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.definition.Definitions;
import io.kairos.journey.Journey;
import io.kairos.server.KairosServer;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DefinitionsApiTest {
  static final String WELCOME =
      """
      id: welcome
      name: Welcome
      goal: Activate new sign-ups
      trigger:
        event: Signed Up
      steps:
        - send: email
          template: welcome
      """;

  static final String WELCOME_V2 = WELCOME + "  - wait: 1d\n  - send: email\n    template: tour\n";

  static final String VIP_JOURNEY =
      """
      id: vip-welcome
      goal: Thank big spenders
      trigger:
        segment_entered: vip
      steps:
        - send: email
          template: vip
      """;

  static final String VIP_SEGMENT =
      """
      id: vip
      name: Big spenders
      where: has(profile.spent) && profile.spent > 1000
      """;

  @TempDir Path dir;

  private final VirtualClock clock = new VirtualClock(Instant.parse("2026-03-01T09:00:00Z"));

  private KairosServer start(StoreKind kind) {
    return KairosServer.start(TestStores.serverConfig(kind, dir), clock);
  }

  private static String key(KairosServer server, Scope scope) {
    return server.workspaces().createKey(Workspaces.DEFAULT, scope, "test").secret();
  }

  static Http.Response postYaml(Http http, String path, String key, String yaml) {
    return http.post(path, key, "application/yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void journeyIsCreatedValidatedPublishedAndVersioned(StoreKind kind) {
    try (KairosServer server = start(kind)) {
      Http http = new Http(server.port());
      String admin = key(server, Scope.ADMIN);
      String read = key(server, Scope.READ);
      List<String> changes = new CopyOnWriteArrayList<>();
      server.publishedDefinitions().onChange(changes::add);

      Http.Response created = postYaml(http, "/v1/journeys", admin, WELCOME);
      assertThat(created.status()).isEqualTo(201);
      JsonNode j = created.json();
      assertThat(j.get("id").asText()).isEqualTo("welcome");
      assertThat(j.get("name").asText()).isEqualTo("Welcome");
      assertThat(j.get("status").asText()).isEqualTo("draft");
      assertThat(j.get("live_version").isNull()).isTrue();
      assertThat(j.get("problems")).isEmpty();
      String v1 = j.get("latest_version").asText();
      assertThat(server.publishedDefinitions().published("default").journeys()).isEmpty();

      Http.Response valid =
          http.postJson(
              "/v1/journeys/validate",
              read,
              Http.mapper().createObjectNode().put("source", WELCOME).toString());
      assertThat(valid.status()).isEqualTo(200);
      assertThat(valid.json().get("ok").asBoolean()).isTrue();

      clock.advance(Duration.ofMinutes(1));
      Http.Response published = http.postJson("/v1/journeys/welcome/publish", admin, "");
      assertThat(published.status()).as(published.body()).isEqualTo(200);
      assertThat(published.json().get("status").asText()).isEqualTo("published");
      assertThat(published.json().get("live_version").asText()).isEqualTo(v1);
      assertThat(changes).containsExactly("default");
      Journey live = server.publishedDefinitions().published("default").journeys().get(0);
      assertThat(live.id()).isEqualTo("welcome");
      assertThat(live.version()).isEqualTo(v1);
      assertThat(live.source()).isEqualTo("journeys/welcome");

      // A second version is a draft until published; the first stays live meanwhile.
      Http.Response saved = http.put("/v1/journeys/welcome", admin, "application/yaml", WELCOME_V2);
      assertThat(saved.status()).isEqualTo(200);
      String v2 = saved.json().get("latest_version").asText();
      assertThat(v2).isNotEqualTo(v1);
      assertThat(saved.json().get("has_draft").asBoolean()).isTrue();
      assertThat(saved.json().get("live_version").asText()).isEqualTo(v1);
      assertThat(server.publishedDefinitions().published("default").journeys().get(0).version())
          .isEqualTo(v1);
      JsonNode draftVersion =
          http.get("/v1/journeys/welcome/versions", read).json().get("versions");
      assertThat(draftVersion.get(0).get("version").asText()).isEqualTo(v2);
      assertThat(draftVersion.get(0).get("published_at").isNull())
          .as("a draft never published has no published_at")
          .isTrue();

      clock.advance(Duration.ofMinutes(1));
      Http.Response second = http.postJson("/v1/journeys/welcome/publish", admin, "");
      assertThat(second.json().get("live_version").asText()).isEqualTo(v2);
      Definitions now = server.publishedDefinitions().published("default");
      assertThat(now.journeys()).extracting(Journey::version).containsExactly(v2);
      assertThat(now.journeys().get(0).steps()).hasSize(3);
      // Customers who entered v1 finish it.
      Journey old = server.publishedDefinitions().version("default", "welcome", v1);
      assertThat(old.version()).isEqualTo(v1);
      assertThat(old.steps()).hasSize(1);
      assertThat(server.publishedDefinitions().version("default", "welcome", "000000000000"))
          .isNull();

      Http.Response versions = http.get("/v1/journeys/welcome/versions", read);
      JsonNode vs = versions.json().get("versions");
      assertThat(vs).hasSize(2);
      assertThat(vs.get(0).get("version").asText()).isEqualTo(v2);
      assertThat(vs.get(0).get("live").asBoolean()).isTrue();
      assertThat(vs.get(1).get("version").asText()).isEqualTo(v1);
      assertThat(vs.get(1).get("live").asBoolean()).isFalse();
      assertThat(vs.get(1).get("published_at").asText()).isEqualTo("2026-03-01T09:01:00Z");

      Http.Response oldSource = http.get("/v1/journeys/welcome?version=" + v1, read);
      assertThat(oldSource.json().get("source").asText()).isEqualTo(WELCOME);
      assertThat(http.get("/v1/journeys/welcome?version=nope", read).status()).isEqualTo(404);

      // Publishing an older version again rolls back.
      Http.Response rollback =
          http.postJson("/v1/journeys/welcome/publish", admin, "{\"version\":\"" + v1 + "\"}");
      assertThat(rollback.json().get("live_version").asText()).isEqualTo(v1);
      assertThat(server.publishedDefinitions().published("default").journeys().get(0).version())
          .isEqualTo(v1);
      Http.Response unknown =
          http.postJson("/v1/journeys/welcome/publish", admin, "{\"version\":\"abc\"}");
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("version");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void pausedAndArchivedJourneysTakeNoNewEntriesButKeepTheirVersions(StoreKind kind) {
    try (KairosServer server = start(kind)) {
      Http http = new Http(server.port());
      String admin = key(server, Scope.ADMIN);
      PublishedDefinitions published = server.publishedDefinitions();
      postYaml(http, "/v1/journeys", admin, WELCOME);
      String v1 =
          http.postJson("/v1/journeys/welcome/publish", admin, "")
              .json()
              .get("live_version")
              .asText();
      postYaml(
          http,
          "/v1/journeys",
          admin,
          VIP_JOURNEY
              .replace("segment_entered: vip", "event: Paid")
              .replace("vip-welcome", "paid"));
      http.postJson("/v1/journeys/paid/publish", admin, "");
      assertThat(ids(published.published("default"))).containsExactly("welcome", "paid");

      Http.Response paused = http.postJson("/v1/journeys/welcome/pause", admin, "");
      assertThat(paused.status()).isEqualTo(200);
      assertThat(paused.json().get("status").asText()).isEqualTo("paused");
      assertThat(ids(published.published("default"))).containsExactly("paid");
      assertThat(published.version("default", "welcome", v1).version()).isEqualTo(v1);
      // Pausing twice changes nothing; a draft cannot be paused.
      assertThat(http.postJson("/v1/journeys/welcome/pause", admin, "").status()).isEqualTo(200);
      postYaml(http, "/v1/journeys", admin, WELCOME.replace("id: welcome", "id: draft-only"));
      Http.Response notLive = http.postJson("/v1/journeys/draft-only/pause", admin, "");
      assertThat(notLive.status()).isEqualTo(409);
      assertThat(notLive.contentType()).startsWith("application/problem+json");

      // Resume = publish again.
      assertThat(
              http.postJson("/v1/journeys/welcome/publish", admin, "")
                  .json()
                  .get("status")
                  .asText())
          .isEqualTo("published");
      assertThat(ids(published.published("default"))).containsExactlyInAnyOrder("welcome", "paid");

      Http.Response archived = http.postJson("/v1/journeys/paid/archive", admin, "");
      assertThat(archived.json().get("status").asText()).isEqualTo("archived");
      assertThat(ids(published.published("default"))).containsExactly("welcome");
      String read = key(server, Scope.READ);
      assertThat(listed(http, "/v1/journeys", read)).containsExactly("draft-only", "welcome");
      assertThat(listed(http, "/v1/journeys?status=archived", read)).containsExactly("paid");
      assertThat(listed(http, "/v1/journeys?status=all", read))
          .containsExactly("draft-only", "paid", "welcome");
      assertThat(listed(http, "/v1/journeys?status=draft", read)).containsExactly("draft-only");
      Http.Response badFilter = http.get("/v1/journeys?status=gone", read);
      assertThat(badFilter.status()).isEqualTo(400);
      assertThat(badFilter.json().get("errors").get(0).get("field").asText()).isEqualTo("status");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void invalidDefinitionsAreRefusedWithEveryProblemAtItsLineAndColumn(StoreKind kind) {
    try (KairosServer server = start(kind)) {
      Http http = new Http(server.port());
      String admin = key(server, Scope.ADMIN);

      // Not YAML: refused, nothing saved.
      Http.Response broken = postYaml(http, "/v1/journeys", admin, "id: x\nsteps: [\n");
      assertThat(broken.status()).isEqualTo(400);
      JsonNode err = broken.json().get("errors").get(0);
      assertThat(err.get("field").asText()).isEqualTo("source");
      assertThat(err.get("line").asInt()).isEqualTo(3);
      assertThat(err.get("reason").asText()).startsWith("journey:3:");
      assertThat(http.get("/v1/journeys", admin).json().get("journeys")).isEmpty();

      Http.Response validate =
          postYaml(
              http,
              "/v1/journeys/validate",
              admin,
              "id: x\ngoal: G\ntrigger: {event: A}\nsteps:\n  - wait: soon\n");
      assertThat(validate.status()).isEqualTo(200);
      assertThat(validate.json().get("ok").asBoolean()).isFalse();
      JsonNode p = validate.json().get("problems").get(0);
      assertThat(p.get("field").asText()).isEqualTo("source");
      assertThat(p.get("document").asText()).isEqualTo("journeys/x");
      assertThat(p.get("line").asInt()).isEqualTo(5);
      assertThat(p.get("column").asInt()).isEqualTo(11);

      // A journey on a segment nobody defined saves as a draft, and does not publish.
      Http.Response draft = postYaml(http, "/v1/journeys", admin, VIP_JOURNEY);
      assertThat(draft.status()).isEqualTo(201);
      assertThat(draft.json().get("problems")).hasSize(1);
      Http.Response refused = http.postJson("/v1/journeys/vip-welcome/publish", admin, "");
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      JsonNode e = refused.json().get("errors").get(0);
      assertThat(e.get("field").asText()).isEqualTo("source");
      assertThat(e.get("reason").asText())
          .startsWith("journeys/vip-welcome:4:20:")
          .contains("no segment")
          .contains("vip");
      assertThat(e.get("line").asInt()).isEqualTo(4);
      assertThat(e.get("column").asInt()).isEqualTo(20);
      assertThat(server.publishedDefinitions().published("default").journeys()).isEmpty();

      // With the segment it publishes, and then the segment cannot be deleted.
      Http.Response seg = postYaml(http, "/v1/segments", admin, VIP_SEGMENT);
      assertThat(seg.status()).as(seg.body()).isEqualTo(201);
      assertThat(http.postJson("/v1/journeys/vip-welcome/publish", admin, "").status())
          .isEqualTo(200);
      Http.Response conflict = http.delete("/v1/segments/vip", admin);
      assertThat(conflict.status()).isEqualTo(409);
      assertThat(conflict.json().get("detail").asText()).contains("journeys/vip-welcome");
      assertThat(conflict.json().get("errors").get(0).get("document").asText())
          .isEqualTo("journeys/vip-welcome");
      assertThat(http.get("/v1/segments/vip", admin).status()).isEqualTo(200);

      // A segment whose condition does not compile: refused at its own line and column.
      Http.Response badWhere =
          http.put(
              "/v1/segments/vip",
              admin,
              "application/yaml",
              "id: vip\nname: Big spenders\nwhere: profile.spent >\n");
      assertThat(badWhere.status()).isEqualTo(400);
      JsonNode w = badWhere.json().get("errors").get(0);
      assertThat(w.get("field").asText()).isEqualTo("source");
      assertThat(w.get("document").asText()).isEqualTo("segments/vip");
      assertThat(w.get("line").asInt()).isEqualTo(3);
      assertThat(server.publishedDefinitions().published("default").segments()).hasSize(1);

      // Once the journey is archived the segment goes.
      http.postJson("/v1/journeys/vip-welcome/archive", admin, "");
      assertThat(http.delete("/v1/segments/vip", admin).status()).isEqualTo(204);
      assertThat(http.get("/v1/segments/vip", admin).status()).isEqualTo(404);
      assertThat(server.publishedDefinitions().published("default").segments()).isEmpty();
      // The archived version still loads for customers in flight, with the segments of its time.
      String live = http.get("/v1/journeys/vip-welcome", admin).json().get("live_version").asText();
      assertThat(server.publishedDefinitions().version("default", "vip-welcome", live).id())
          .isEqualTo("vip-welcome");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void concurrentChangesAreValidatedAgainstEachOther(StoreKind kind) throws Exception {
    try (KairosServer server = start(kind)) {
      Http http = new Http(server.port());
      String admin = key(server, Scope.ADMIN);
      postYaml(http, "/v1/segments", admin, VIP_SEGMENT);
      int journeys = 4;
      for (int i = 0; i < journeys; i++) {
        postYaml(http, "/v1/journeys", admin, VIP_JOURNEY.replace("vip-welcome", "j" + i));
      }
      // Publishing journeys on the segment races deleting it: whichever commits first wins, and
      // the loser is validated again against the winner's result.
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(journeys + 1);
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Integer>> publishes = new ArrayList<>();
      try {
        for (int i = 0; i < journeys; i++) {
          String path = "/v1/journeys/j" + i + "/publish";
          publishes.add(
              pool.submit(
                  () -> {
                    go.await();
                    return http.postJson(path, admin, "").status();
                  }));
        }
        java.util.concurrent.Future<Integer> delete =
            pool.submit(
                () -> {
                  go.await();
                  return http.delete("/v1/segments/vip", admin).status();
                });
        go.countDown();
        int published = 0;
        for (java.util.concurrent.Future<Integer> f : publishes) {
          int status = f.get();
          assertThat(status).isIn(200, 400);
          published += status == 200 ? 1 : 0;
        }
        int deleted = delete.get();
        assertThat(deleted).isIn(204, 409);
        assertThat(deleted == 204).isEqualTo(published == 0);
        // What is stored loads, read afresh.
        Definitions stored =
            new DefinitionManager(server.database(), clock).published(Workspaces.DEFAULT);
        assertThat(stored.journeys()).hasSize(published);
        assertThat(stored.segments()).hasSize(deleted == 204 ? 0 : 1);
        assertThat(ids(server.publishedDefinitions().published(Workspaces.DEFAULT)))
            .containsExactlyInAnyOrderElementsOf(ids(stored));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  static List<String> ids(Definitions d) {
    return d.journeys().stream().map(Journey::id).toList();
  }

  static List<String> listed(Http http, String path, String key) {
    List<String> out = new ArrayList<>();
    Http.Response r = http.get(path, key);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode list = r.json().elements().next();
    list.forEach(n -> out.add(n.get("id").asText()));
    return out;
  }
}
