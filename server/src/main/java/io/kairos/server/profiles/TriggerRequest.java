package io.kairos.server.profiles;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The body of {@code POST /v1/journeys/{id}/trigger}: {@code {"userId": "...", "data": {...}}},
 * checked field by field (a field the route does not know is refused: a misspelt {@code user_id}
 * must not start a journey for nobody).
 *
 * @param data visible to the journey as {@code event.properties}; empty when not given
 */
record TriggerRequest(String userId, Map<String, Object> data) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  /**
   * Reads the request's body.
   *
   * @throws ProblemException 415 for a body that is not JSON, 400 naming the field otherwise
   */
  static TriggerRequest read(Context ctx) {
    JsonNode body = json(ctx);
    String userId = null;
    Map<String, Object> data = Map.of();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode v = f.getValue();
      switch (f.getKey()) {
        case "userId" -> {
          if (!v.isTextual() || v.asText().isBlank()) {
            throw ProblemException.badField("userId", "expected a non-empty string");
          }
          userId = v.asText();
        }
        case "data" -> {
          if (!v.isNull() && !v.isObject()) {
            throw ProblemException.badField("data", "expected a JSON object");
          }
          if (v.isObject()) {
            data = JSON.convertValue(v, MAP);
          }
        }
        default ->
            throw ProblemException.badField(f.getKey(), "unknown field; expected userId, data");
      }
    }
    if (userId == null) {
      throw ProblemException.badField("userId", "required: the customer to start the journey for");
    }
    return new TriggerRequest(userId, data);
  }

  private static JsonNode json(Context ctx) {
    String type = ctx.contentType();
    String media = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json") && !media.endsWith("+json")) {
      String got = type == null ? "none" : type;
      throw new ProblemException(
          new Problem(
              415,
              "Unsupported Media Type",
              "Content-Type: expected application/json, got " + got,
              List.of(
                  new Problem.FieldError(
                      "Content-Type", "expected application/json, got " + got))));
    }
    try {
      JsonNode n = JSON.readTree(ctx.bodyAsBytes());
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
}
