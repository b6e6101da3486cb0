package io.kairos.server.definitions;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kairos.definition.DefinitionLoader;
import io.kairos.journey.JourneyLoadException.Problem;
import io.kairos.server.Capability;
import io.kairos.server.http.Authenticator;
import io.kairos.server.http.Problem.FieldError;
import io.kairos.server.http.ProblemException;
import io.kairos.server.openapi.OpenApi;
import io.kairos.server.workspace.ApiKey;
import io.kairos.server.workspace.Scope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The management API for definitions: journeys (drafts, validation, versions, publish, pause,
 * archive), segments, templates and the settings documents. Every route acts in the workspace of
 * the request's key only — another workspace's ids are not found (404), never forbidden — and needs
 * scope read (GET, and validation, which saves nothing) or admin (every change). Described route by
 * route in {@link #describe}; docs/api.md has examples.
 */
public final class DefinitionsApi implements Capability {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Media types taken as the YAML text of a document. */
  private static final Set<String> YAML =
      Set.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain");

  /** Media types taken as the CSV text of the catalogue. */
  private static final Set<String> CSV = Set.of("text/csv", "text/plain");

  private final DefinitionManager defs;
  private final Authenticator auth;

  public DefinitionsApi(DefinitionManager defs, Authenticator auth) {
    this.defs = defs;
    this.auth = auth;
  }

  @Override
  public void routes(RoutesConfig r) {
    r.exception(
        ValidationException.class,
        (e, ctx) ->
            ctx.status(e.status())
                .contentType(OpenApi.PROBLEM)
                .result(write(e.body()))
                .contentType(OpenApi.PROBLEM));

    r.get("/v1/journeys", this::listJourneys);
    r.post("/v1/journeys", ctx -> saveJourney(ctx, null));
    r.post("/v1/journeys/validate", this::validateJourney);
    r.get("/v1/journeys/{id}", this::getJourney);
    r.put("/v1/journeys/{id}", ctx -> saveJourney(ctx, ctx.pathParam("id")));
    r.get("/v1/journeys/{id}/versions", ctx -> versions(ctx, Kind.JOURNEY, ctx.pathParam("id")));
    r.post("/v1/journeys/{id}/publish", this::publish);
    r.post(
        "/v1/journeys/{id}/pause",
        ctx -> {
          ApiKey key = auth.require(ctx, Scope.ADMIN);
          ctx.json(journey(key.workspace(), defs.pause(key.workspace(), key.id(), id(ctx)), null));
        });
    r.post(
        "/v1/journeys/{id}/archive",
        ctx -> {
          ApiKey key = auth.require(ctx, Scope.ADMIN);
          ctx.json(
              journey(key.workspace(), defs.archive(key.workspace(), key.id(), id(ctx)), null));
        });

    r.get("/v1/segments", this::listSegments);
    r.post("/v1/segments", ctx -> saveSegment(ctx, null));
    r.get("/v1/segments/{id}", ctx -> getDocument(ctx, Kind.SEGMENT, id(ctx)));
    r.put("/v1/segments/{id}", ctx -> saveSegment(ctx, ctx.pathParam("id")));
    r.delete("/v1/segments/{id}", ctx -> delete(ctx, Kind.SEGMENT, id(ctx)));
    r.get("/v1/segments/{id}/versions", ctx -> versions(ctx, Kind.SEGMENT, id(ctx)));

    r.get("/v1/templates", this::listTemplates);
    r.post("/v1/templates", ctx -> saveTemplate(ctx, null));
    r.get("/v1/templates/{id}", ctx -> getDocument(ctx, Kind.TEMPLATE, id(ctx)));
    r.put("/v1/templates/{id}", ctx -> saveTemplate(ctx, ctx.pathParam("id")));
    r.delete("/v1/templates/{id}", ctx -> delete(ctx, Kind.TEMPLATE, id(ctx)));
    r.get("/v1/templates/{id}/versions", ctx -> versions(ctx, Kind.TEMPLATE, id(ctx)));

    r.get("/v1/definitions", this::listSettings);
    r.get("/v1/definitions/{kind}", ctx -> getDocument(ctx, null, null));
    r.put("/v1/definitions/{kind}", this::saveSetting);
    r.delete("/v1/definitions/{kind}", ctx -> delete(ctx, null, null));
    r.get("/v1/definitions/{kind}/versions", ctx -> versions(ctx, null, null));
  }

  // ---------------------------------------------------------------- journeys

  private void listJourneys(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    String filter = ctx.queryParam("status");
    Status only = null;
    if (filter != null && !filter.equals("all")) {
      only = Status.parse(filter);
      if (only == null || only == Status.DELETED) {
        throw ProblemException.badField(
            "status", "expected draft, published, paused, archived or all, got '" + filter + "'");
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Head h : defs.heads(key.workspace(), Kind.JOURNEY)) {
      boolean shown =
          only == null ? (filter != null || h.status() != Status.ARCHIVED) : h.status() == only;
      if (shown) {
        out.add(journey(key.workspace(), h, null));
      }
    }
    ctx.json(Map.of("journeys", out));
  }

  private void getJourney(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    Head h = head(key.workspace(), Kind.JOURNEY, id(ctx));
    String version = ctx.queryParam("version");
    Map<String, Object> body = journey(key.workspace(), h, version == null ? h.latest() : version);
    ctx.json(body);
  }

  private void saveJourney(Context ctx, String pathId) {
    ApiKey key = auth.require(ctx, Scope.ADMIN);
    String text = source(ctx, YAML);
    DefinitionManager.Saved saved = defs.saveJourney(key.workspace(), key.id(), pathId, text);
    Map<String, Object> body = journey(key.workspace(), saved.head(), null);
    String name = Kind.JOURNEY.sourceName(saved.head().id());
    body.put("problems", errors(saved.problems(), name));
    created(ctx, saved, "/v1/journeys/" + saved.head().id());
    ctx.json(body);
  }

  private void validateJourney(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    String text = source(ctx, YAML);
    List<Problem> problems = defs.validateJourney(key.workspace(), text);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ok", problems.isEmpty());
    String name = journeySource(text);
    body.put("problems", errors(problems, name == null ? Checks.NEW_JOURNEY : name));
    ctx.json(body);
  }

  /** The source name the loader gives a journey text, or null when it has no usable id. */
  private static String journeySource(String text) {
    try {
      return Kind.JOURNEY.sourceName(Checks.journeyId(text, null));
    } catch (ValidationException e) {
      return null;
    }
  }

  private void publish(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.ADMIN);
    String version = ctx.queryParam("version");
    byte[] raw = ctx.bodyAsBytes();
    if (raw.length > 0) {
      JsonNode body = json(ctx, raw);
      JsonNode v = body.get("version");
      if (v != null && !v.isNull()) {
        if (!v.isTextual()) {
          throw ProblemException.badField("version", "expected a version string");
        }
        version = v.asText();
      }
    }
    Head h = defs.publish(key.workspace(), key.id(), id(ctx), version);
    ctx.json(journey(key.workspace(), h, null));
  }

  /** A journey as the API shows it; with {@code source} of {@code version} when given. */
  private Map<String, Object> journey(String ws, Head h, String version) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", h.id());
    String latest = defs.content(ws, Kind.JOURNEY, h.id(), h.latest());
    m.put("name", scalar(latest, "name"));
    m.put("status", h.status().label());
    m.put("live_version", h.live());
    m.put("latest_version", h.latest());
    m.put("has_draft", !h.latest().equals(h.live()));
    m.put("created_at", time(h.createdAt()));
    m.put("updated_at", time(h.updatedAt()));
    if (version != null) {
      String text =
          version.equals(h.latest()) ? latest : defs.content(ws, Kind.JOURNEY, h.id(), version);
      if (text == null) {
        throw ProblemException.notFound(
            "journey '" + h.id() + "' has no version '" + version + "'");
      }
      m.put("version", version);
      m.put("source", text);
    }
    return m;
  }

  // ---------------------------------------------------------------- segments

  private void listSegments(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Head h : defs.heads(key.workspace(), Kind.SEGMENT)) {
      if (h.status() != Status.DELETED) {
        out.add(document(key.workspace(), h, null, false));
      }
    }
    ctx.json(Map.of("segments", out));
  }

  private void saveSegment(Context ctx, String pathId) {
    ApiKey key = auth.require(ctx, Scope.ADMIN);
    String text = segmentSource(ctx);
    DefinitionManager.Saved saved = defs.saveSegment(key.workspace(), key.id(), pathId, text);
    created(ctx, saved, "/v1/segments/" + saved.head().id());
    ctx.json(document(key.workspace(), saved.head(), saved.head().live(), true));
  }

  /** A segment is YAML, or JSON: the segment object itself, or {@code {"source": YAML}}. */
  private static String segmentSource(Context ctx) {
    if (!mediaType(ctx).equals("application/json")) {
      return source(ctx, YAML);
    }
    byte[] raw = ctx.bodyAsBytes();
    JsonNode body = json(ctx, raw);
    if (body.size() == 1 && body.has("source")) {
      return source(body);
    }
    return utf8(raw);
  }

  // ---------------------------------------------------------------- templates

  private void listTemplates(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Head h : defs.heads(key.workspace(), Kind.TEMPLATE)) {
      if (h.status() != Status.DELETED) {
        out.add(document(key.workspace(), h, null, false));
      }
    }
    ctx.json(Map.of("templates", out));
  }

  private void saveTemplate(Context ctx, String pathId) {
    ApiKey key = auth.require(ctx, Scope.ADMIN);
    if (!mediaType(ctx).equals("application/json")) {
      throw unsupported(ctx, "application/json");
    }
    JsonNode body = json(ctx, ctx.bodyAsBytes());
    if (!(body instanceof ObjectNode object)) {
      throw ProblemException.badField("body", "expected a JSON object");
    }
    DefinitionManager.Saved saved = defs.saveTemplate(key.workspace(), key.id(), pathId, object);
    created(ctx, saved, "/v1/templates/" + saved.head().id());
    ctx.json(document(key.workspace(), saved.head(), saved.head().live(), true));
  }

  // ---------------------------------------------------------------- settings

  private void listSettings(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    List<Map<String, Object>> out = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (Kind k : Kind.values()) {
      if (!k.isSetting()) {
        continue;
      }
      kinds.add(k.label());
      defs.head(key.workspace(), k, k.label())
          .filter(h -> h.status() != Status.DELETED)
          .ifPresent(h -> out.add(document(key.workspace(), h, null, false)));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kinds", kinds);
    body.put("definitions", out);
    ctx.json(body);
  }

  private void saveSetting(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.ADMIN);
    Kind kind = settingKind(ctx);
    String text = source(ctx, kind == Kind.CATALOG ? CSV : YAML);
    DefinitionManager.Saved saved = defs.saveSetting(key.workspace(), key.id(), kind, text);
    created(ctx, saved, "/v1/definitions/" + kind.label());
    ctx.json(document(key.workspace(), saved.head(), saved.head().live(), true));
  }

  private static Kind settingKind(Context ctx) {
    String label = ctx.pathParam("kind");
    Kind kind = Kind.setting(label);
    if (kind == null) {
      List<String> kinds = new ArrayList<>();
      for (Kind k : Kind.values()) {
        if (k.isSetting()) {
          kinds.add(k.label());
        }
      }
      throw ProblemException.notFound(
          label.equals("segments")
              ? "segments are managed one by one at /v1/segments"
              : "no definitions kind '" + label + "'; the kinds are " + String.join(", ", kinds));
    }
    return kind;
  }

  // ---------------------------------------------------------------- shared

  /**
   * @param kind null for a settings route: the kind is the URL's {@code {kind}}
   */
  private void getDocument(Context ctx, Kind kind, String id) {
    ApiKey key = auth.require(ctx, Scope.READ);
    kind = kind == null ? settingKind(ctx) : kind;
    Head h = head(key.workspace(), kind, id == null ? kind.label() : id);
    String version = ctx.queryParam("version");
    ctx.json(document(key.workspace(), h, version == null ? h.live() : version, true));
  }

  private void delete(Context ctx, Kind kind, String id) {
    ApiKey key = auth.require(ctx, Scope.ADMIN);
    kind = kind == null ? settingKind(ctx) : kind;
    defs.delete(key.workspace(), key.id(), kind, id == null ? kind.label() : id);
    ctx.status(204);
  }

  private void versions(Context ctx, Kind kind, String id) {
    ApiKey key = auth.require(ctx, Scope.READ);
    kind = kind == null ? settingKind(ctx) : kind;
    Head h = head(key.workspace(), kind, id == null ? kind.label() : id);
    List<Map<String, Object>> out = new ArrayList<>();
    for (VersionInfo v : defs.versions(key.workspace(), kind, h.id())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", v.version());
      m.put("created_at", time(v.createdAt()));
      m.put("created_by", v.createdBy());
      m.put("published_at", v.publishedAt() == null ? null : time(v.publishedAt()));
      m.put("live", v.version().equals(h.live()) && h.isLive());
      m.put("latest", v.version().equals(h.latest()));
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", h.id());
    body.put("versions", out);
    ctx.json(body);
  }

  /** The head of a document of the key's workspace; 404 when deleted or never there. */
  private Head head(String ws, Kind kind, String id) {
    return defs.head(ws, kind, id)
        .filter(h -> h.status() != Status.DELETED)
        .orElseThrow(() -> ProblemException.notFound("no " + kind.sourceName(id)));
  }

  /**
   * A segment, template or setting as the API shows it: for templates the stored object, for
   * segments the definition's fields; with the stored text ({@code source}) of {@code version} when
   * {@code full}.
   */
  private Map<String, Object> document(String ws, Head h, String version, boolean full) {
    String v = version == null ? h.live() : version;
    String text = defs.content(ws, h.kind(), h.id(), v);
    if (text == null) {
      throw ProblemException.notFound(h.kind().sourceName(h.id()) + " has no version '" + v + "'");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    if (h.kind() == Kind.TEMPLATE) {
      m.putAll(JSON.convertValue(readJson(text), Map.class));
    } else if (h.kind() == Kind.SEGMENT) {
      Object def = yamlValue(text);
      m.put("id", h.id());
      if (def instanceof Map<?, ?> seg) {
        for (String f : List.of("name", "description", "where")) {
          if (seg.containsKey(f)) {
            m.put(f, seg.get(f));
          }
        }
      }
    } else {
      m.put("kind", h.kind().label());
    }
    m.put("version", v);
    m.put("created_at", time(h.createdAt()));
    m.put("updated_at", time(h.updatedAt()));
    if (full && h.kind() != Kind.TEMPLATE) {
      m.put("source", text);
    }
    return m;
  }

  private static void created(Context ctx, DefinitionManager.Saved saved, String location) {
    if (saved.created()) {
      ctx.status(201).header("Location", location);
    }
  }

  private static String id(Context ctx) {
    return ctx.pathParam("id");
  }

  private static List<Map<String, Object>> errors(List<Problem> problems, String requestSource) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Problem p : problems) {
      out.add(ValidationException.error(p, requestSource));
    }
    return out;
  }

  private static String time(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  /** A top-level scalar of a YAML text, or null. */
  private static String scalar(String text, String key) {
    try {
      if (Yaml.root("", text) instanceof MappingNode m) {
        ScalarNode n = Yaml.scalar(m, key);
        return n == null ? null : n.getValue();
      }
    } catch (ValidationException e) {
      // a draft may not be YAML; it has no name then
    }
    return null;
  }

  private static Object yamlValue(String text) {
    try {
      return new Load(LoadSettings.builder().setSchema(new CoreSchema()).build())
          .loadFromString(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- bodies

  private static String mediaType(Context ctx) {
    String ct = ctx.contentType();
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  /**
   * The text of a document: the body itself for {@code textTypes}, or the {@code source} member of
   * a JSON body.
   */
  private static String source(Context ctx, Set<String> textTypes) {
    String type = mediaType(ctx);
    if (type.equals("application/json")) {
      return source(json(ctx, ctx.bodyAsBytes()));
    }
    if (!textTypes.contains(type)) {
      throw unsupported(ctx, String.join(", ", textTypes) + " or application/json {\"source\"}");
    }
    String text = utf8(ctx.bodyAsBytes());
    if (text.isBlank()) {
      throw ProblemException.badField("source", "the body is empty");
    }
    return text;
  }

  private static String source(JsonNode body) {
    JsonNode s = body.get("source");
    if (s == null || !s.isTextual()) {
      throw ProblemException.badField("source", "expected the document's text as a string");
    }
    if (s.asText().isBlank()) {
      throw ProblemException.badField("source", "the document is empty");
    }
    return s.asText();
  }

  private static ProblemException unsupported(Context ctx, String expected) {
    String type = ctx.contentType();
    return new ProblemException(
        new io.kairos.server.http.Problem(
            415,
            "Unsupported Media Type",
            "Content-Type: expected " + expected + ", got " + (type == null ? "none" : type),
            List.of(
                new FieldError(
                    "Content-Type",
                    "expected " + expected + ", got " + (type == null ? "none" : type)))));
  }

  /** A JSON object body; a syntax error names its line and column. */
  private static JsonNode json(Context ctx, byte[] raw) {
    utf8(raw);
    try {
      JsonNode n = JSON.readTree(raw);
      if (n == null || !n.isObject()) {
        throw ProblemException.badField("body", "expected a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw ProblemException.badField(
          "body",
          "invalid JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw ProblemException.badField("body", "unreadable: " + e.getMessage());
    }
  }

  private static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored template is not JSON", e);
    }
  }

  /** Strict UTF-8: a malformed byte is refused rather than replaced. */
  private static String utf8(byte[] raw) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw ProblemException.badField("body", "not valid UTF-8");
    }
  }

  private static String write(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- OpenAPI

  @Override
  public void describe(OpenApi api) {
    ApiDescription.describe(api, DefinitionLoader.SECTIONS);
  }
}
