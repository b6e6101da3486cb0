package io.kairos.bench;

import io.kairos.template.MessageTemplate;
import io.kairos.template.MissingVariables;
import io.kairos.template.RenderContext;
import io.kairos.template.RenderResult;
import io.kairos.template.StopSignal;
import io.kairos.template.TemplateRenderer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rendering an abandoned-cart email ({@link TemplateRenderer}), one thread, compiled fields cached
 * (the steady state of a campaign): ops/s = emails/s.
 *
 * <p>The email: a subject with the first name and item count, a preheader, an HTML part of about 5
 * KB (inline-styled table layout, a loop over the 5 cart items with image, name, quantity, {@code
 * money} prices and line totals, a {@code date} line in the profile's zone, unsubscribe and
 * preferences links) and a text part with the same loop. Variants {@code en}, {@code de} and {@code
 * fa} (right to left, so the HTML also gets {@code dir}/{@code lang}). 1,024 profiles (seed 42)
 * vary in name, locale (half en, a quarter de, a quarter fa), time zone and cart (prices,
 * quantities), taken in turn.
 *
 * <ul>
 *   <li>{@code renderEmail}: the mix of locales;
 *   <li>{@code renderEmailPersian}: only fa profiles (RTL post-processing every time).
 * </ul>
 *
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/kairos-bench.jar TemplateRenderBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TemplateRenderBenchmark {
  private static final int PROFILES = 1024;
  private static final long NOW = Instant.parse("2026-03-01T09:00:00Z").toEpochMilli();
  private static final String[] NAMES = {
    "Mina", "Jonas", "Zoë", "Ali", "Sara", "Lukas", "Neda", "Emma", "Reza", "Noah", "Leila", "Mia"
  };
  private static final String[] ZONES = {
    "America/New_York", "Europe/Berlin", "Asia/Tehran", "Europe/London", "Asia/Tokyo"
  };
  private static final String[] PRODUCTS = {
    "Trail running shoe",
    "Merino socks (3 pack)",
    "Rain jacket",
    "Insulated bottle",
    "Headlamp",
    "Day pack 22 L",
    "Trekking poles",
    "Sun hat"
  };

  private final TemplateRenderer renderer = new TemplateRenderer();
  private MessageTemplate template;
  private RenderContext[] contexts;
  private RenderContext[] persian;
  private int next;

  @Setup
  public void setUp() {
    template =
        new MessageTemplate(
            "abandoned-cart",
            "email",
            "en",
            Map.of(
                "en",
                    variant("Hi", "You left something behind", "Your cart", "Total", "Unsubscribe"),
                "de",
                    variant(
                        "Hallo", "Du hast etwas vergessen", "Dein Warenkorb", "Summe", "Abmelden"),
                "fa", variant("سلام", "چیزی جا گذاشتید", "سبد خرید شما", "جمع", "لغو اشتراک")),
            MissingVariables.EMPTY);
    SplittableRandom random = new SplittableRandom(42);
    contexts = new RenderContext[PROFILES];
    persian = new RenderContext[PROFILES];
    for (int i = 0; i < PROFILES; i++) {
      int pick = random.nextInt(4);
      String locale = pick < 2 ? "en-US" : pick == 2 ? "de-DE" : "fa-IR";
      contexts[i] = context(random, i, locale);
      persian[i] = context(random, i, "fa-IR");
    }
    RenderResult.Rendered sample = renderer.render(template, 1, contexts[0]).orThrow();
    System.out.printf(
        "%nsample (%s): subject %d chars, html %d chars, text %d chars%n",
        sample.locale(),
        sample.field("subject").length(),
        sample.field("html").length(),
        sample.field("text").length());
  }

  @Benchmark
  public RenderResult renderEmail() {
    return renderer.render(template, 1, contexts[next++ & (PROFILES - 1)], StopSignal.NEVER);
  }

  @Benchmark
  public RenderResult renderEmailPersian() {
    return renderer.render(template, 1, persian[next++ & (PROFILES - 1)], StopSignal.NEVER);
  }

  private static RenderContext context(SplittableRandom r, int i, String locale) {
    Map<String, Object> profile = new LinkedHashMap<>();
    profile.put("id", "u-" + i);
    profile.put("user_id", "u-" + i);
    profile.put("first_name", NAMES[r.nextInt(NAMES.length)]);
    profile.put("email", "customer" + i + "@example.com");
    profile.put("locale", locale);
    profile.put("timezone", ZONES[r.nextInt(ZONES.length)]);
    profile.put("plan", r.nextBoolean() ? "pro" : "free");
    profile.put("orders", (long) r.nextInt(20));
    List<Map<String, Object>> products = new ArrayList<>();
    for (int p = 0; p < 5; p++) {
      Map<String, Object> product = new LinkedHashMap<>();
      int id = r.nextInt(10_000);
      product.put("product_id", "p-" + id);
      product.put("name", PRODUCTS[r.nextInt(PRODUCTS.length)]);
      product.put("price", Math.round((5 + r.nextDouble() * 195) * 100) / 100.0);
      product.put("quantity", (long) (1 + r.nextInt(3)));
      product.put("image_url", "https://shop.example/img/p-" + id + ".jpg");
      product.put("url", "https://shop.example/p/" + id);
      products.add(product);
    }
    return RenderContext.builder(NOW)
        .profile(profile)
        .event(
            "Checkout Started",
            Map.of("products", products, "currency", "EUR"),
            NOW - 3_600_000L * (1 + r.nextInt(24)))
        .journey("abandoned-cart", "3", "reminder-1", Map.of("coupon", "COMEBACK10"))
        .messageId(String.format(Locale.ROOT, "m-%06d", i))
        .links(
            Map.of(
                "unsubscribe", "https://k.example/u/" + i + "?sig=ab12cd34",
                "preferences", "https://k.example/p/" + i + "?sig=ab12cd34",
                "view_in_browser", "https://k.example/v/" + i + "?sig=ab12cd34"))
        .build();
  }

  private static Map<String, String> variant(
      String hi, String left, String cart, String total, String unsubscribe) {
    String css =
        "font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:22px;color:#222222;";
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html>\n<html><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width\">")
        .append("<title>{{ message.template }}</title><style>")
        .append(".btn{background:#0b6efd;color:#ffffff;padding:12px 20px;border-radius:6px;")
        .append("text-decoration:none;display:inline-block}.muted{color:#777777;font-size:12px}")
        .append("td{vertical-align:top}img{border:0;display:block}</style></head>\n")
        .append("<body style=\"margin:0;padding:0;background:#f4f4f4\">\n")
        .append("<div style=\"display:none;max-height:0;overflow:hidden\">")
        .append(left)
        .append(" – {{ cart.item_count }}</div>\n")
        .append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"")
        .append(" style=\"background:#f4f4f4\"><tr><td align=\"center\" style=\"padding:24px\">\n")
        .append("<table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\"")
        .append(" style=\"background:#ffffff;border-radius:8px;")
        .append(css)
        .append("\">\n<tr><td style=\"padding:32px 32px 8px 32px\"><h1 style=\"margin:0;")
        .append("font-size:24px;line-height:30px\">")
        .append(hi)
        .append(
            " {{ profile.first_name | default: '' | escape }},</h1>\n<p style=\"margin:12px 0 0 0\">")
        .append(left)
        .append(". {{ 'now' | date: '%d.%m.%Y %H:%M' }}</p></td></tr>\n")
        .append(
            "<tr><td style=\"padding:16px 32px\"><h2 style=\"font-size:18px;margin:0 0 12px 0\">")
        .append(cart)
        .append(" ({{ cart.item_count }})</h2>\n<table role=\"presentation\" width=\"100%\"")
        .append(" cellpadding=\"0\" cellspacing=\"0\">\n")
        .append("{% for item in cart.items %}<tr>\n")
        .append("<td width=\"96\" style=\"padding:8px 0;border-bottom:1px solid #eeeeee\">")
        .append("<a href=\"{{ item.url }}?utm_source=email&utm_campaign={{ journey.id }}\">")
        .append(
            "<img src=\"{{ item.image_url }}\" width=\"80\" height=\"80\" alt=\"{{ item.name | escape }}\"")
        .append(" style=\"border-radius:4px\"></a></td>\n")
        .append("<td style=\"padding:8px 12px;border-bottom:1px solid #eeeeee\">")
        .append(
            "<a href=\"{{ item.url }}\" style=\"color:#222222;text-decoration:none;font-weight:bold\">")
        .append("{{ item.name | escape }}</a><br><span class=\"muted\">{{ item.quantity }} ×")
        .append(" {{ item.price | money }}</span></td>\n")
        .append("<td align=\"right\" style=\"padding:8px 0;border-bottom:1px solid #eeeeee;")
        .append("white-space:nowrap\">{{ item.line_total | money }}</td>\n</tr>{% endfor %}\n")
        .append("<tr><td></td><td style=\"padding:12px;font-weight:bold\">")
        .append(total)
        .append("</td><td align=\"right\" style=\"padding:12px 0;font-weight:bold\">")
        .append("{{ cart.total | money }}</td></tr>\n</table></td></tr>\n")
        .append("<tr><td style=\"padding:8px 32px 24px 32px\">{% if profile.plan == 'pro' %}")
        .append("<p style=\"margin:0 0 16px 0\">PRO: {{ journey.coupon }}</p>{% endif %}")
        .append("<a class=\"btn\" href=\"https://shop.example/cart?u={{ profile.id }}\">")
        .append(cart)
        .append(" →</a></td></tr>\n")
        .append("<tr><td style=\"padding:16px 32px 32px 32px;border-top:1px solid #eeeeee\"")
        .append(" class=\"muted\"><p style=\"margin:0\">Example Outdoor GmbH · Musterstraße 1 ·")
        .append(" 10115 Berlin</p><p style=\"margin:8px 0 0 0\">")
        .append("<a href=\"{{ links.unsubscribe }}\" style=\"color:#777777\">")
        .append(unsubscribe)
        .append("</a> · <a href=\"{{ links.preferences }}\" style=\"color:#777777\">⚙</a> ·")
        .append(" <a href=\"{{ links.view_in_browser }}\" style=\"color:#777777\">www</a>")
        .append("</p></td></tr>\n</table>\n</td></tr></table>\n</body></html>\n");
    String text =
        hi
            + " {{ profile.first_name }},\n\n"
            + left
            + ".\n\n{% for item in cart.items %}- {{ item.name }}: {{ item.quantity }} x"
            + " {{ item.price | money }} = {{ item.line_total | money }}\n{% endfor %}\n"
            + total
            + ": {{ cart.total | money }}\n\n"
            + unsubscribe
            + ": {{ links.unsubscribe }}\n";
    return Map.of(
        "subject",
        "{{ profile.first_name }}, " + left + " ({{ cart.item_count }})",
        "preheader",
        left,
        "html",
        html.toString(),
        "text",
        text);
  }
}
