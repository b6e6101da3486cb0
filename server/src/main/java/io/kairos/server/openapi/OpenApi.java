package io.kairos.server.openapi;

import io.kairos.server.workspace.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The OpenAPI 3.1 document of the server, written by hand: each {@link io.kairos.server.Capability}
 * describes its own routes in {@code describe(OpenApi)}, so the document grows with the
 * capabilities registered. Only what clients need is modelled: operations with their parameters,
 * bodies, responses and the key scope they require.
 */
public final class OpenApi {
  /** The media type of every error. */
  public static final String PROBLEM = "application/problem+json";

  private final Map<String, Map<String, Object>> paths = new TreeMap<>();
  private final Map<String, Object> schemas = new TreeMap<>();
  private final Map<String, String> tags = new LinkedHashMap<>();

  /** Adds a tag (a group of operations) with its description. */
  public OpenApi tag(String name, String description) {
    tags.put(name, description);
    return this;
  }

  /** Adds a named schema, referenced as {@code #/components/schemas/NAME}. */
  public OpenApi schema(String name, Map<String, Object> schema) {
    schemas.put(name, schema);
    return this;
  }

  /** A reference to a named schema. */
  public static Map<String, Object> ref(String schema) {
    return Map.of("$ref", "#/components/schemas/" + schema);
  }

  /**
   * Describes an operation.
   *
   * @param method GET, POST, PUT, DELETE
   * @param path as Javalin writes it: {@code /v1/journeys/{id}}
   */
  public Operation operation(String method, String path, String tag, String summary) {
    Operation op = new Operation(tag, summary);
    String m = method.toLowerCase(Locale.ROOT);
    Map<String, Object> item = paths.computeIfAbsent(path, p -> new TreeMap<>());
    if (item.containsKey(m)) {
      throw new IllegalArgumentException(method + " " + path + " is described twice");
    }
    item.put(m, op.body);
    for (String name : pathParameters(path)) {
      op.parameter(name, "path", "the " + name, Map.of("type", "string"), true);
    }
    return op;
  }

  private static List<String> pathParameters(String path) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while ((i = path.indexOf('{', i)) >= 0) {
      int end = path.indexOf('}', i);
      out.add(path.substring(i + 1, end));
      i = end;
    }
    return out;
  }

  /** Every described operation as {@code METHOD path}, sorted. */
  public TreeSet<String> operations() {
    TreeSet<String> out = new TreeSet<>();
    paths.forEach(
        (path, item) ->
            item.keySet().forEach(m -> out.add(m.toUpperCase(Locale.ROOT) + " " + path)));
    return out;
  }

  /** The document. */
  public Map<String, Object> document(String version) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.1.0");
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("title", "Kairos");
    info.put("version", version);
    info.put(
        "description",
        "Segment-compatible tracking, live journeys and their management. Errors are"
            + " application/problem+json (RFC 9457) with an `errors` list naming each invalid"
            + " field. Keys: HTTP Basic with the key as user name, or Bearer; each key belongs"
            + " to one workspace and has a scope (ingest, read, admin).");
    doc.put("info", info);
    List<Map<String, Object>> tagList = new ArrayList<>();
    tags.forEach((n, d) -> tagList.add(Map.of("name", n, "description", d)));
    doc.put("tags", tagList);
    doc.put("paths", paths);
    Map<String, Object> components = new LinkedHashMap<>();
    Map<String, Object> allSchemas = new TreeMap<>(schemas);
    allSchemas.put("Problem", problemSchema());
    allSchemas.put("FieldError", fieldErrorSchema());
    components.put("schemas", allSchemas);
    components.put(
        "securitySchemes",
        Map.of(
            "basic",
            Map.of(
                "type",
                "http",
                "scheme",
                "basic",
                "description",
                "the API key as user name, empty password (as Segment's libraries send a write key)"),
            "bearer",
            Map.of("type", "http", "scheme", "bearer", "description", "the API key")));
    doc.put("components", components);
    return doc;
  }

  private static Map<String, Object> fieldErrorSchema() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", "object");
    error.put(
        "properties",
        Map.of(
            "field",
            Map.of("type", "string", "description", "JSON path of the invalid field"),
            "reason",
            Map.of("type", "string"),
            "document",
            Map.of("type", "string", "description", "for definitions: the document at fault"),
            "line",
            Map.of("type", "integer"),
            "column",
            Map.of("type", "integer")));
    error.put("required", List.of("field", "reason"));
    return error;
  }

  private static Map<String, Object> problemSchema() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "object");
    p.put(
        "properties",
        Map.of(
            "type", Map.of("type", "string"),
            "title", Map.of("type", "string"),
            "status", Map.of("type", "integer"),
            "detail", Map.of("type", "string"),
            "errors", Map.of("type", "array", "items", ref("FieldError"))));
    p.put("required", List.of("title", "status"));
    return p;
  }

  /** One operation being described. */
  public static final class Operation {
    private final Map<String, Object> body = new LinkedHashMap<>();
    private final Map<String, Object> responses = new TreeMap<>();
    private final List<Map<String, Object>> parameters = new ArrayList<>();

    private Operation(String tag, String summary) {
      body.put("tags", List.of(tag));
      body.put("summary", summary);
      body.put("responses", responses);
    }

    public Operation description(String text) {
      body.put("description", text);
      return this;
    }

    /** The key scope the operation needs; it also answers 401 and 403. */
    public Operation scope(Scope scope) {
      body.put("security", List.of(Map.of("basic", List.of()), Map.of("bearer", List.of())));
      body.put("x-scope", scope.label());
      problem(401, "no key, or an unknown or revoked one");
      problem(403, "the key's scope is too narrow (needs " + scope.label() + " or admin)");
      return this;
    }

    public Operation query(String name, String description, Map<String, Object> schema) {
      return parameter(name, "query", description, schema, false);
    }

    private Operation parameter(
        String name, String in, String description, Map<String, Object> schema, boolean required) {
      if (parameters.isEmpty()) {
        body.put("parameters", parameters);
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", name);
      p.put("in", in);
      p.put("required", required);
      p.put("description", description);
      p.put("schema", schema);
      parameters.add(p);
      return this;
    }

    /** Describes a path parameter better than the default. */
    public Operation pathParameter(String name, String description) {
      for (Map<String, Object> p : parameters) {
        if (p.get("name").equals(name) && p.get("in").equals("path")) {
          p.put("description", description);
        }
      }
      return this;
    }

    /** A request body: each media type with its schema. */
    public Operation body(String description, Map<String, Map<String, Object>> mediaTypes) {
      Map<String, Object> content = new LinkedHashMap<>();
      mediaTypes.forEach((type, schema) -> content.put(type, Map.of("schema", schema)));
      body.put(
          "requestBody", Map.of("required", true, "description", description, "content", content));
      return this;
    }

    /** A response with a JSON body. */
    public Operation json(int status, String description, Map<String, Object> schema) {
      responses.put(
          String.valueOf(status),
          Map.of(
              "description",
              description,
              "content",
              Map.of("application/json", Map.of("schema", schema))));
      return this;
    }

    /** A response of another media type. */
    public Operation content(
        int status, String description, String mediaType, Map<String, Object> schema) {
      responses.put(
          String.valueOf(status),
          Map.of(
              "description", description, "content", Map.of(mediaType, Map.of("schema", schema))));
      return this;
    }

    /** A response without a body. */
    public Operation empty(int status, String description) {
      responses.put(String.valueOf(status), Map.of("description", description));
      return this;
    }

    /** An error response (application/problem+json). */
    public Operation problem(int status, String description) {
      responses.put(
          String.valueOf(status),
          Map.of(
              "description",
              description,
              "content",
              Map.of(PROBLEM, Map.of("schema", ref("Problem")))));
      return this;
    }
  }
}
