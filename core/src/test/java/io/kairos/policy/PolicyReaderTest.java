package io.kairos.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.DefinitionLoader.Source;
import io.kairos.journey.JourneyLoadException;
import io.kairos.time.Span;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyReaderTest {

  @Test
  void readsEveryKeyAndFoldsWorkspaceRulesIntoChannels() {
    Policies p =
        MessagePolicyTest.policies(
            """
            policies:
              quiet_hours: { from: "21:00", to: "08:00" }
              min_gap: 24h
              caps:
                - { max: 3, per: 7d }
                - { max: 1, per: 1d, channel: sms }
              channels:
                sms: { quiet_hours: { from: "20:00", to: "09:00" }, consent: opt_in, min_gap: 2d }
                push: { quiet_hours: none, address: device_token }
                webhook: { address: none }
            """);
    QuietHours night = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0));
    assertThat(p.minGap()).isEqualTo(Span.parse("24h"));
    assertThat(p.caps())
        .containsExactly(new Cap(3, Span.parse("7d"), null), new Cap(1, Span.parse("1d"), "sms"));
    assertThat(p.channel("email")).isEqualTo(new ChannelPolicy(night, null, false, "email"));
    assertThat(p.channel("sms"))
        .isEqualTo(
            new ChannelPolicy(
                new QuietHours(LocalTime.of(20, 0), LocalTime.of(9, 0)),
                Span.parse("2d"),
                true,
                "phone"));
    assertThat(p.channel("push")).isEqualTo(new ChannelPolicy(null, null, false, "device_token"));
    assertThat(p.channel("inbox")).isEqualTo(new ChannelPolicy(night, null, false, null));
    assertThat(p.channel("webhook")).isEqualTo(new ChannelPolicy(night, null, false, null));
  }

  @Test
  void noSectionMeansNoPolicies() throws JourneyLoadException {
    assertThat(new DefinitionLoader().load(List.of()).policies()).isSameAs(Policies.NONE);
    assertThat(MessagePolicyTest.policies("policies:\n").channel("email"))
        .isEqualTo(ChannelPolicy.OPEN);
  }

  @Test
  void reportsEveryProblemWithFileLineAndColumn() {
    String yaml =
        """
        policies:
          quiet_hours: { from: "9pm", to: "08:00" }
          min_gap: 1 dya
          caps:
            - { max: 0, per: 7d }
            - { per: 1d, channel: fax }
          channels:
            sms: { consent: maybe, adress: phone }
            email: { quiet_hours: { from: "08:00", to: "08:00" } }
          pacing: true
        """;
    assertThatThrownBy(
            () -> new DefinitionLoader().load(List.of(new Source("ws/policies.yaml", yaml))))
        .isInstanceOf(JourneyLoadException.class)
        .extracting(Throwable::getMessage)
        .isEqualTo(
            String.join(
                "\n",
                "ws/policies.yaml:2:24: 'from' must be a local time HH:MM (00:00 to 23:59), not"
                    + " '9pm'",
                "ws/policies.yaml:3:12: invalid duration '1 dya': unknown unit 'dya' (use s, m, h,"
                    + " d, w, months or y)",
                "ws/policies.yaml:5:14: 'max' must be a whole number from 1 to 1000, not 0",
                "ws/policies.yaml:6:7: missing required key 'max' in cap",
                "ws/policies.yaml:6:27: unknown channel 'fax'; expected one of email, sms, push,"
                    + " webhook, inbox",
                "ws/policies.yaml:8:21: unknown consent 'maybe'; expected opt_out or opt_in",
                "ws/policies.yaml:8:28: unknown key 'adress' in channel sms; expected one of"
                    + " quiet_hours, min_gap, consent, address",
                "ws/policies.yaml:9:27: quiet_hours 'from' and 'to' are both 08:00; give a window",
                "ws/policies.yaml:10:3: unknown key 'pacing' in policies; expected one of"
                    + " quiet_hours, min_gap, caps, channels, topics"));
  }

  @Test
  void readsTopicsWithTheirChannels() {
    Policies p =
        MessagePolicyTest.policies(
            """
            policies:
              topics:
                - { id: promotions, name: Offers and sales, description: "Weekly deals" }
                - { id: stock-alerts, name: Back in stock, channels: [email, push] }
            """);
    assertThat(p.topics())
        .containsExactly(
            new Topic("promotions", "Offers and sales", "Weekly deals", Topic.DEFAULT_CHANNELS),
            new Topic("stock-alerts", "Back in stock", null, List.of("email", "push")));
    assertThat(p.topic("stock-alerts").name()).isEqualTo("Back in stock");
    assertThat(p.topic("news")).isNull();
  }

  @Test
  void reportsTopicProblems() {
    String yaml =
        """
        policies:
          topics:
            - { id: Promo! }
            - { id: a, channels: [fax] }
            - { id: a }
            - { name: no id }
        """;
    assertThatThrownBy(
            () -> new DefinitionLoader().load(List.of(new Source("ws/policies.yaml", yaml))))
        .isInstanceOf(JourneyLoadException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("topic id 'Promo!' must be 1-64 lower-case letters")
        .contains("unknown channel 'fax'")
        .contains("duplicate topic 'a'")
        .contains("missing required key 'id' in topic");
  }

  @Test
  void aWorkspaceHasOnePoliciesSection() {
    assertThatThrownBy(
            () ->
                new DefinitionLoader()
                    .load(
                        List.of(
                            new Source("a.yaml", "policies:\n  min_gap: 1d\n"),
                            new Source("b.yaml", "policies:\n  min_gap: 2d\n"))))
        .hasMessage(
            "b.yaml:1:1: policies are already defined in a.yaml; a workspace has one policies"
                + " section");
  }
}
