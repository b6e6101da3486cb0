package io.kairos.template;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.template.RenderResult.Failed;
import io.kairos.template.RenderResult.Reason;
import io.kairos.template.RenderResult.Rendered;
import io.kairos.template.RenderResult.Undefined;
import java.io.IOException;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liqp.TemplateContext;
import liqp.TemplateParser;
import liqp.exceptions.ExceededMaxIterationsException;
import liqp.exceptions.LiquidException;
import liqp.filters.Filter;
import liqp.parser.Flavor;

/**
 * Renders message templates with Liquid (liqp). Thread-safe; one instance serves a process. Each
 * field is compiled once per template id, version, locale and field and cached.
 *
 * <pre>{@code
 * TemplateRenderer renderer = new TemplateRenderer();
 * RenderResult r = renderer.render(template, 3, RenderContext.builder(now).profile(p).build());
 * if (r instanceof RenderResult.Rendered m) {
 *   send(m.fields());
 * } else if (r instanceof RenderResult.Failed f) {
 *   log(f.reason(), f.message());
 * }
 * }</pre>
 */
public final class TemplateRenderer {
  /** Compiled fields kept by default. */
  public static final int DEFAULT_CACHE_ENTRIES = 4096;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Pattern FILTER_ERROR =
      Pattern.compile("error on line (\\d+), index (\\d+): (.*)", Pattern.DOTALL);

  private final RenderLimits limits;
  private final TemplateParser parser;
  private final CompiledCache cache;
  private final MoneyFormats moneyPrototypes = new MoneyFormats();

  /** Default limits and cache size. */
  public TemplateRenderer() {
    this(RenderLimits.DEFAULTS, DEFAULT_CACHE_ENTRIES);
  }

  /**
   * @param cacheEntries compiled fields kept (least recently used evicted), at least 1
   */
  public TemplateRenderer(RenderLimits limits, int cacheEntries) {
    if (cacheEntries < 1) {
      throw new IllegalArgumentException("cacheEntries: must be at least 1, got " + cacheEntries);
    }
    this.limits = limits;
    this.cache = new CompiledCache(cacheEntries);
    TemplateParser.Builder b =
        new TemplateParser.Builder()
            .withFlavor(Flavor.LIQP) // what the server checks templates with when they are saved
            .withErrorMode(TemplateParser.ErrorMode.STRICT)
            .withStrictVariables(false) // undefined outputs are DefinedCheck's business
            .withMaxIterations(limits.maxLoopIterations())
            .withMaxSizeRenderedString(limits.maxOutputChars())
            .withRenderTransformer(new BoundedOutput())
            .withDefaultTimeZone(ZoneOffset.UTC) // never the machine's zone
            .withNameResolver(
                name -> {
                  throw new IOException(RefusedTag.reason("include"));
                })
            .withTag(new RefusedTag("include"))
            .withTag(new RefusedTag("include_relative"))
            .withTag(new RefusedTag("render"));
    for (Filter f : TemplateParser.DEFAULT.filters.getMap().values()) {
      b.withFilter(new BoundedFilter(f));
    }
    for (Filter f : List.of(new DateFilter(), new MoneyFilter(), new JsonFilter())) {
      b.withFilter(new BoundedFilter(f));
    }
    this.parser = b.build();
  }

  public RenderLimits limits() {
    return limits;
  }

  /**
   * Compiles every field of every variant without rendering: what a save should refuse (syntax,
   * unknown filters and tags, {@code include}, size). Keys are {@code locales.<tag>.<field>},
   * values the reason ({@code line 2, column 9: unknown filter 'shout'}); empty when all compile.
   */
  public Map<String, String> problems(MessageTemplate template) {
    Map<String, String> problems = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, String>> v : template.locales().entrySet()) {
      for (Map.Entry<String, String> f : v.getValue().entrySet()) {
        RenderAbort error = CompiledField.compile(parser, f.getValue(), limits).error;
        if (error != null) {
          problems.put("locales." + v.getKey() + "." + f.getKey(), error.detail);
        }
      }
    }
    return problems;
  }

  /** Renders; stops early only when the rendering thread is interrupted. */
  public RenderResult render(MessageTemplate template, long version, RenderContext context) {
    return render(template, version, context, StopSignal.ON_INTERRUPT);
  }

  /**
   * Renders the variant of the template for the context's locale.
   *
   * @param version the template's version, part of the cache key
   * @param stop asked while rendering; see {@link StopSignal} for a wall-clock deadline
   */
  public RenderResult render(
      MessageTemplate template, long version, RenderContext context, StopSignal stop) {
    Map<String, Object> profile = Values.map(context.profile());
    String requested = context.locale();
    if (requested == null && profile != null && profile.get("locale") instanceof String l) {
      requested = l;
    }
    String locale = Locales.choose(template, requested);
    String direction = Locales.isRightToLeft(locale) ? "rtl" : "ltr";
    Map<String, Object> eventProperties = Values.map(context.eventProperties());
    String currency = currency(context, eventProperties);
    Map<String, Object> variables =
        variables(
            template, version, context, profile, eventProperties, locale, direction, currency);
    ZoneId zone = zone(context, profile);
    Locale javaLocale = Locales.toLocale(locale);

    List<Undefined> undefined = new ArrayList<>();
    Map<Currency, NumberFormat> moneyFormats = new HashMap<>(4);
    Map<String, String> fields = new LinkedHashMap<>();
    SmsSegments sms = null;
    Map<String, String> variant = template.locales().get(locale);
    for (String field : MessageTemplate.FIELDS.get(template.channel())) {
      String text = variant.get(field);
      if (text == null) {
        continue;
      }
      CompiledField compiled =
          cache.get(
              new CompiledCache.Key(template.id(), version, locale, field),
              text,
              source -> CompiledField.compile(parser, source, limits));
      if (compiled.error != null) {
        return failed(template, field, compiled.error);
      }
      RenderState state =
          new RenderState(
              field,
              stop,
              limits.maxOutputChars(),
              context.now(),
              zone,
              javaLocale,
              currency,
              template.missing(),
              undefined,
              moneyFormats,
              moneyPrototypes);
      String out;
      try {
        TemplateContext root = new TemplateContext(parser, variables);
        state.attachTo(root);
        state.checkpoint();
        out = compiled.render(root);
      } catch (RuntimeException e) {
        return failed(template, field, e);
      }
      if (field.equals("html") && direction.equals("rtl")) {
        out = HtmlDirection.rightToLeft(out, locale);
      }
      // A webhook's body is JSON; its url is a URL.
      if (template.channel().equals("webhook") && field.equals("body")) {
        String problem = jsonProblem(out);
        if (problem != null) {
          return new Failed(template.id(), field, Reason.INVALID_JSON, field + ": " + problem, 0);
        }
      }
      if (template.channel().equals("sms")) {
        sms = SmsSegments.of(out);
      }
      fields.put(field, out);
    }
    return new Rendered(
        template.id(),
        version,
        template.channel(),
        requested,
        locale,
        direction,
        fields,
        sms,
        undefined);
  }

  private static Map<String, Object> variables(
      MessageTemplate template,
      long version,
      RenderContext c,
      Map<String, Object> profile,
      Map<String, Object> eventProperties,
      String locale,
      String direction,
      String currency) {
    Map<String, Object> v = new HashMap<>(16);
    if (profile != null) {
      v.put("profile", profile);
    }
    if (c.eventName() != null) {
      Map<String, Object> event = new LinkedHashMap<>(4);
      event.put("name", c.eventName());
      event.put("properties", eventProperties == null ? new LinkedHashMap<>() : eventProperties);
      if (c.eventTimestamp() != null) {
        event.put("timestamp", Instant.ofEpochMilli(c.eventTimestamp()).toString());
      }
      v.put("event", event);
    }
    if (c.journeyId() != null || c.journeyData() != null) {
      Map<String, Object> data = Values.map(c.journeyData());
      Map<String, Object> journey =
          data == null ? new LinkedHashMap<>() : new LinkedHashMap<>(data);
      journey.put("id", c.journeyId());
      journey.put("version", c.journeyVersion());
      journey.put("step", c.journeyStep());
      journey.put("data", data == null ? new LinkedHashMap<>() : data);
      v.put("journey", journey);
    }
    Map<String, Object> message = new LinkedHashMap<>(8);
    message.put("id", c.messageId());
    message.put("channel", template.channel());
    message.put("template", template.id());
    message.put("template_version", version);
    message.put("locale", locale);
    message.put("direction", direction);
    v.put("message", message);
    if (c.links() != null) {
      v.put("links", Values.liquid(c.links()));
    }
    if (c.recommendations() != null) {
      v.put("recommendations", Values.liquid(c.recommendations()));
    }
    Object products =
        c.cart() != null
            ? Values.liquid(c.cart())
            : eventProperties == null ? null : eventProperties.get("products");
    v.put("cart", Cart.of(products, currency));
    return v;
  }

  private static String currency(RenderContext c, Map<String, Object> eventProperties) {
    if (c.currency() != null) {
      return c.currency();
    }
    if (eventProperties != null && eventProperties.get("currency") instanceof String s) {
      return s;
    }
    return "USD";
  }

  private static ZoneId zone(RenderContext c, Map<String, Object> profile) {
    if (c.zone() != null) {
      return c.zone();
    }
    if (profile != null && profile.get("timezone") instanceof String tz) {
      try {
        return ZoneId.of(tz);
      } catch (DateTimeException e) {
        // an unknown zone name in a trait: show UTC rather than fail the message
      }
    }
    return ZoneOffset.UTC;
  }

  private static String jsonProblem(String body) {
    try {
      JSON.readTree(body);
      return body.isBlank() ? "the body is empty; a webhook body must be JSON" : null;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return "not valid JSON"
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
          + ": "
          + e.getOriginalMessage();
    }
  }

  private Failed failed(MessageTemplate template, String field, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RenderAbort a) {
        return new Failed(template.id(), field, a.reason, field + ": " + a.detail, a.line);
      }
      if (t instanceof ExceededMaxIterationsException) {
        return new Failed(
            template.id(),
            field,
            Reason.TOO_MANY_ITERATIONS,
            field
                + ": more than "
                + limits.maxLoopIterations()
                + " loop iterations (the limit is maxLoopIterations)",
            0);
      }
      if (t instanceof LiquidException l) {
        return new Failed(
            template.id(),
            field,
            Reason.RENDER_ERROR,
            field + ": line " + Math.max(1, l.line) + ": " + l.getMessage(),
            Math.max(1, l.line));
      }
    }
    // liqp names the place of a failing filter in its message: "error on line 3, index 12: ..."
    Matcher m = FILTER_ERROR.matcher(String.valueOf(e.getMessage()));
    if (m.matches()) {
      int line = Integer.parseInt(m.group(1));
      return new Failed(
          template.id(),
          field,
          Reason.RENDER_ERROR,
          field
              + ": line "
              + line
              + ", column "
              + (Integer.parseInt(m.group(2)) + 1)
              + ": "
              + m.group(3),
          line);
    }
    return new Failed(template.id(), field, Reason.RENDER_ERROR, field + ": " + e.getMessage(), 0);
  }

  /** Compiled fields cached now (for tests and metrics). */
  int cachedFields() {
    return cache.size();
  }

  /** The cart object: items from Segment's {@code products}, with line totals. */
  static final class Cart {
    private Cart() {}

    static Map<String, Object> of(Object products, String currency) {
      List<Object> items = new ArrayList<>();
      long count = 0;
      BigDecimal total = BigDecimal.ZERO;
      if (products instanceof List<?> list) {
        for (Object p : list) {
          if (!(p instanceof Map<?, ?> m)) {
            continue;
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> item = new LinkedHashMap<>((Map<String, Object>) m);
          BigDecimal quantity = Values.decimal(item.get("quantity"));
          if (quantity == null) {
            quantity = BigDecimal.ONE; // Segment: a product without quantity is one
            item.put("quantity", 1L);
          }
          BigDecimal price = Values.decimal(item.get("price"));
          if (price != null) {
            BigDecimal line = price.multiply(quantity);
            item.put("line_total", line);
            total = total.add(line);
          }
          count += quantity.longValue();
          items.add(item);
        }
      }
      Map<String, Object> cart = new LinkedHashMap<>(4);
      cart.put("items", items);
      cart.put("item_count", count);
      cart.put("total", total);
      cart.put("currency", currency);
      return cart;
    }
  }
}
