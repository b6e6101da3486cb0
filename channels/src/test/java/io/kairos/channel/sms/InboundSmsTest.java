package io.kairos.channel.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.channel.sms.InboundSms.Keyword;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InboundSmsTest {

  @ParameterizedTest(name = "\"{0}\" is {1}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "STOP|OPT_OUT",
        "stop|OPT_OUT",
        "  Stop \t|OPT_OUT",
        "STOPALL|OPT_OUT",
        "unsubscribe|OPT_OUT",
        "CANCEL|OPT_OUT",
        "End|OPT_OUT",
        "QUIT|OPT_OUT",
        "optout|OPT_OUT",
        "REVOKE|OPT_OUT",
        "START|OPT_IN",
        "yes|OPT_IN",
        "UNSTOP|OPT_IN",
        "OptIn|OPT_IN",
        "HELP|HELP",
        " info|HELP",
        "stop please|NONE",
        "STOP!|NONE",
        "opt out|NONE",
        "Thanks, see you|NONE",
        "|NONE",
      })
  void keywords(String body, Keyword expected) {
    assertThat(InboundSms.keyword(body)).isEqualTo(expected);
  }

  @Test
  void surroundingLineBreaksDoNotCount() {
    assertThat(InboundSms.keyword("\r\nSTOP\n")).isEqualTo(Keyword.OPT_OUT);
  }

  @Test
  void parsesTwilioInboundForm() {
    Map<String, List<String>> form =
        Map.of(
            "From", List.of("+4915112345678"),
            "To", List.of("+15005550006"),
            "Body", List.of(" Stop "),
            "MessageSid", List.of("SM1f0e8ae6ade43cb3c0ce4525424e404f"),
            "AccountSid", List.of("AC00000000000000000000000000000000"),
            "NumMedia", List.of("0"));
    assertThat(InboundSms.parse(form))
        .isEqualTo(
            new InboundSms(
                "+4915112345678",
                "+15005550006",
                " Stop ",
                "SM1f0e8ae6ade43cb3c0ce4525424e404f",
                Keyword.OPT_OUT));
  }

  @Test
  void aMissingFieldIsNamed() {
    assertThatThrownBy(
            () -> InboundSms.parse(Map.of("To", List.of("+1"), "MessageSid", List.of("SM1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inbound SMS field From is missing");
    assertThat(
            InboundSms.parse(
                    Map.of(
                        "From", List.of("+2"), "To", List.of("+1"), "MessageSid", List.of("SM1")))
                .keyword())
        .isEqualTo(Keyword.NONE);
  }
}
