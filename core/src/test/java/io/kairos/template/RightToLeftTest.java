package io.kairos.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.template.RenderResult.Rendered;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RightToLeftTest {
  private final TemplateRenderer renderer = new TemplateRenderer();

  private Rendered render(MessageTemplate t, String locale, Map<String, Object> profile) {
    return renderer
        .render(t, 1, RenderContext.builder(0).locale(locale).profile(profile).build())
        .orThrow();
  }

  @Test
  void persianHtmlGetsDirAndLangOnTheHtmlElement() {
    MessageTemplate t =
        Templates.variants(
            "email",
            "en",
            Map.of("subject", "Your order shipped", "html", "<html><body>Hi</body></html>"),
            "fa",
            Map.of(
                "subject",
                "{{ profile.first_name }}، سفارش شما ارسال شد",
                "html",
                "<!doctype html>\n<HTML class=\"mail\"><body><p>سلام {{ profile.first_name }}،"
                    + " سفارش شما ارسال شد.</p><p>{{ message.direction }}</p></body></HTML>",
                "text",
                "سلام {{ profile.first_name }}"));
    Rendered r = render(t, "fa-IR", Map.of("first_name", "مینا"));
    assertThat(r.locale()).isEqualTo("fa");
    assertThat(r.direction()).isEqualTo("rtl");
    assertThat(r.field("html"))
        .isEqualTo(
            "<!doctype html>\n<HTML dir=\"rtl\" lang=\"fa\" class=\"mail\"><body><p>سلام مینا، سفارش"
                + " شما ارسال شد.</p><p>rtl</p></body></HTML>");
    // Only the HTML part is marked; subject and text are plain text.
    assertThat(r.field("subject")).isEqualTo("مینا، سفارش شما ارسال شد");
    assertThat(r.field("text")).isEqualTo("سلام مینا");

    Rendered english = render(t, "en-US", Map.of());
    assertThat(english.direction()).isEqualTo("ltr");
    assertThat(english.field("html")).isEqualTo("<html><body>Hi</body></html>");
  }

  @Test
  void arabicFragmentIsWrappedInADiv() {
    MessageTemplate t =
        Templates.variants(
            "email",
            "ar",
            Map.of(
                "subject", "مرحبا", "html", "<p>مرحبا {{ profile.first_name }}، تم شحن طلبك.</p>"));
    Rendered r = render(t, "ar-EG", Map.of("first_name", "ليلى"));
    assertThat(r.locale()).isEqualTo("ar");
    assertThat(r.field("html"))
        .isEqualTo("<div dir=\"rtl\" lang=\"ar\"><p>مرحبا ليلى، تم شحن طلبك.</p></div>");
  }

  @Test
  void aBodyWithoutHtmlGetsTheAttributesAndATemplatesOwnDirStays() {
    MessageTemplate body =
        Templates.variants(
            "email", "he", Map.of("subject", "שלום", "html", "<body style=\"x\">שלום</body>"));
    assertThat(render(body, "he", Map.of()).field("html"))
        .isEqualTo("<body dir=\"rtl\" lang=\"he\" style=\"x\">שלום</body>");
    MessageTemplate own =
        Templates.variants(
            "email",
            "ur",
            Map.of("subject", "s", "html", "<html dir=\"rtl\"><body>سلام</body></html>"));
    assertThat(render(own, "ur", Map.of()).field("html"))
        .isEqualTo("<html lang=\"ur\" dir=\"rtl\"><body>سلام</body></html>");
  }

  @Test
  void directionComesFromLanguageOrScript() {
    for (String rtl :
        new String[] {
          "fa",
          "fa-IR",
          "ar",
          "he",
          "iw",
          "ur",
          "ps",
          "sd",
          "ug",
          "yi",
          "ckb",
          "dv",
          "az-Arab",
          "pa_Arab_PK"
        }) {
      assertThat(Locales.isRightToLeft(rtl)).as(rtl).isTrue();
    }
    for (String ltr :
        new String[] {
          "en", "de-CH", "tr", "ku", "az", "az-Latn", "sd-Deva", "uz-Cyrl", "zh-Hant-TW"
        }) {
      assertThat(Locales.isRightToLeft(ltr)).as(ltr).isFalse();
    }
  }

  @Test
  void pushAndInboxReportTheDirectionWithoutChangingText() {
    MessageTemplate t =
        Templates.variants(
            "inbox", "fa", Map.of("title", "سلام", "body", "<p>{{ message.direction }}</p>"));
    Rendered r = render(t, null, Map.of());
    assertThat(r.direction()).isEqualTo("rtl");
    assertThat(r.field("body")).isEqualTo("<p>rtl</p>");
  }
}
