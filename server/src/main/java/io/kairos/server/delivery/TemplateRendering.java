package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.definitions.DefinitionManager;
import io.kairos.server.definitions.Head;
import io.kairos.server.definitions.Kind;
import io.kairos.server.definitions.TemplateReader;
import io.kairos.template.MessageTemplate;
import io.kairos.template.RenderContext;
import io.kairos.template.RenderResult;
import io.kairos.template.TemplateRenderer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a message's template, as stored in the definitions store now, with the core's {@link
 * TemplateRenderer}: the customer's profile, the event the step ran on, the journey, the message
 * and its links. A render that runs longer than its deadline is stopped.
 */
final class TemplateRendering implements MessageComposer.Renderer {

  private final DefinitionManager definitions;
  private final TemplateRenderer renderer = new TemplateRenderer();
  private final Links links;
  private final Duration deadline;
  private final Map<List<String>, MessageTemplate> parsed = new ConcurrentHashMap<>();

  /** Which version of a template is current, looked up at most once a second per template. */
  private final Map<List<String>, Current> current = new ConcurrentHashMap<>();

  private record Current(String version, long until) {}

  private static final long CURRENT_NANOS = 1_000_000_000L;

  /** The links of a message (unsubscribe, preferences, view in browser), or none. */
  interface Links {
    Links NONE = (m, r) -> Map.of();

    Map<String, String> of(OutboxMessage m, Recipient r);
  }

  TemplateRendering(DefinitionManager definitions, Links links, Duration deadline) {
    this.definitions = definitions;
    this.links = links;
    this.deadline = deadline;
  }

  /** A full rendering (for previews) or why there is none. */
  record Full(RenderResult.Rendered rendered, String problem, String field) {}

  @Override
  public Rendered render(OutboxMessage m, Recipient r, long now) {
    Full f = full(m, r, now);
    if (f.problem() != null) {
      return new Rendered(null, null, f.problem());
    }
    return new Rendered(new LinkedHashMap<>(f.rendered().fields()), f.rendered().locale(), null);
  }

  /** Renders {@code m}'s template, as saved now, for {@code r}. */
  Full full(OutboxMessage m, Recipient r, long now) {
    if (m.template() == null) {
      return new Full(null, "the message names no template", "template");
    }
    String version = version(m.workspace(), m.template());
    if (version == null) {
      return new Full(null, "no template '" + m.template() + "' in the workspace", "template");
    }
    MessageTemplate template;
    try {
      template =
          parsed.computeIfAbsent(
              List.of(m.workspace(), m.template(), version),
              k ->
                  TemplateReader.messageTemplate(
                      definitions.content(m.workspace(), Kind.TEMPLATE, m.template(), version)));
    } catch (IllegalArgumentException e) {
      return new Full(null, "template '" + m.template() + "': " + e.getMessage(), "template");
    }
    if (!template.channel().equals(m.channel())) {
      return new Full(
          null,
          "template '"
              + m.template()
              + "' is for "
              + template.channel()
              + ", the step sends "
              + m.channel(),
          "template");
    }
    JsonNode p = m.payload();
    Map<String, Object> data = map(p.get("data"));
    RenderContext.Builder ctx =
        RenderContext.builder(now)
            .profile(r.profile())
            .zone(r.zone())
            .messageId(m.messageId())
            .journey(m.journey(), text(p.get("version")), m.step(), data)
            .links(links.of(m, r));
    List<Map<String, Object>> recommended = products(data.get("recommendations"));
    if (recommended != null) {
      ctx.recommendations(recommended);
    }
    if (p.hasNonNull("locale")) {
      ctx.locale(p.get("locale").asText());
    }
    JsonNode event = p.get("event");
    if (event != null && event.isObject()) {
      ctx.event(
          text(event.get("name")),
          map(event.get("properties")),
          event.hasNonNull("timestamp") ? event.get("timestamp").asLong() : now);
    }
    long stopAt = System.nanoTime() + deadline.toNanos();
    RenderResult result =
        renderer.render(
            template, versionKey(version), ctx.build(), () -> System.nanoTime() - stopAt > 0);
    if (result instanceof RenderResult.Failed f) {
      return new Full(
          null,
          "template '"
              + m.template()
              + "', "
              + f.field()
              + (f.line() > 0 ? " line " + f.line() : "")
              + ": "
              + f.message(),
          f.field());
    }
    return new Full((RenderResult.Rendered) result, null, null);
  }

  /**
   * The template's current version. Sending thousands of messages a second must not read the
   * definitions store for each: a saved template is used from at most a second later.
   */
  private String version(String workspace, String id) {
    List<String> key = List.of(workspace, id);
    long now = System.nanoTime();
    Current c = current.get(key);
    if (c == null || now - c.until() > 0) {
      Optional<Head> head = definitions.head(workspace, Kind.TEMPLATE, id);
      c =
          new Current(
              head.map(h -> h.live() != null ? h.live() : h.latest()).orElse(null),
              now + CURRENT_NANOS);
      current.put(key, c);
    }
    return c.version();
  }

  /** The channel of a saved template, or null when there is no such template. */
  String channelOf(String workspace, String id) {
    String version = version(workspace, id);
    if (version == null) {
      return null;
    }
    return parsed
        .computeIfAbsent(
            List.of(workspace, id, version),
            k ->
                TemplateReader.messageTemplate(
                    definitions.content(workspace, Kind.TEMPLATE, id, version)))
        .channel();
  }

  private static long versionKey(String version) {
    return UUID.nameUUIDFromBytes(version.getBytes(StandardCharsets.UTF_8))
        .getMostSignificantBits();
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  /**
   * A send step's {@code data.recommendations} (a journey evaluates {@code recommendations(n)} into
   * it) as the template's {@code recommendations}: the product maps, or null when it is not a list.
   */
  private static List<Map<String, Object>> products(Object v) {
    if (!(v instanceof List<?> list)) {
      return null;
    }
    List<Map<String, Object>> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (o instanceof Map<?, ?> product) {
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) product;
        out.add(typed);
      }
    }
    return out;
  }

  private static Map<String, Object> map(JsonNode n) {
    if (n == null || !n.isObject()) {
      return Map.of();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) plain(n);
    return m;
  }

  /**
   * A JSON value as maps, lists, text, numbers and booleans — what {@code convertValue} gives, by a
   * direct walk: converting through Jackson's token buffer showed in the sending profile.
   */
  static Object plain(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>(Math.max(4, n.size() * 2));
      n.fields().forEachRemaining(e -> m.put(e.getKey(), plain(e.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>(n.size());
      n.forEach(v -> l.add(plain(v)));
      return l;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isInt()) {
      return n.intValue();
    }
    if (n.isLong()) {
      return n.longValue();
    }
    if (n.isBigInteger()) {
      return n.bigIntegerValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    return n.asText();
  }
}
