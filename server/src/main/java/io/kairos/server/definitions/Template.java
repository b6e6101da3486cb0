package io.kairos.server.definitions;

import io.kairos.template.MessageTemplate;
import java.util.List;
import java.util.Map;

/**
 * A message template: per locale, the fields of its channel, stored as given (Liquid text;
 * rendering is the delivery's).
 *
 * @param channel email, sms, push, webhook or inbox
 * @param name a label for people, or null
 * @param defaultLocale the variant used when none matches the customer's locale
 * @param locales the variants by BCP 47 tag ({@code en}, {@code de-CH}), in the order given; each
 *     maps field names of the channel to text
 */
public record Template(
    String id,
    String channel,
    String name,
    String defaultLocale,
    Map<String, Map<String, String>> locales) {

  /** The fields each channel takes. */
  public static final Map<String, List<String>> FIELDS = MessageTemplate.FIELDS;

  /** The channels, in the order messages list them. */
  public static final List<String> CHANNELS = List.of("email", "sms", "push", "webhook", "inbox");

  /** The fields a variant must have (an email needs html or text as well). */
  static final Map<String, List<String>> REQUIRED =
      Map.of(
          "email", List.of("subject"),
          "sms", List.of("text"),
          "push", List.of("title", "body"),
          "webhook", List.of("url", "body"),
          "inbox", List.of("title", "body"));
}
