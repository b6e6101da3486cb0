package io.kairos.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.template.RenderResult.Failed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/templates.md must be true: every {@code liquid} block followed by a {@code text} block is
 * rendered for the customer the page describes and must print exactly that text; the example
 * messages of its failure table are checked here too.
 */
class DocumentationExamplesTest {
  private static final Path DOC = Path.of("..", "docs", "templates.md");
  private final TemplateRenderer renderer = new TemplateRenderer();

  static RenderContext documentedCustomer() {
    Map<String, Object> profile = new LinkedHashMap<>();
    profile.put("id", "u-42");
    profile.put("user_id", "u-42");
    profile.put("first_name", "Mina");
    profile.put("email", "mina@example.com");
    profile.put("phone", "+4915112345678");
    profile.put("plan", "pro");
    profile.put("locale", "en-US");
    profile.put("timezone", "Europe/Berlin");
    return RenderContext.builder(Instant.parse("2026-03-20T20:30:00Z").toEpochMilli())
        .profile(profile)
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
                        "url", "https://shop.example/p/1",
                        "image_url", "https://shop.example/p/1.jpg"),
                    Map.of("product_id", "p-2", "name", "Socks", "price", 4.5))),
            Instant.parse("2026-03-20T19:45:00Z").toEpochMilli())
        .journey("abandoned-cart", "3", "reminder-1", Map.of("coupon", "COMEBACK10"))
        .messageId("m-1")
        .links(
            Map.of(
                "unsubscribe", "https://kairos.example/u/abc",
                "preferences", "https://kairos.example/p/abc",
                "view_in_browser", "https://kairos.example/v/abc"))
        .recommendations(
            List.of(
                Map.of(
                    "product_id", "p-9",
                    "name", "Rain jacket",
                    "price", 129,
                    "url", "https://shop.example/p/9")))
        .build();
  }

  record Example(int line, String liquid, String output) {}

  static List<Example> examples(List<String> lines) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).equals("```liquid")) {
        continue;
      }
      int start = i + 1;
      int end = lines.subList(start, lines.size()).indexOf("```") + start;
      int text = end + 1;
      while (lines.get(text).isBlank()) {
        text++;
      }
      assertThat(lines.get(text))
          .as("line %d: a liquid example needs its text output", i + 1)
          .isEqualTo("```text");
      int textEnd = lines.subList(text + 1, lines.size()).indexOf("```") + text + 1;
      out.add(
          new Example(
              i + 1,
              String.join("\n", lines.subList(start, end)),
              String.join("\n", lines.subList(text + 1, textEnd))));
      i = textEnd;
    }
    return out;
  }

  @Test
  void everyLiquidExamplePrintsWhatThePageSays() throws IOException {
    List<Example> examples = examples(Files.readAllLines(DOC, StandardCharsets.UTF_8));
    assertThat(examples).hasSizeGreaterThanOrEqualTo(12);
    RenderContext customer = documentedCustomer();
    for (Example e : examples) {
      MessageTemplate t =
          new MessageTemplate(
              "cart-reminder",
              "email",
              "en",
              Map.of("en", Map.of("subject", "s", "text", e.liquid())),
              MissingVariables.ERROR); // no example prints an undefined variable by accident
      String out = renderer.render(t, 7, customer).orThrow().field("text");
      assertThat(out).as("docs/templates.md line %d", e.line()).isEqualTo(e.output());
    }
  }

  @Test
  void theTemplateFormatExampleRendersInEveryVariant() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int start = doc.indexOf("```json\n") + "```json\n".length();
    JsonNode json = new ObjectMapper().readTree(doc.substring(start, doc.indexOf("```", start)));
    Map<String, Map<String, String>> locales = new LinkedHashMap<>();
    json.get("locales")
        .fields()
        .forEachRemaining(
            v -> {
              Map<String, String> fields = new LinkedHashMap<>();
              v.getValue()
                  .fields()
                  .forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
              locales.put(v.getKey(), fields);
            });
    MessageTemplate t =
        MessageTemplate.of(
            json.get("id").asText(),
            json.get("channel").asText(),
            json.get("default_locale").asText(),
            locales);
    assertThat(renderer.problems(t)).isEmpty();
    RenderResult.Rendered en = renderer.render(t, 1, documentedCustomer()).orThrow();
    assertThat(en.field("subject")).isEqualTo("Mina, you left 3 items behind");
    assertThat(en.field("html")).contains("<p>Trail shoe: €179.90</p>");
    RenderResult.Rendered fa =
        renderer
            .render(
                t,
                1,
                RenderContext.builder(0)
                    .locale("fa-IR")
                    .profile(Map.of("first_name", "مینا"))
                    .build())
            .orThrow();
    assertThat(fa.field("html")).isEqualTo("<div dir=\"rtl\" lang=\"fa\"><p>سلام مینا</p></div>");
  }

  @Test
  void theFailureTablesExampleMessagesAreReal() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    RenderContext customer = documentedCustomer();
    List<String> messages = new ArrayList<>();
    messages.add(fail("email", "html", "<p>\n\n{{ x | shout }}", customer).message());
    messages.add(fail("sms", "text", "{% include 'footer' %}", customer).message());
    messages.add(fail("email", "html", "a".repeat(300_000), customer).message());
    messages.add(
        fail("email", "html", "{% for i in (1..20000) %}{% endfor %}", customer).message());
    messages.add(
        fail(
                "email",
                "html",
                "{% for i in (1..10000) %}{{ 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }}{% endfor %}",
                customer)
            .message());
    messages.add(
        fail(
                "email",
                "html",
                "<p>\n\n{{ profile.first_name }}",
                RenderContext.builder(0).build(),
                MissingVariables.ERROR)
            .message());
    messages.add(fail("sms", "text", "ok\n{{ 10 | divided_by: 0 }}", customer).message());
    messages.add(fail("sms", "text", "{{ 3 | money: 'EURO' }}", customer).message());
    for (String m : messages) {
      assertThat(doc).as("docs/templates.md shows %s", m).contains("`" + m + "`");
    }
    String json = fail("webhook", "body", "{\"name\": \"say \"hi\"\"}", customer).message();
    assertThat(json)
        .startsWith("body: not valid JSON at line 1, column 16: Unexpected character ('h'");
    assertThat(doc)
        .contains("`body: not valid JSON at line 1, column 16: Unexpected character ('h' ...)`");
  }

  private Failed fail(String channel, String field, String text, RenderContext c) {
    return fail(channel, field, text, c, MissingVariables.EMPTY);
  }

  private Failed fail(
      String channel, String field, String text, RenderContext c, MissingVariables missing) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (channel.equals("email") && !field.equals("subject")) {
      fields.put("subject", "s");
    }
    fields.put(field, text);
    RenderResult r = renderer.render(Templates.one(channel, fields, missing), 1, c);
    assertThat(r).as(text.length() > 80 ? text.substring(0, 80) : text).isInstanceOf(Failed.class);
    return (Failed) r;
  }
}
