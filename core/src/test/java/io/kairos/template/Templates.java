package io.kairos.template;

import java.util.LinkedHashMap;
import java.util.Map;

/** Test helpers: templates with one variant or several. */
final class Templates {
  private Templates() {}

  static MessageTemplate one(String channel, Map<String, String> fields) {
    return new MessageTemplate("t", channel, "en", Map.of("en", fields), MissingVariables.EMPTY);
  }

  static MessageTemplate one(String channel, Map<String, String> fields, MissingVariables m) {
    return new MessageTemplate("t", channel, "en", Map.of("en", fields), m);
  }

  static MessageTemplate sms(String text) {
    return one("sms", Map.of("text", text));
  }

  /** Variants in order: tag, fields, tag, fields, ... The first is the default. */
  static MessageTemplate variants(String channel, Object... tagsAndFields) {
    Map<String, Map<String, String>> locales = new LinkedHashMap<>();
    for (int i = 0; i < tagsAndFields.length; i += 2) {
      @SuppressWarnings("unchecked")
      Map<String, String> fields = (Map<String, String>) tagsAndFields[i + 1];
      locales.put((String) tagsAndFields[i], fields);
    }
    return new MessageTemplate(
        "t", channel, (String) tagsAndFields[0], locales, MissingVariables.EMPTY);
  }
}
