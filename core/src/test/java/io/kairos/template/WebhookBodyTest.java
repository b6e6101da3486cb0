package io.kairos.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.template.RenderResult.Failed;
import io.kairos.template.RenderResult.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookBodyTest {
  private final TemplateRenderer renderer = new TemplateRenderer();

  @Test
  void theJsonFilterEscapesWhatItInterpolates() throws Exception {
    String nasty = "Ali \"the\" \\ <b>\n\t\u0001 سلام 😀";
    MessageTemplate t =
        Templates.one(
            "webhook",
            Map.of(
                "body",
                "{\"name\": {{ profile.name | json }}, \"age\": {{ profile.age | json }},"
                    + " \"vip\": {{ profile.vip | json }}, \"tags\": {{ profile.tags | json }},"
                    + " \"nickname\": {{ profile.nickname | json }},"
                    + " \"cart\": {{ cart.items | json }}}"));
    RenderContext c =
        RenderContext.builder(0)
            .profile(Map.of("name", nasty, "age", 31, "vip", true, "tags", List.of("a\"b", "c")))
            .cart(List.of(Map.of("name", "Mug", "price", 12.5)))
            .build();
    String body = renderer.render(t, 1, c).orThrow().field("body");
    JsonNode json = new ObjectMapper().readTree(body);
    assertThat(json.get("name").asText()).isEqualTo(nasty);
    assertThat(json.get("age").asInt()).isEqualTo(31);
    assertThat(json.get("vip").asBoolean()).isTrue();
    assertThat(json.get("tags").get(0).asText()).isEqualTo("a\"b");
    assertThat(json.get("nickname").isNull()).isTrue();
    assertThat(json.get("cart").get(0).get("line_total").decimalValue())
        .isEqualByComparingTo("12.5");
    assertThat(body).contains("\"Ali \\\"the\\\" \\\\ <b>\\n\\t\\u0001 سلام 😀\"");
  }

  @Test
  void aBodyThatIsNotJsonFailsNamingTheField() {
    MessageTemplate t =
        Templates.one("webhook", Map.of("body", "{\"name\": \"{{ profile.name }}\"}"));
    RenderContext c = RenderContext.builder(0).profile(Map.of("name", "say \"hi\"")).build();
    RenderResult r = renderer.render(t, 1, c);
    assertThat(r)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.INVALID_JSON);
              assertThat(f.field()).isEqualTo("body");
              assertThat(f.message()).startsWith("body: not valid JSON at line 1, column ");
            });
    // Without quotes in the value the same template is valid JSON.
    RenderContext plain = RenderContext.builder(0).profile(Map.of("name", "Ana")).build();
    assertThat(renderer.render(t, 1, plain).orThrow().field("body"))
        .isEqualTo("{\"name\": \"Ana\"}");
  }

  @Test
  void theUrlIsAUrlNotJson() {
    MessageTemplate t =
        Templates.one(
            "webhook",
            Map.of(
                "url", "https://hooks.shop.example/users/{{ profile.id }}",
                "body", "{\"id\": {{ profile.id | json }}}"));
    RenderResult.Rendered r =
        renderer
            .render(t, 1, RenderContext.builder(0).profile(Map.of("id", "u-1")).build())
            .orThrow();
    assertThat(r.field("url")).isEqualTo("https://hooks.shop.example/users/u-1");
    assertThat(r.field("body")).isEqualTo("{\"id\": \"u-1\"}");
  }

  @Test
  void trailingTextAndEmptyBodiesAreRefused() {
    Failed trailing =
        (Failed)
            renderer.render(
                Templates.one("webhook", Map.of("body", "{} x")),
                1,
                RenderContext.builder(0).build());
    assertThat(trailing.reason()).isEqualTo(Reason.INVALID_JSON);
    Failed empty =
        (Failed)
            renderer.render(
                Templates.one("webhook", Map.of("body", "{{ profile.body }}")),
                1,
                RenderContext.builder(0).build());
    assertThat(empty.message()).isEqualTo("body: the body is empty; a webhook body must be JSON");
  }
}
