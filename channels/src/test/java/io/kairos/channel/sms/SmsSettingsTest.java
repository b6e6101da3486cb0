package io.kairos.channel.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmsSettingsTest {

  static final String SID = TwilioSmsChannelTest.SID;

  @Test
  void twilioDefaults() {
    SmsSettings.Twilio t = SmsSettings.Twilio.defaults(SID, "tok", "+15005550006");
    assertThat(t.baseUrl()).isEqualTo("https://api.twilio.com");
    assertThat(t.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(t.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(t.maxResponseBytes()).isEqualTo(65536);
    assertThat(t.messagingServiceSid()).isNull();
    assertThat(t.statusCallback()).isNull();
    assertThat(t.withBaseUrl("http://127.0.0.1:8080/").baseUrl())
        .isEqualTo("http://127.0.0.1:8080");
    assertThat(t.toString()).doesNotContain("tok");
  }

  @Test
  void twilioFieldsAreNamedWhenWrong() {
    assertThatThrownBy(() -> SmsSettings.Twilio.defaults("AC123", "tok", "+1"))
        .hasMessage("sms.twilio.accountSid must be AC followed by 32 hex digits");
    assertThatThrownBy(() -> SmsSettings.Twilio.defaults(SID, " ", "+1"))
        .hasMessage("sms.twilio.authToken is required");
    assertThatThrownBy(() -> SmsSettings.Twilio.defaults(SID, "tok", null))
        .hasMessage(
            "sms.twilio.from or sms.twilio.messagingServiceSid is required: a message without its"
                + " own sender needs one");
    assertThatThrownBy(() -> SmsSettings.Twilio.viaMessagingService(SID, "tok", "MG1"))
        .hasMessage("sms.twilio.messagingServiceSid must be MG followed by 32 hex digits");
    SmsSettings.Twilio t = SmsSettings.Twilio.defaults(SID, "tok", "+1");
    assertThatThrownBy(() -> t.withBaseUrl("api.twilio.com"))
        .hasMessage("sms.twilio.baseUrl must be an http or https URL, got 'api.twilio.com'");
    assertThatThrownBy(() -> t.withStatusCallback("ftp://x/y"))
        .hasMessage("sms.twilio.statusCallback must be an http or https URL, got 'ftp://x/y'");
    assertThatThrownBy(() -> t.withTimeouts(Duration.ofSeconds(1), Duration.ZERO))
        .hasMessage("sms.twilio.requestTimeout must be positive, got PT0S");
    assertThatThrownBy(() -> t.withMaxResponseBytes(100))
        .hasMessage("sms.twilio.maxResponseBytes must be between 1024 and 16777216, got 100");
  }

  @Test
  void gatewayDefaultsAndChecks() {
    SmsSettings.Gateway g = SmsSettings.Gateway.defaults("https://sms.example/v1/send");
    assertThat(g.providerIdField()).isEqualTo("id");
    assertThat(g.bearerToken()).isNull();
    assertThat(g.from()).isNull();
    assertThat(g.withBearerToken("abc").toString()).doesNotContain("abc");
    assertThatThrownBy(() -> SmsSettings.Gateway.defaults(null))
        .hasMessage("sms.gateway.url is required");
    assertThatThrownBy(() -> g.withBearerToken("two words"))
        .hasMessage("sms.gateway.bearerToken must be printable ASCII without spaces");
    assertThatThrownBy(() -> g.withProviderIdField(""))
        .hasMessage("sms.gateway.providerIdField is required");
    assertThatThrownBy(() -> g.withFrom(""))
        .hasMessage("sms.gateway.from is blank (leave it out instead)");
  }
}
