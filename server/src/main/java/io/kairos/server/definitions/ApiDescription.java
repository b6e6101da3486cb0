package io.kairos.server.definitions;

import io.kairos.server.openapi.OpenApi;
import io.kairos.server.workspace.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAPI description of {@link DefinitionsApi}'s routes. */
final class ApiDescription {
  private ApiDescription() {}

  private static Map<String, Object> string() {
    return Map.of("type", "string");
  }

  private static Map<String, Object> object(Map<String, Object> properties) {
    return Map.of("type", "object", "properties", properties);
  }

  private static Map<String, Object> listOf(String name, Map<String, Object> items) {
    return object(Map.of(name, Map.of("type", "array", "items", items)));
  }

  private static Map<String, Map<String, Object>> yamlOrJson(String what) {
    Map<String, Map<String, Object>> m = new LinkedHashMap<>();
    m.put("application/yaml", Map.of("type", "string", "description", what));
    m.put(
        "application/json",
        Map.of(
            "type",
            "object",
            "required",
            List.of("source"),
            "properties",
            Map.of("source", Map.of("type", "string", "description", what))));
    return m;
  }

  static void describe(OpenApi api, List<String> sections) {
    api.tag(
        "journeys",
        "Journeys as YAML (docs/journeys.md): drafts, validation, versions, publish, pause,"
            + " archive. Customers in flight stay on the version they entered.");
    api.tag("segments", "Audiences kept current (docs/segments.md), one per resource");
    api.tag("templates", "Message templates per channel and locale (Liquid)");
    api.tag(
        "definitions",
        "The workspace's settings sections (" + String.join(", ", sections) + ") and catalogue");

    Map<String, Object> problems = Map.of("type", "array", "items", OpenApi.ref("FieldError"));
    Map<String, Object> journey = new LinkedHashMap<>();
    journey.put("id", string());
    journey.put("name", string());
    journey.put(
        "status",
        Map.of("type", "string", "enum", List.of("draft", "published", "paused", "archived")));
    journey.put("live_version", Map.of("type", List.of("string", "null")));
    journey.put("latest_version", string());
    journey.put("has_draft", Map.of("type", "boolean"));
    journey.put("created_at", Map.of("type", "string", "format", "date-time"));
    journey.put("updated_at", Map.of("type", "string", "format", "date-time"));
    journey.put("version", string());
    journey.put("source", Map.of("type", "string", "description", "the YAML of `version`"));
    journey.put("problems", problems);
    api.schema("Journey", object(journey));
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("version", string());
    version.put("created_at", Map.of("type", "string", "format", "date-time"));
    version.put("created_by", Map.of("type", "string", "description", "the id of the key"));
    version.put("published_at", Map.of("type", List.of("string", "null"), "format", "date-time"));
    version.put("live", Map.of("type", "boolean"));
    version.put("latest", Map.of("type", "boolean"));
    api.schema(
        "Versions",
        object(
            Map.of("id", string(), "versions", Map.of("type", "array", "items", object(version)))));
    Map<String, Object> segment = new LinkedHashMap<>();
    segment.put("id", string());
    segment.put("name", string());
    segment.put("description", string());
    segment.put("where", Map.of("type", "string", "description", "a CEL condition"));
    segment.put("version", string());
    segment.put("source", string());
    api.schema("Segment", object(segment));
    Map<String, Object> variant = new LinkedHashMap<>();
    for (String f :
        List.of(
            "subject", "preheader", "html", "text", "title", "body", "icon", "url", "image_url")) {
      variant.put(f, string());
    }
    Map<String, Object> template = new LinkedHashMap<>();
    template.put("id", string());
    template.put("channel", Map.of("type", "string", "enum", Template.CHANNELS));
    template.put("name", string());
    template.put("default_locale", string());
    template.put(
        "locales",
        Map.of(
            "type",
            "object",
            "description",
            "variants by BCP 47 tag; fields per channel: email subject, preheader, html, text;"
                + " sms text; push title, body, icon, url; webhook body; inbox title, body",
            "additionalProperties",
            object(variant)));
    template.put("version", string());
    api.schema("Template", object(template));
    Map<String, Object> setting = new LinkedHashMap<>();
    setting.put("kind", string());
    setting.put("version", string());
    setting.put("source", string());
    api.schema("Setting", object(setting));

    Map<String, Object> versionQuery = string();
    // journeys
    api.operation("GET", "/v1/journeys", "journeys", "Lists journeys")
        .scope(Scope.READ)
        .query(
            "status",
            "draft, published, paused, archived or all (default: all but archived)",
            string())
        .json(200, "the journeys", listOf("journeys", OpenApi.ref("Journey")))
        .problem(400, "unknown status");
    api.operation("POST", "/v1/journeys", "journeys", "Creates a journey as a draft")
        .scope(Scope.ADMIN)
        .description(
            "The draft is saved even when it would not publish yet; `problems` says what"
                + " publishing it now would report.")
        .body("the journey", yamlOrJson("the journey's YAML"))
        .json(201, "created", OpenApi.ref("Journey"))
        .problem(400, "not YAML, or no usable id (errors carry line and column)")
        .problem(409, "a journey with that id exists")
        .problem(415, "not YAML or JSON");
    api.operation(
            "POST", "/v1/journeys/validate", "journeys", "Validates a journey, saving nothing")
        .scope(Scope.READ)
        .description("Against the workspace's published definitions, as publishing would.")
        .body("the journey", yamlOrJson("the journey's YAML"))
        .json(
            200,
            "ok, or every problem",
            object(Map.of("ok", Map.of("type", "boolean"), "problems", problems)))
        .problem(415, "not YAML or JSON");
    api.operation("GET", "/v1/journeys/{id}", "journeys", "A journey with the YAML of a version")
        .scope(Scope.READ)
        .query("version", "the version to show (default: the latest)", versionQuery)
        .json(200, "the journey", OpenApi.ref("Journey"))
        .problem(404, "no such journey or version in the key's workspace");
    api.operation("PUT", "/v1/journeys/{id}", "journeys", "Saves a new draft version")
        .scope(Scope.ADMIN)
        .description("The live version stays live until the draft is published.")
        .body("the journey", yamlOrJson("the journey's YAML; its id must be the URL's"))
        .json(200, "saved", OpenApi.ref("Journey"))
        .json(201, "created", OpenApi.ref("Journey"))
        .problem(400, "not YAML, or the id is not the URL's")
        .problem(415, "not YAML or JSON");
    api.operation("GET", "/v1/journeys/{id}/versions", "journeys", "Every saved version")
        .scope(Scope.READ)
        .json(200, "newest first", OpenApi.ref("Versions"))
        .problem(404, "no such journey");
    api.operation(
            "POST", "/v1/journeys/{id}/publish", "journeys", "Publishes (or resumes) a journey")
        .scope(Scope.ADMIN)
        .description(
            "Publishes the latest version, or {\"version\"} (also ?version=). The whole workspace"
                + " is validated with it; customers in flight stay on their version. Publishing a"
                + " paused or archived journey resumes it.")
        .query("version", "the version to publish (default: the latest)", versionQuery)
        .json(200, "published", OpenApi.ref("Journey"))
        .problem(400, "the workspace would not load: every problem with document, line, column")
        .problem(404, "no such journey");
    api.operation("POST", "/v1/journeys/{id}/pause", "journeys", "Pauses a journey")
        .scope(Scope.ADMIN)
        .description("No new entries; customers in flight continue. Publish again to resume.")
        .json(200, "paused", OpenApi.ref("Journey"))
        .problem(404, "no such journey")
        .problem(409, "the journey is not published");
    api.operation("POST", "/v1/journeys/{id}/archive", "journeys", "Archives a journey")
        .scope(Scope.ADMIN)
        .description(
            "No new entries, hidden from the default list; customers in flight finish their"
                + " version.")
        .json(200, "archived", OpenApi.ref("Journey"))
        .problem(404, "no such journey");

    // segments, templates
    Map<String, Map<String, Object>> segmentBody = new LinkedHashMap<>();
    segmentBody.put("application/yaml", Map.of("type", "string"));
    segmentBody.put("application/json", OpenApi.ref("Segment"));
    describeCollection(
        api, "segments", "segment", OpenApi.ref("Segment"), segmentBody, versionQuery);
    describeCollection(
        api,
        "templates",
        "template",
        OpenApi.ref("Template"),
        Map.of("application/json", OpenApi.ref("Template")),
        versionQuery);

    // settings
    api.operation("GET", "/v1/definitions", "definitions", "The settings documents defined")
        .scope(Scope.READ)
        .json(
            200,
            "the kinds and the documents defined",
            object(
                Map.of(
                    "kinds", Map.of("type", "array", "items", string()),
                    "definitions", Map.of("type", "array", "items", OpenApi.ref("Setting")))));
    api.operation("GET", "/v1/definitions/{kind}", "definitions", "A settings document")
        .scope(Scope.READ)
        .pathParameter(
            "kind", "calendars, geofences, scoring, lifecycle, pools, policies or catalog")
        .query("version", "the version to show (default: the live one)", versionQuery)
        .json(200, "the document", OpenApi.ref("Setting"))
        .problem(404, "not defined, or no such kind");
    Map<String, Map<String, Object>> settingBody = new LinkedHashMap<>(yamlOrJson("the section"));
    settingBody.put("text/csv", Map.of("type", "string", "description", "the catalogue"));
    api.operation("PUT", "/v1/definitions/{kind}", "definitions", "Saves a settings document")
        .scope(Scope.ADMIN)
        .pathParameter(
            "kind", "calendars, geofences, scoring, lifecycle, pools, policies or catalog")
        .description(
            "YAML with exactly the one section named by {kind} (`policies:` ...), or the"
                + " products.csv text for catalog. Validated with the whole workspace; live at"
                + " once.")
        .body("the document", settingBody)
        .json(200, "saved", OpenApi.ref("Setting"))
        .json(201, "created", OpenApi.ref("Setting"))
        .problem(400, "the workspace would not load: every problem with document, line, column")
        .problem(404, "no such kind")
        .problem(415, "not YAML, CSV or JSON");
    api.operation("DELETE", "/v1/definitions/{kind}", "definitions", "Removes a settings document")
        .scope(Scope.ADMIN)
        .pathParameter(
            "kind", "calendars, geofences, scoring, lifecycle, pools, policies or catalog")
        .empty(204, "removed")
        .problem(404, "not defined")
        .problem(409, "published definitions use it (errors name them)");
    api.operation("GET", "/v1/definitions/{kind}/versions", "definitions", "Every saved version")
        .scope(Scope.READ)
        .pathParameter(
            "kind", "calendars, geofences, scoring, lifecycle, pools, policies or catalog")
        .json(200, "newest first", OpenApi.ref("Versions"))
        .problem(404, "not defined");
  }

  private static void describeCollection(
      OpenApi api,
      String plural,
      String singular,
      Map<String, Object> schema,
      Map<String, Map<String, Object>> body,
      Map<String, Object> versionQuery) {
    String base = "/v1/" + plural;
    api.operation("GET", base, plural, "Lists " + plural)
        .scope(Scope.READ)
        .json(200, "the " + plural, listOf(plural, schema));
    api.operation("POST", base, plural, "Creates a " + singular)
        .scope(Scope.ADMIN)
        .body("the " + singular, body)
        .json(201, "created and live", schema)
        .problem(400, "invalid: every problem named")
        .problem(409, "a " + singular + " with that id exists")
        .problem(415, "unsupported Content-Type");
    api.operation("GET", base + "/{id}", plural, "A " + singular)
        .scope(Scope.READ)
        .query("version", "the version to show (default: the current one)", versionQuery)
        .json(200, "the " + singular, schema)
        .problem(404, "no such " + singular + " in the key's workspace");
    api.operation("PUT", base + "/{id}", plural, "Saves a new version of a " + singular)
        .scope(Scope.ADMIN)
        .body("the " + singular + "; its id must be the URL's", body)
        .json(200, "saved and live", schema)
        .json(201, "created and live", schema)
        .problem(400, "invalid: every problem named")
        .problem(415, "unsupported Content-Type");
    api.operation("DELETE", base + "/{id}", plural, "Deletes a " + singular)
        .scope(Scope.ADMIN)
        .empty(204, "deleted (its versions stay in the history)")
        .problem(404, "no such " + singular)
        .problem(409, "published journeys (or segments) use it; errors name them");
    api.operation("GET", base + "/{id}/versions", plural, "Every saved version")
        .scope(Scope.READ)
        .json(200, "newest first", OpenApi.ref("Versions"))
        .problem(404, "no such " + singular);
  }
}
