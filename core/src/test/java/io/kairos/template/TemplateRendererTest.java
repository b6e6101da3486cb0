package io.kairos.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.template.RenderResult.Failed;
import io.kairos.template.RenderResult.Reason;
import io.kairos.template.RenderResult.Rendered;
import io.kairos.template.RenderResult.Undefined;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TemplateRendererTest {
  private static final long NOW = Instant.parse("2026-03-20T20:30:00Z").toEpochMilli();
  private final TemplateRenderer renderer = new TemplateRenderer();

  private static RenderContext.Builder context() {
    return RenderContext.builder(NOW);
  }

  private String sms(String text, RenderContext context) {
    return renderer.render(Templates.sms(text), 1, context).orThrow().field("text");
  }

  @Test
  void profileEventJourneyMessageAndLinksAreThere() {
    RenderContext c =
        context()
            .profile(
                Map.of(
                    "id", "u-1",
                    "user_id", "u-1",
                    "email", "mina@example.com",
                    "phone", "+989121234567",
                    "first_name", "Mina",
                    "plan", "pro"))
            .event("Order Shipped", Map.of("order_id", "o-77"), NOW - 3_600_000)
            .journey("post-purchase", "4", "shipped", Map.of("coupon", "THANKS10"))
            .messageId("m-1")
            .links(
                Map.of(
                    "unsubscribe", "https://k.example/u/abc",
                    "preferences", "https://k.example/p/abc",
                    "view_in_browser", "https://k.example/v/abc"))
            .build();
    String out =
        sms(
            "{{ profile.first_name }} {{ profile.email }} {{ profile.phone }} {{ profile.id }}"
                + " {{ profile.plan }}|{{ event.name }} {{ event.properties.order_id }}"
                + " {{ event.timestamp }}|{{ journey.id }} {{ journey.version }} {{ journey.step }}"
                + " {{ journey.coupon }} {{ journey.data.coupon }}|{{ message.id }}"
                + " {{ message.channel }} {{ message.template }} {{ message.locale }}"
                + " {{ message.direction }}|{{ links.unsubscribe }} {{ links.preferences }}"
                + " {{ links.view_in_browser }}",
            c);
    assertThat(out)
        .isEqualTo(
            "Mina mina@example.com +989121234567 u-1 pro|Order Shipped o-77"
                + " 2026-03-20T19:30:00Z|post-purchase 4 shipped THANKS10 THANKS10|m-1 sms t en"
                + " ltr|https://k.example/u/abc https://k.example/p/abc https://k.example/v/abc");
  }

  @Test
  void cartItemsComeFromSegmentProductsWithLineTotals() {
    RenderContext c =
        context()
            .event(
                "Checkout Started",
                Map.of(
                    "currency",
                    "EUR",
                    "products",
                    List.of(
                        Map.of(
                            "product_id", "p-1",
                            "name", "Trail shoe",
                            "price", 89.95,
                            "quantity", 2,
                            "image_url", "https://shop.example/p1.jpg",
                            "url", "https://shop.example/p1"),
                        Map.of("product_id", "p-2", "name", "Socks", "price", 4.5))),
                NOW)
            .locale("de-DE")
            .build();
    MessageTemplate t =
        Templates.variants(
            "email",
            "de",
            Map.of(
                "subject",
                "{{ cart.item_count }} Artikel warten",
                "html",
                "{% for item in cart.items %}<a href=\"{{ item.url }}\"><img src=\"{{ item.image_url }}\">"
                    + "{{ item.name }}</a> {{ item.quantity }} × {{ item.price | money }} ="
                    + " {{ item.line_total | money }}\n{% endfor %}Summe: {{ cart.total | money }}"
                    + " ({{ cart.currency }})"));
    Rendered r = renderer.render(t, 1, c).orThrow();
    assertThat(r.field("subject")).isEqualTo("3 Artikel warten");
    assertThat(r.field("html"))
        .isEqualTo(
            "<a href=\"https://shop.example/p1\"><img src=\"https://shop.example/p1.jpg\">Trail"
                + " shoe</a> 2 × 89,95\u00a0€ = 179,90\u00a0€\n"
                + "<a href=\"\"><img src=\"\">Socks</a> 1 × 4,50\u00a0€ = 4,50\u00a0€\n"
                + "Summe: 184,40\u00a0€ (EUR)");
    assertThat(r.undefined())
        .containsExactly(
            new Undefined("html", "item.url", 1), new Undefined("html", "item.image_url", 1));
  }

  @Test
  void anExplicitCartAndRecommendationsAreUsed() {
    RenderContext c =
        context()
            .cart(List.of(Map.of("name", "Mug", "price", 12, "quantity", 3)))
            .recommendations(
                List.of(
                    Map.of("product_id", "r-1", "name", "Teapot", "price", 30),
                    Map.of("product_id", "r-2", "name", "Kettle", "price", 45.5)))
            .currency("USD")
            .build();
    assertThat(
            sms(
                "{{ cart.items.first.name }} {{ cart.total | money }};"
                    + "{% for p in recommendations %} {{ p.name }} {{ p.price | money }}{% endfor %}",
                c))
        .isEqualTo("Mug $36.00; Teapot $30.00 Kettle $45.50");
  }

  @Test
  void moneyNamesItsCurrencyOrRefusesAnUnknownOne() {
    assertThat(
            sms(
                "{{ 1234.5 | money: 'JPY' }} {{ 2.345 | money }} {{ 'x' | money }}",
                context().build()))
        .isEqualTo("¥1,235 $2.35 x");
    RenderResult r =
        renderer.render(Templates.sms("{{ 3 | money: 'EURO' }}"), 1, context().build());
    assertThat(r)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.RENDER_ERROR);
              assertThat(f.message())
                  .isEqualTo(
                      "text: money: 'EURO' is not an ISO 4217 currency code (such as USD, EUR)");
            });
  }

  @Test
  void nowAndDatesComeFromTheContextInTheProfilesZone() {
    String text =
        "{{ 'now' | date: '%Y-%m-%d %H:%M' }}|{{ 'today' | date: '%A' }}|"
            + "{{ event.timestamp | date: '%d.%m. %H:%M' }}|{{ 1700000000 | date: '%Y-%m-%d %H:%M' }}|"
            + "{{ '2026-12-24' | date: '%e %B' }}|{{ 'soon' | date: '%Y' }}";
    RenderContext tehran =
        context()
            .profile(Map.of("timezone", "Asia/Tehran"))
            .event("Ping", Map.of(), Instant.parse("2026-03-20T19:00:00Z").toEpochMilli())
            .build();
    // 20:30 UTC is already the next day (Nowruz) in Tehran, UTC+03:30.
    assertThat(sms(text, tehran))
        .isEqualTo("2026-03-21 00:00|Saturday|20.03. 22:30|2023-11-15 01:43|24 December|soon");
    RenderContext utc = context().event("Ping", Map.of(), NOW).build();
    assertThat(sms("{{ 'now' | date: '%Y-%m-%d %H:%M' }}", utc)).isEqualTo("2026-03-20 20:30");
    RenderContext berlin = context().zone(ZoneId.of("Europe/Berlin")).build();
    assertThat(sms("{{ 'now' | date: '%H:%M' }}", berlin)).isEqualTo("21:30");
  }

  @Test
  void monthNamesFollowTheVariantsLanguage() {
    MessageTemplate t =
        Templates.variants(
            "sms",
            "en",
            Map.of("text", "{{ 'now' | date: '%B' }}"),
            "de",
            Map.of("text", "{{ 'now' | date: '%B' }}"));
    assertThat(renderer.render(t, 1, context().locale("de").build()).orThrow().field("text"))
        .isEqualTo("März");
    assertThat(renderer.render(t, 1, context().locale("en").build()).orThrow().field("text"))
        .isEqualTo("March");
  }

  @Test
  void localeFallsBackFromTagToLanguageToDefault() {
    MessageTemplate t =
        Templates.variants(
            "push",
            "en",
            Map.of("title", "Hello", "body", "{{ message.locale }}"),
            "de",
            Map.of("title", "Hallo", "body", "{{ message.locale }}"),
            "de-CH",
            Map.of("title", "Grüezi", "body", "{{ message.locale }}"),
            "fr-CA",
            Map.of("title", "Bonjour", "body", "{{ message.locale }}"));
    record Case(String requested, String chosen, String title) {}
    for (Case c :
        List.of(
            new Case("de-CH", "de-CH", "Grüezi"),
            new Case("de_ch", "de-CH", "Grüezi"),
            new Case("de-AT", "de", "Hallo"),
            new Case("DE", "de", "Hallo"),
            new Case("fr-FR", "en", "Hello"), // fr-CA is not the language "fr"
            new Case("fa", "en", "Hello"),
            new Case(null, "en", "Hello"))) {
      Rendered r = renderer.render(t, 1, context().locale(c.requested()).build()).orThrow();
      assertThat(r.locale()).as(c.requested()).isEqualTo(c.chosen());
      assertThat(r.requestedLocale()).isEqualTo(c.requested());
      assertThat(r.field("title")).isEqualTo(c.title());
      assertThat(r.field("body")).isEqualTo(c.chosen());
    }
    // Without a locale in the context, the profile's decides; the context's wins over it.
    Map<String, Object> swiss = Map.of("locale", "de-CH");
    assertThat(renderer.render(t, 1, context().profile(swiss).build()).orThrow().locale())
        .isEqualTo("de-CH");
    assertThat(
            renderer
                .render(t, 1, context().profile(swiss).locale("en-GB").build())
                .orThrow()
                .locale())
        .isEqualTo("en");
  }

  @Test
  void anEmojiSubjectSurvivesIntact() {
    MessageTemplate t =
        Templates.one(
            "email",
            Map.of(
                "subject",
                "🎉 {{ profile.first_name }}, your order 📦 shipped",
                "text",
                "{{ profile.first_name | upcase }} 👋🏽"));
    Rendered r =
        renderer.render(t, 1, context().profile(Map.of("first_name", "Zoë")).build()).orThrow();
    assertThat(r.field("subject")).isEqualTo("🎉 Zoë, your order 📦 shipped");
    assertThat(r.field("text")).isEqualTo("ZOË 👋🏽");
    assertThat(r.fields().keySet()).containsExactly("subject", "text");
    assertThat(r.sms()).isNull();
  }

  @Test
  void emptyModePrintsNothingAndListsTheUndefinedVariables() {
    MessageTemplate t =
        Templates.one(
            "email",
            Map.of(
                "subject", "Hi {{ profile.first_name }}!",
                "html", "<p>\n{{ profile.first_name | default: 'there' }} {{ profile.city }}</p>"));
    Rendered r = renderer.render(t, 1, context().profile(Map.of("id", "u-1")).build()).orThrow();
    assertThat(r.field("subject")).isEqualTo("Hi !");
    assertThat(r.field("html")).isEqualTo("<p>\nthere </p>");
    assertThat(r.undefined())
        .containsExactly(
            new Undefined("subject", "profile.first_name", 1),
            new Undefined("html", "profile.city", 2));
  }

  @Test
  void errorModeFailsNamingTheFieldAndVariable() {
    MessageTemplate t =
        Templates.one(
            "email",
            Map.of("subject", "Hello", "html", "<p>\nHi {{ profile.first_name }}</p>"),
            MissingVariables.ERROR);
    RenderResult r = renderer.render(t, 1, context().profile(Map.of("id", "u-1")).build());
    assertThat(r)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.MISSING_VARIABLE);
              assertThat(f.field()).isEqualTo("html");
              assertThat(f.line()).isEqualTo(2);
              assertThat(f.message()).isEqualTo("html: profile.first_name is not defined (line 2)");
            });
    // With the trait there, the same template renders.
    assertThat(
            renderer
                .render(t, 1, context().profile(Map.of("first_name", "Mina")).build())
                .orThrow()
                .field("html"))
        .isEqualTo("<p>\nHi Mina</p>");
  }

  @Test
  void errorModeLetsConditionsLoopsAndDefaultTestForAVariable() {
    MessageTemplate t =
        Templates.one(
            "sms",
            Map.of(
                "text",
                "{% if profile.vip %}VIP {% endif %}{% unless profile.nickname %}friend{% endunless %}"
                    + "{% for o in profile.orders %}x{% else %} no orders{% endfor %}"
                    + " {{ profile.first_name | default: 'there' }}"
                    + "{% case profile.plan %}{% when 'pro' %} pro{% endcase %}"),
            MissingVariables.ERROR);
    assertThat(renderer.render(t, 1, context().profile(Map.of()).build()).orThrow().field("text"))
        .isEqualTo("friend no orders there");
  }

  @Test
  void errorModeChecksLoopItemsToo() {
    MessageTemplate t =
        Templates.one(
            "sms",
            Map.of("text", "{% for p in recommendations %}\n{{ p.name }}{% endfor %}"),
            MissingVariables.ERROR);
    RenderContext c = context().recommendations(List.of(Map.of("name", "A"), Map.of())).build();
    Failed f = (Failed) renderer.render(t, 1, c);
    assertThat(f.message()).isEqualTo("text: p.name is not defined (line 2)");
    assertThatThrownBy(f::orThrow)
        .isInstanceOf(RenderException.class)
        .hasMessage("text: p.name is not defined (line 2)");
  }

  @Test
  void syntaxErrorsNameTheFieldAndLine() {
    MessageTemplate t =
        Templates.one(
            "email", Map.of("subject", "ok", "html", "<p>\n\n{% if profile.vip %}unclosed</p>"));
    Failed f = (Failed) renderer.render(t, 1, context().build());
    assertThat(f.reason()).isEqualTo(Reason.SYNTAX);
    assertThat(f.field()).isEqualTo("html");
    assertThat(f.message()).startsWith("html: line 3, column ").contains("invalid Liquid");
    assertThat(f.line()).isEqualTo(3);

    Failed unknownFilter =
        (Failed) renderer.render(Templates.sms("a\n{{ 'x' | shout }}"), 1, context().build());
    assertThat(unknownFilter.message())
        .isEqualTo("text: line 2, column 10: unknown filter 'shout'");

    Failed unknownTag =
        (Failed) renderer.render(Templates.sms("{% shout %}"), 1, context().build());
    assertThat(unknownTag.reason()).isEqualTo(Reason.SYNTAX);
    assertThat(unknownTag.message()).contains("line 1").contains("shout");
  }

  @Test
  void aFailingFilterNamesItsLineAndColumn() {
    Failed f =
        (Failed)
            renderer.render(Templates.sms("ok\n{{ 10 | divided_by: 0 }}"), 1, context().build());
    assertThat(f.reason()).isEqualTo(Reason.RENDER_ERROR);
    assertThat(f.message()).isEqualTo("text: line 2, column 7: / by zero");
    assertThat(f.line()).isEqualTo(2);
  }

  @Test
  void orThrowCarriesTheFailure() {
    RenderResult r = renderer.render(Templates.sms("{% if %}"), 1, context().build());
    assertThatThrownBy(r::orThrow)
        .isInstanceOfSatisfying(RenderException.class, e -> assertThat(e.failure()).isEqualTo(r))
        .hasMessageStartingWith("text: line 1");
  }

  @Test
  void fieldsCompileOncePerVersionAndAgainForNewText() {
    TemplateRenderer fresh = new TemplateRenderer(RenderLimits.DEFAULTS, 2);
    RenderContext c = context().build();
    MessageTemplate v1 = Templates.sms("one");
    assertThat(fresh.render(v1, 1, c).orThrow().field("text")).isEqualTo("one");
    assertThat(fresh.render(v1, 1, c).orThrow().field("text")).isEqualTo("one");
    assertThat(fresh.cachedFields()).isEqualTo(1);
    // Same id and version with other text (an unsaved preview): the new text renders.
    assertThat(fresh.render(Templates.sms("two"), 1, c).orThrow().field("text")).isEqualTo("two");
    assertThat(fresh.render(Templates.sms("three"), 2, c).orThrow().field("text"))
        .isEqualTo("three");
    assertThat(fresh.render(Templates.sms("four"), 3, c).orThrow().field("text")).isEqualTo("four");
    assertThat(fresh.cachedFields()).isEqualTo(2); // the least recently used went
  }

  @Test
  void concurrentRendersOfOneTemplateKeepTheirOwnCustomer() throws Exception {
    MessageTemplate t =
        Templates.sms(
            "{% for i in (1..3) %}{{ profile.names[i] }}{% endfor %}-{{ profile['id'] }}");
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int n = 0; n < threads; n++) {
        int who = n;
        done.add(
            pool.submit(
                () -> {
                  int ok = 0;
                  for (int i = 0; i < 2_000; i++) {
                    String id = who + "-" + i;
                    RenderContext c =
                        context()
                            .profile(
                                Map.of("id", id, "names", List.of("", "a" + who, "b", "c" + i)))
                            .build();
                    String out = renderer.render(t, 1, c).orThrow().field("text");
                    if (out.equals("a" + who + "bc" + i + "-" + id)) {
                      ok++;
                    }
                  }
                  return ok;
                }));
      }
      for (Future<Integer> f : done) {
        assertThat(f.get()).isEqualTo(2_000);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
