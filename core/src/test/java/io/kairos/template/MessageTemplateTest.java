package io.kairos.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTemplateTest {
  @Test
  void badTemplatesAreRefusedNamingTheField() {
    Map<String, Map<String, String>> ok = Map.of("en", Map.of("text", "hi"));
    assertThatThrownBy(() -> MessageTemplate.of(" ", "sms", "en", ok)).hasMessage("id: required");
    assertThatThrownBy(() -> MessageTemplate.of("t", "fax", "en", ok))
        .hasMessage("channel: expected one of email, sms, push, webhook, inbox, got 'fax'");
    assertThatThrownBy(() -> MessageTemplate.of("t", "sms", "en", Map.of()))
        .hasMessage("locales: expected at least one variant");
    assertThatThrownBy(() -> MessageTemplate.of("t", "sms", "de", ok))
        .hasMessage("default_locale: 'de' is not one of [en]");
    assertThatThrownBy(
            () -> MessageTemplate.of("t", "sms", "en", Map.of("en", Map.of("subject", "x"))))
        .hasMessage("locales.en.subject: unknown field for sms; expected one of text");
  }

  @Test
  void theDefaultLocaleIsTheFirstVariantWhenNotGiven() {
    Map<String, Map<String, String>> locales = new LinkedHashMap<>();
    locales.put("fa", Map.of("text", "سلام"));
    locales.put("en", Map.of("text", "hi"));
    MessageTemplate t = new MessageTemplate("t", "sms", null, locales, null);
    assertThat(t.defaultLocale()).isEqualTo("fa");
    assertThat(t.missing()).isEqualTo(MissingVariables.EMPTY);
  }

  @Test
  void problemsListsWhatASaveShouldRefuseByPath() {
    Map<String, Map<String, String>> locales = new LinkedHashMap<>();
    locales.put("en", Map.of("subject", "Hi {{ profile.first_name }}", "text", "ok"));
    locales.put(
        "de",
        new LinkedHashMap<>(
            Map.of(
                "subject",
                "Hallo",
                "html",
                "{% include 'footer' %}",
                "text",
                "a\n{{ x | shout }}")));
    Map<String, String> problems =
        new TemplateRenderer().problems(MessageTemplate.of("t", "email", "en", locales));
    assertThat(problems)
        .containsOnly(
            Map.entry(
                "locales.de.html",
                "line 1, column 1: include is not allowed: a template cannot read files or other"
                    + " templates"),
            Map.entry("locales.de.text", "line 2, column 8: unknown filter 'shout'"));
  }

  @Test
  void missingVariablesReadsTheStoredSetting() {
    assertThat(MissingVariables.parse(null)).isEqualTo(MissingVariables.EMPTY);
    assertThat(MissingVariables.parse("empty")).isEqualTo(MissingVariables.EMPTY);
    assertThat(MissingVariables.parse("ERROR")).isEqualTo(MissingVariables.ERROR);
    assertThat(MissingVariables.ERROR.value()).isEqualTo("error");
    assertThatThrownBy(() -> MissingVariables.parse("strict"))
        .hasMessage("missing_variables: expected 'empty' or 'error', got 'strict'");
  }
}
