package io.kairos.server.definitions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.server.http.Problem;
import io.kairos.server.http.Problem.FieldError;
import io.kairos.server.http.ProblemException;
import io.kairos.template.MessageTemplate;
import io.kairos.template.MissingVariables;
import io.kairos.template.TemplateRenderer;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import liqp.TemplateParser;
import liqp.exceptions.LiquidException;

/**
 * Checks a template (JSON) and gives the text stored for it. The structure is checked field by
 * field (every problem at once, each naming its JSON path), and every text is parsed as Liquid, so
 * a syntax error is refused when saved rather than found when a message is rendered.
 */
public final class TemplateReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fields the API answers with; a client may send them back, and they are ignored. */
  private static final Set<String> READ_ONLY =
      Set.of("version", "created_at", "updated_at", "status");

  private static final Set<String> KEYS =
      Set.of("id", "channel", "name", "default_locale", "missing_variables", "locales");

  /** Compiles every field as the dispatcher will: unknown filters and tags are found at save. */
  private static final TemplateRenderer CHECKER = new TemplateRenderer();

  private TemplateReader() {}

  /**
   * Checks a template and returns its stored text: the object as given, without read-only fields.
   *
   * @param pathId the id in the URL, or null when the request creates one
   * @throws ProblemException 400 naming every invalid field
   */
  static Document check(ObjectNode body, String pathId) {
    ObjectNode t = body.deepCopy();
    READ_ONLY.forEach(t::remove);
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!KEYS.contains(f)) {
        errors.add(
            new FieldError(
                f,
                "unknown field; a template has id, channel, name, default_locale,"
                    + " missing_variables, locales"));
      }
    }
    String id;
    if (!t.has("id") && pathId != null) {
      id = pathId; // PUT /v1/templates/{id} names it already
      t = withIdFirst(t, pathId);
    } else {
      id = text(t, "id", errors);
      if (id != null && !Checks.ID.matcher(id).matches()) {
        errors.add(
            new FieldError(
                "id", "expected 1-128 lower-case letters, digits, '-' or '_', got '" + id + "'"));
      } else if (id != null && pathId != null && !id.equals(pathId)) {
        errors.add(
            new FieldError(
                "id", "'" + id + "' is not the '" + pathId + "' of the URL; an id cannot change"));
      }
    }
    String channel = text(t, "channel", errors);
    if (channel != null && !Template.CHANNELS.contains(channel)) {
      errors.add(
          new FieldError(
              "channel",
              "expected one of "
                  + String.join(", ", Template.CHANNELS)
                  + ", got '"
                  + channel
                  + "'"));
      channel = null;
    }
    if (t.has("name") && !t.get("name").isTextual()) {
      errors.add(new FieldError("name", "expected text"));
    }
    JsonNode locales = t.get("locales");
    if (locales == null || !locales.isObject() || locales.isEmpty()) {
      errors.add(
          new FieldError(
              "locales",
              "expected an object of variants by locale, such as {\"en\": {...}}, with at least"
                  + " one"));
    } else {
      for (Iterator<Map.Entry<String, JsonNode>> it = locales.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        checkVariant(e.getKey(), e.getValue(), channel, errors);
      }
      if (t.has("default_locale")) {
        JsonNode d = t.get("default_locale");
        if (!d.isTextual() || !locales.has(d.asText())) {
          errors.add(new FieldError("default_locale", "expected one of the locales of 'locales'"));
        }
      }
    }
    if (t.has("missing_variables")) {
      try {
        MissingVariables.parse(t.get("missing_variables").asText());
      } catch (IllegalArgumentException e) {
        errors.add(
            new FieldError(
                "missing_variables",
                "expected 'empty' (print nothing) or 'error' (the message fails), got "
                    + t.get("missing_variables")));
      }
    }
    if (errors.isEmpty()) {
      for (Map.Entry<String, String> p :
          CHECKER.problems(messageTemplate(t.toString())).entrySet()) {
        errors.add(new FieldError(p.getKey(), p.getValue()));
      }
    }
    if (!errors.isEmpty()) {
      throw new ProblemException(new Problem(400, "Bad Request", summary(errors), errors));
    }
    try {
      return Document.of(Kind.TEMPLATE, id, JSON.writeValueAsString(t));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always writes", e);
    }
  }

  private static ObjectNode withIdFirst(ObjectNode t, String id) {
    ObjectNode out = JSON.createObjectNode();
    out.put("id", id);
    out.setAll(t);
    return out;
  }

  private static String summary(List<FieldError> errors) {
    FieldError first = errors.get(0);
    return first.field()
        + ": "
        + first.reason()
        + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
  }

  private static String text(ObjectNode t, String field, List<FieldError> errors) {
    JsonNode n = t.get(field);
    if (n == null || n.isNull()) {
      errors.add(new FieldError(field, "required"));
      return null;
    }
    if (!n.isTextual()) {
      errors.add(new FieldError(field, "expected text"));
      return null;
    }
    return n.asText();
  }

  private static void checkVariant(
      String locale, JsonNode variant, String channel, List<FieldError> errors) {
    String path = "locales." + locale;
    try {
      new Locale.Builder().setLanguageTag(locale);
    } catch (IllformedLocaleException e) {
      errors.add(new FieldError(path, "'" + locale + "' is not a BCP 47 language tag (en, de-CH)"));
    }
    if (!variant.isObject()) {
      errors.add(new FieldError(path, "expected an object of the channel's fields"));
      return;
    }
    if (channel == null) {
      return; // the fields depend on the channel, already reported
    }
    List<String> fields = Template.FIELDS.get(channel);
    for (Iterator<Map.Entry<String, JsonNode>> it = variant.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String fieldPath = path + "." + f.getKey();
      if (!fields.contains(f.getKey())) {
        errors.add(
            new FieldError(
                fieldPath,
                "unknown field for "
                    + channel
                    + "; a "
                    + channel
                    + " variant has "
                    + String.join(", ", fields)));
      } else if (!f.getValue().isTextual()) {
        errors.add(new FieldError(fieldPath, "expected text"));
      } else {
        String liquid = liquidProblem(f.getValue().asText());
        if (liquid != null) {
          errors.add(new FieldError(fieldPath, liquid));
        }
      }
    }
    for (String required : Template.REQUIRED.get(channel)) {
      if (!variant.has(required)) {
        errors.add(new FieldError(path + "." + required, "required for " + channel));
      }
    }
    if (channel.equals("email") && !variant.has("html") && !variant.has("text")) {
      errors.add(new FieldError(path + ".html", "an email needs html, text or both"));
    }
  }

  /** The Liquid syntax error of a text, with its line and column, or null when it parses. */
  static String liquidProblem(String text) {
    try {
      TemplateParser.DEFAULT.parse(text);
      return null;
    } catch (LiquidException e) {
      return "line "
          + Math.max(1, e.line)
          + ", column "
          + (e.charPositionInLine + 1)
          + ": invalid Liquid: "
          + e.getMessage();
    } catch (RuntimeException e) {
      return "invalid Liquid: " + e.getMessage();
    }
  }

  /**
   * A stored template as the renderer takes it.
   *
   * @throws IllegalArgumentException when the stored text is not a template (naming the field)
   */
  public static MessageTemplate messageTemplate(String content) {
    JsonNode t;
    try {
      t = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    Map<String, Map<String, String>> locales = new LinkedHashMap<>();
    t.path("locales")
        .fields()
        .forEachRemaining(
            v -> {
              Map<String, String> fields = new LinkedHashMap<>();
              v.getValue()
                  .fields()
                  .forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
              locales.put(v.getKey(), fields);
            });
    return new MessageTemplate(
        t.path("id").asText(),
        t.path("channel").asText(),
        t.hasNonNull("default_locale") ? t.get("default_locale").asText() : null,
        locales,
        MissingVariables.parse(
            t.hasNonNull("missing_variables") ? t.get("missing_variables").asText() : null));
  }

  /** Reads a stored template. */
  public static Template parse(String content) {
    try {
      JsonNode t = JSON.readTree(content);
      Map<String, Map<String, String>> locales = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = t.get("locales").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Map<String, String> fields = new LinkedHashMap<>();
        e.getValue().fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
        locales.put(e.getKey(), fields);
      }
      String defaultLocale =
          t.has("default_locale")
              ? t.get("default_locale").asText()
              : locales.keySet().iterator().next();
      return new Template(
          t.get("id").asText(),
          t.get("channel").asText(),
          t.has("name") ? t.get("name").asText() : null,
          defaultLocale,
          locales);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored template is not JSON: " + e.getMessage(), e);
    }
  }
}
