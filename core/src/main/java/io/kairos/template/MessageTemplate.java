package io.kairos.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message template as the renderer takes it: per locale variant, the Liquid text of each field of
 * its channel. The server builds it from its stored template (same keys: {@code channel}, {@code
 * default_locale}, {@code locales}).
 *
 * @param id the template id
 * @param channel email, sms, push, webhook or inbox
 * @param defaultLocale the variant used when no variant matches the customer's locale
 * @param locales variants by BCP 47 tag ({@code en}, {@code de-CH}); each maps field names of the
 *     channel to Liquid text
 * @param missing what an output of an undefined variable does
 */
public record MessageTemplate(
    String id,
    String channel,
    String defaultLocale,
    Map<String, Map<String, String>> locales,
    MissingVariables missing) {

  /** The fields each channel takes, in the order a render returns them. */
  public static final Map<String, List<String>> FIELDS =
      Map.of(
          "email", List.of("subject", "preheader", "html", "text"),
          "sms", List.of("text"),
          "push", List.of("title", "body", "icon", "url"),
          "webhook", List.of("url", "body"),
          "inbox", List.of("title", "body", "url", "image_url"));

  /**
   * @throws IllegalArgumentException naming the first invalid field
   */
  public MessageTemplate {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("id: required");
    }
    if (channel == null || !FIELDS.containsKey(channel)) {
      throw new IllegalArgumentException(
          "channel: expected one of email, sms, push, webhook, inbox, got '" + channel + "'");
    }
    if (locales == null || locales.isEmpty()) {
      throw new IllegalArgumentException("locales: expected at least one variant");
    }
    List<String> fields = FIELDS.get(channel);
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, String>> v : locales.entrySet()) {
      String path = "locales." + v.getKey();
      if (v.getValue() == null) {
        throw new IllegalArgumentException(path + ": expected the fields of the variant");
      }
      Map<String, String> variant = new LinkedHashMap<>();
      for (Map.Entry<String, String> f : v.getValue().entrySet()) {
        if (!fields.contains(f.getKey())) {
          throw new IllegalArgumentException(
              path
                  + "."
                  + f.getKey()
                  + ": unknown field for "
                  + channel
                  + "; expected one of "
                  + String.join(", ", fields));
        }
        if (f.getValue() == null) {
          throw new IllegalArgumentException(path + "." + f.getKey() + ": expected text");
        }
        variant.put(f.getKey(), f.getValue());
      }
      copy.put(v.getKey(), Collections.unmodifiableMap(variant));
    }
    locales = Collections.unmodifiableMap(copy);
    if (defaultLocale == null) {
      defaultLocale = locales.keySet().iterator().next();
    } else if (!locales.containsKey(defaultLocale)) {
      throw new IllegalArgumentException(
          "default_locale: '" + defaultLocale + "' is not one of " + locales.keySet());
    }
    if (missing == null) {
      missing = MissingVariables.EMPTY;
    }
  }

  /** A template that prints nothing for undefined variables. */
  public static MessageTemplate of(
      String id, String channel, String defaultLocale, Map<String, Map<String, String>> locales) {
    return new MessageTemplate(id, channel, defaultLocale, locales, MissingVariables.EMPTY);
  }
}
