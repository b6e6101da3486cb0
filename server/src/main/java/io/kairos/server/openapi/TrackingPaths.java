package io.kairos.server.openapi;

import io.kairos.server.workspace.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The description of the Segment-compatible tracking API and the profile import, for the capability
 * that serves them to add from its {@code describe(OpenApi)} (see docs/tracking.md for the full
 * rules).
 */
public final class TrackingPaths {
  private TrackingPaths() {}

  /** The single-message routes, with the Segment call each takes. */
  private static final Map<String, String> CALLS = new LinkedHashMap<>();

  static {
    CALLS.put("track", "Records an action (a track call: event, properties)");
    CALLS.put("identify", "Ties a customer to their traits (an identify call: userId, traits)");
    CALLS.put("page", "Records a page view (a page call: name, properties)");
    CALLS.put("screen", "Records a screen view in an app (a screen call: name, properties)");
    CALLS.put("group", "Ties a customer to a group (a group call: groupId, traits)");
    CALLS.put("alias", "Merges two identities (an alias call: previousId, userId)");
  }

  /** Adds the tracking routes and {@code /v1/profiles/import}. */
  public static void describe(OpenApi api) {
    api.tag(
        "tracking",
        "Segment-compatible ingestion: a 200 means the events are committed. Authentication also"
            + " accepts a writeKey field in the body, as Segment's libraries send it.");
    api.schema("Message", message());
    api.schema("TrackingResult", result());
    for (Map.Entry<String, String> call : CALLS.entrySet()) {
      api.operation("POST", "/v1/" + call.getKey(), "tracking", call.getValue())
          .scope(Scope.INGEST)
          .description(
              "One Segment message; its type is implied by the route. Limit: 32 KB"
                  + " (ingest.max_event_bytes).")
          .body(
              "a Segment " + call.getKey() + " message",
              Map.of(
                  "application/json", OpenApi.ref("Message"), "text/plain", OpenApi.ref("Message")))
          .json(
              200,
              "committed (or a duplicate messageId, which changes nothing)",
              OpenApi.ref("TrackingResult"))
          .problem(400, "invalid message; errors name each field")
          .problem(413, "the body is over the limit")
          .problem(415, "not application/json or text/plain")
          .problem(503, "the ingest queue is full; retry after the Retry-After header");
    }
    for (String batch : List.of("batch", "import")) {
      api.operation(
              "POST",
              "/v1/" + batch,
              "tracking",
              batch.equals("batch")
                  ? "Records many messages at once"
                  : "Records many messages at once (the route Segment's libraries post batches to)")
          .scope(Scope.INGEST)
          .description(
              "{\"batch\": [messages], \"context\"?, \"writeKey\"?, \"sentAt\"?}. Limit: 500 KB"
                  + " (ingest.max_batch_bytes); an event over 32 KB is an invalid item. Valid"
                  + " items are kept when others are invalid: 200 with `errors` by index and"
                  + " field; 400 when none is valid.")
          .body(
              "a batch",
              Map.of(
                  "application/json",
                  Map.of(
                      "type",
                      "object",
                      "required",
                      List.of("batch"),
                      "properties",
                      Map.of(
                          "batch", Map.of("type", "array", "items", OpenApi.ref("Message")),
                          "context", Map.of("type", "object"),
                          "writeKey", Map.of("type", "string"),
                          "sentAt", Map.of("type", "string", "format", "date-time")))))
          .json(200, "the valid items are committed", OpenApi.ref("TrackingResult"))
          .problem(400, "no valid item; errors name each by index and field")
          .problem(413, "the body is over the limit")
          .problem(415, "not application/json or text/plain")
          .problem(503, "the ingest queue is full; retry after the Retry-After header");
    }
    api.operation("POST", "/v1/profiles/import", "tracking", "Imports profiles (CSV or JSON Lines)")
        .scope(Scope.INGEST)
        .description(
            "CSV with a header (user_id, email or anonymous_id identifies; other columns become"
                + " traits) or JSON Lines ({\"userId\", \"traits\"}). Each row becomes an identify"
                + " with a deterministic messageId: re-running an import changes nothing. Per-row"
                + " errors by line and column.")
        .query(
            "line_offset",
            "added to the reported line numbers, for a client sending a file in parts",
            Map.of("type", "integer", "minimum", 0))
        .body(
            "the rows",
            Map.of(
                "text/csv", Map.of("type", "string"),
                "application/x-ndjson", Map.of("type", "string")))
        .json(
            200,
            "the rows are committed; errors list the rows refused",
            OpenApi.ref("TrackingResult"))
        .problem(400, "no valid row")
        .problem(413, "the body is over ingest.max_import_bytes")
        .problem(415, "not text/csv or application/x-ndjson")
        .problem(503, "the ingest queue is full; rows reported before were kept, send again");
  }

  private static Map<String, Object> message() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("type", Map.of("type", "string"));
    props.put("messageId", Map.of("type", "string"));
    props.put("userId", Map.of("type", "string"));
    props.put("anonymousId", Map.of("type", "string"));
    props.put("event", Map.of("type", "string"));
    props.put("name", Map.of("type", "string"));
    props.put("properties", Map.of("type", "object"));
    props.put("traits", Map.of("type", "object"));
    props.put("context", Map.of("type", "object"));
    props.put("timestamp", Map.of("type", "string", "format", "date-time"));
    props.put("sentAt", Map.of("type", "string", "format", "date-time"));
    props.put("previousId", Map.of("type", "string"));
    props.put("groupId", Map.of("type", "string"));
    return Map.of(
        "type",
        "object",
        "description",
        "A Segment message (https://segment.com/docs/connections/spec/); userId or anonymousId"
            + " is required",
        "properties",
        props);
  }

  private static Map<String, Object> result() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put(
        "index", Map.of("type", "integer", "description", "the message's place in the batch"));
    error.put("line", Map.of("type", "integer", "description", "imports: the row's line"));
    error.put("field", Map.of("type", "string", "description", "e.g. timestamp, context.timezone"));
    error.put("column", Map.of("type", "string", "description", "imports: the column or field"));
    error.put("reason", Map.of("type", "string"));
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("success", Map.of("type", "boolean"));
    props.put("accepted", Map.of("type", "integer", "description", "messages committed now"));
    props.put(
        "duplicates",
        Map.of("type", "integer", "description", "messages whose messageId was already seen"));
    props.put("invalid", Map.of("type", "integer", "description", "messages refused"));
    props.put("rows", Map.of("type", "integer", "description", "imports: rows read"));
    props.put(
        "errors", Map.of("type", "array", "items", Map.of("type", "object", "properties", error)));
    props.put(
        "duplicateMessages",
        Map.of(
            "type",
            "array",
            "items",
            Map.of(
                "type",
                "object",
                "properties",
                Map.of(
                    "index", Map.of("type", "integer"), "messageId", Map.of("type", "string")))));
    return Map.of("type", "object", "properties", props);
  }
}
