package io.kairos.server.definitions;

import static io.kairos.server.definitions.DefinitionsApiTest.postYaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.KairosServer;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Templates, segments and the settings documents through the API. */
class DocumentsApiTest {
  static final String EMAIL =
      """
      {"id": "welcome", "channel": "email", "name": "Welcome",
       "default_locale": "en",
       "locales": {
         "en": {"subject": "Welcome, {{ profile.first_name | default: 'friend' }}",
                "preheader": "Glad you are here", "html": "<p>Hi</p>", "text": "Hi"},
         "de-CH": {"subject": "Willkommen", "text": "Grüezi"}}}
      """;

  static final String CHRISTMAS =
      """
      id: christmas
      goal: Greet
      trigger:
        schedule: { calendar: holidays.christmas-eve, at: "10:00" }
      steps:
        - send: email
          template: welcome
      """;

  @TempDir Path dir;

  private KairosServer start(StoreKind kind) {
    return KairosServer.start(
        TestStores.serverConfig(kind, dir),
        new VirtualClock(Instant.parse("2026-03-01T09:00:00Z")));
  }

  private static String admin(KairosServer server) {
    return server.workspaces().createKey(Workspaces.DEFAULT, Scope.ADMIN, "t").secret();
  }

  private static List<String> fields(Http.Response r) {
    List<String> out = new ArrayList<>();
    r.json().get("errors").forEach(e -> out.add(e.get("field").asText()));
    return out;
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void templatesAreCheckedStoredAsGivenAndVersioned(StoreKind kind) {
    try (KairosServer server = start(kind)) {
      Http http = new Http(server.port());
      String admin = admin(server);
      Http.Response created = http.postJson("/v1/templates", admin, EMAIL);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      JsonNode t = http.get("/v1/templates/welcome", admin).json();
      assertThat(t.get("channel").asText()).isEqualTo("email");
      assertThat(t.get("locales").get("de-CH").get("text").asText()).isEqualTo("Grüezi");
      assertThat(t.get("locales").get("en").get("subject").asText())
          .isEqualTo("Welcome, {{ profile.first_name | default: 'friend' }}");
      String v1 = t.get("version").asText();
      Template read =
          TemplateReader.parse(
              server.definitions().content(Workspaces.DEFAULT, Kind.TEMPLATE, "welcome", v1));
      assertThat(read.defaultLocale()).isEqualTo("en");
      assertThat(read.locales().keySet()).containsExactly("en", "de-CH");

      Http.Response badChannel =
          http.postJson(
              "/v1/templates",
              admin,
              "{\"id\":\"x\",\"channel\":\"fax\",\"locales\":{\"en\":{\"text\":\"a\"}},\"color\":1}");
      assertThat(badChannel.status()).isEqualTo(400);
      assertThat(fields(badChannel)).containsExactlyInAnyOrder("color", "channel");

      Http.Response badFields =
          http.postJson(
              "/v1/templates",
              admin,
              "{\"id\":\"x\",\"channel\":\"email\",\"locales\":{\"en\":{\"html\":\"{{ name \","
                  + "\"body\":\"b\"},\"not a tag!\":{\"subject\":\"s\",\"text\":\"t\"}}}");
      assertThat(badFields.status()).isEqualTo(400);
      assertThat(fields(badFields))
          .containsExactlyInAnyOrder(
              "locales.en.html", "locales.en.body", "locales.en.subject", "locales.not a tag!");
      assertThat(badFields.json().get("errors").toString()).contains("invalid Liquid", "line 1");
      assertThat(http.get("/v1/templates/x", admin).status()).isEqualTo(404);

      // PUT: a new version; the id may come from the URL.
      Http.Response v2 =
          http.put(
              "/v1/templates/welcome",
              admin,
              "application/json",
              "{\"channel\":\"email\",\"locales\":{\"en\":{\"subject\":\"Hello\",\"text\":\"Hi\"}}}");
      assertThat(v2.status()).as(v2.body()).isEqualTo(200);
      assertThat(v2.json().get("id").asText()).isEqualTo("welcome");
      JsonNode versions = http.get("/v1/templates/welcome/versions", admin).json().get("versions");
      assertThat(versions).hasSize(2);
      assertThat(
              http.get("/v1/templates/welcome?version=" + v1, admin)
                  .json()
                  .get("locales")
                  .has("de-CH"))
          .isTrue();
      Http.Response otherId =
          http.put(
              "/v1/templates/welcome",
              admin,
              "application/json",
              "{\"id\":\"other\",\"channel\":\"sms\",\"locales\":{\"en\":{\"text\":\"Hi\"}}}");
      assertThat(fields(otherId)).containsExactly("id");
      Http.Response yaml =
          http.put("/v1/templates/welcome", admin, "application/yaml", "id: welcome\n");
      assertThat(yaml.status()).isEqualTo(415);

      // A template a published journey sends cannot be deleted.
      http.put(
          "/v1/definitions/calendars",
          admin,
          "application/yaml",
          "calendars:\n  holidays:\n    christmas-eve: \"12-24\"\n");
      postYaml(http, "/v1/journeys", admin, CHRISTMAS);
      assertThat(http.postJson("/v1/journeys/christmas/publish", admin, "").status())
          .isEqualTo(200);
      Http.Response inUse = http.delete("/v1/templates/welcome", admin);
      assertThat(inUse.status()).isEqualTo(409);
      assertThat(inUse.json().get("detail").asText()).contains("journeys/christmas");
      http.postJson("/v1/journeys/christmas/archive", admin, "");
      assertThat(http.delete("/v1/templates/welcome", admin).status()).isEqualTo(204);
      assertThat(http.get("/v1/templates", admin).json().get("templates")).isEmpty();
      // Created again after deletion.
      assertThat(http.postJson("/v1/templates", admin, EMAIL).status()).isEqualTo(201);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void settingsAreValidatedWithTheWholeWorkspace(StoreKind kind) {
    try (KairosServer server = start(kind)) {
      Http http = new Http(server.port());
      String admin = admin(server);
      Http.Response calendars =
          http.put(
              "/v1/definitions/calendars",
              admin,
              "application/yaml",
              "calendars:\n  holidays:\n    christmas-eve: \"12-24\"\n    new-year: \"01-01\"\n");
      assertThat(calendars.status()).as(calendars.body()).isEqualTo(201);
      assertThat(postYaml(http, "/v1/journeys", admin, CHRISTMAS).status()).isEqualTo(201);
      assertThat(http.postJson("/v1/journeys/christmas/publish", admin, "").status())
          .isEqualTo(200);

      // Removing the date the journey uses breaks the journey: refused, naming it.
      Http.Response broken =
          http.put(
              "/v1/definitions/calendars",
              admin,
              "application/json",
              "{\"source\": \"calendars:\\n  holidays:\\n    new-year: \\\"01-01\\\"\\n\"}");
      assertThat(broken.status()).isEqualTo(400);
      JsonNode e = broken.json().get("errors").get(0);
      assertThat(e.get("field").asText()).isEqualTo("journeys/christmas");
      assertThat(e.get("line").asInt()).isEqualTo(4);
      assertThat(
              server
                  .publishedDefinitions()
                  .published("default")
                  .calendars()
                  .get("holidays")
                  .dates())
          .containsKey("christmas-eve");
      Http.Response delete = http.delete("/v1/definitions/calendars", admin);
      assertThat(delete.status()).isEqualTo(409);

      // A settings document holds its own section only.
      Http.Response mixed =
          http.put(
              "/v1/definitions/policies",
              admin,
              "application/yaml",
              "policies:\n  min_gap: 1h\nsegments:\n  - id: a\n    where: 'true'\n");
      assertThat(mixed.status()).isEqualTo(400);
      JsonNode m = mixed.json().get("errors").get(0);
      assertThat(m.get("field").asText()).isEqualTo("source");
      assertThat(m.get("line").asInt()).isEqualTo(3);
      assertThat(m.get("reason").asText()).contains("/v1/segments");

      Http.Response policies =
          http.put(
              "/v1/definitions/policies", admin, "application/yaml", "policies:\n  min_gap: 1h\n");
      assertThat(policies.status()).isEqualTo(201);
      assertThat(server.publishedDefinitions().published("default").policies().minGap())
          .isNotNull();

      Http.Response catalog =
          http.post(
              "/v1/definitions/catalog",
              admin,
              "text/csv",
              "id,name\nx,X\n".getBytes(StandardCharsets.UTF_8));
      assertThat(catalog.status()).isEqualTo(404); // PUT, not POST: the router has no POST route
      Http.Response csv =
          http.put(
              "/v1/definitions/catalog",
              admin,
              "text/csv",
              "id,name,price\nshoe,Shoe,10\nhat,Hat,5\n");
      assertThat(csv.status()).as(csv.body()).isEqualTo(201);
      assertThat(server.publishedDefinitions().published("default").catalog().size()).isEqualTo(2);
      Http.Response badCsv =
          http.put("/v1/definitions/catalog", admin, "text/csv", "name,price\nShoe,10\n");
      assertThat(badCsv.status()).isEqualTo(400);
      assertThat(badCsv.json().get("errors").get(0).get("document").asText())
          .isEqualTo("definitions/catalog");

      JsonNode list = http.get("/v1/definitions", admin).json();
      List<String> defined = new ArrayList<>();
      list.get("definitions").forEach(d -> defined.add(d.get("kind").asText()));
      assertThat(defined).containsExactly("calendars", "policies", "catalog");
      assertThat(http.get("/v1/definitions/segments", admin).json().get("detail").asText())
          .contains("/v1/segments");
      assertThat(http.get("/v1/definitions/scoring", admin).status()).isEqualTo(404);
      assertThat(http.put("/v1/definitions/policies", admin, "application/xml", "<x/>").status())
          .isEqualTo(415);

      assertThat(http.delete("/v1/definitions/policies", admin).status()).isEqualTo(204);
      assertThat(server.publishedDefinitions().published("default").policies().minGap()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void segmentsAreOnePerResourceInYamlOrJson(StoreKind kind) {
    try (KairosServer server = start(kind)) {
      Http http = new Http(server.port());
      String admin = admin(server);
      Http.Response json =
          http.postJson(
              "/v1/segments",
              admin,
              "{\"id\": \"pro\", \"name\": \"Pro plan\", \"where\": \"has(profile.plan) && profile.plan == 'pro'\"}");
      assertThat(json.status()).as(json.body()).isEqualTo(201);
      Http.Response yaml = postYaml(http, "/v1/segments", admin, DefinitionsApiTest.VIP_SEGMENT);
      assertThat(yaml.status()).isEqualTo(201);
      assertThat(postYaml(http, "/v1/segments", admin, DefinitionsApiTest.VIP_SEGMENT).status())
          .isEqualTo(409);
      Http.Response list = http.get("/v1/segments", admin);
      assertThat(list.json().get("segments")).hasSize(2);
      assertThat(list.json().get("segments").get(1).get("name").asText()).isEqualTo("Big spenders");
      // A segment that reads another.
      Http.Response dependent =
          postYaml(
              http,
              "/v1/segments",
              admin,
              "id: pro-vip\nwhere: in_segment(\"pro\") && in_segment(\"vip\")\n");
      assertThat(dependent.status()).as(dependent.body()).isEqualTo(201);
      Http.Response used = http.delete("/v1/segments/pro", admin);
      assertThat(used.status()).isEqualTo(409);
      assertThat(used.json().get("detail").asText()).contains("segments/pro-vip");
      Http.Response list2 =
          postYaml(http, "/v1/segments", admin, "segments:\n  - id: a\n    where: 'true'\n");
      assertThat(list2.status()).isEqualTo(400);
      assertThat(list2.json().get("errors").get(0).get("reason").asText()).contains("one segment");
      Http.Response put =
          http.put(
              "/v1/segments/vip",
              admin,
              "application/yaml",
              DefinitionsApiTest.VIP_SEGMENT.replace("1000", "5000"));
      assertThat(put.status()).isEqualTo(200);
      assertThat(put.json().get("where").asText()).contains("5000");
      assertThat(http.get("/v1/segments/vip/versions", admin).json().get("versions")).hasSize(2);
      assertThat(server.publishedDefinitions().published("default").segments()).hasSize(3);
    }
  }
}
