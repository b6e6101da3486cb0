package io.kairos.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  // The test vector the Standard Webhooks libraries share.
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long TS = 1614265330;
  static final String BODY = "{\"test\": 2432232314}";
  static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  static final Instant AT = Instant.ofEpochSecond(TS);

  private static WebhookSignature.Verdict verify(
      String secret, String body, String header, Instant now) {
    return WebhookSignature.verify(
        secret, ID, Long.toString(TS), body, header, now, WebhookSignature.TOLERANCE);
  }

  @Test
  void signsLikeTheStandardWebhooksTestVector() {
    assertThat(WebhookSignature.sign(SECRET, ID, TS, BODY)).isEqualTo(SIGNATURE);
  }

  @Test
  void verifiesTheVectorWithOrWithoutTheSecretPrefix() {
    assertThat(verify(SECRET, BODY, SIGNATURE, AT)).isEqualTo(new WebhookSignature.Verdict.Valid());
    assertThat(verify(SECRET.substring(6), BODY, SIGNATURE, AT).valid()).isTrue();
  }

  @Test
  void oneMatchingSignatureAmongSeveralIsEnough() {
    String rotated = "v1,bm90LXRoZS1yaWdodC1zaWduYXR1cmU= " + SIGNATURE + " v1a,abc";
    assertThat(verify(SECRET, BODY, rotated, AT).valid()).isTrue();
  }

  @Test
  void refusesATamperedBodyAWrongSecretAndAnotherScheme() {
    assertThat(verify(SECRET, "{\"test\": 2432232315}", SIGNATURE, AT))
        .isEqualTo(new WebhookSignature.Verdict.Invalid("no v1 signature matches"));
    assertThat(verify(WebhookSignature.newSecret(), BODY, SIGNATURE, AT).valid()).isFalse();
    assertThat(verify(SECRET, BODY, SIGNATURE.replace("v1,", "v2,"), AT).valid()).isFalse();
    assertThat(
            WebhookSignature.verify(
                    SECRET,
                    "msg_other",
                    Long.toString(TS),
                    BODY,
                    SIGNATURE,
                    AT,
                    Duration.ofMinutes(5))
                .valid())
        .isFalse();
  }

  @Test
  void refusesTimestampsOutsideTheTolerance() {
    assertThat(verify(SECRET, BODY, SIGNATURE, AT.plusSeconds(300)).valid()).isTrue();
    assertThat(verify(SECRET, BODY, SIGNATURE, AT.plusSeconds(301)))
        .isEqualTo(
            new WebhookSignature.Verdict.Invalid("webhook-timestamp is 301 s old (replay?)"));
    assertThat(verify(SECRET, BODY, SIGNATURE, AT.minusSeconds(301)))
        .isEqualTo(
            new WebhookSignature.Verdict.Invalid("webhook-timestamp is 301 s in the future"));
    assertThat(
            WebhookSignature.verify(
                    SECRET, ID, "yesterday", BODY, SIGNATURE, AT, WebhookSignature.TOLERANCE)
                .valid())
        .isFalse();
    assertThat(WebhookSignature.verify(SECRET, ID, null, BODY, SIGNATURE).valid()).isFalse();
  }

  @Test
  void theSystemClockOverloadRefusesAnOldVector() {
    assertThat(WebhookSignature.verify(SECRET, ID, Long.toString(TS), BODY, SIGNATURE).valid())
        .isFalse();
  }

  @Test
  void newSecretsAreValidSettingsAndDiffer() {
    String a = WebhookSignature.newSecret();
    assertThat(a).startsWith("whsec_").isNotEqualTo(WebhookSignature.newSecret());
    assertThat(WebhookSettings.defaults(a).signingSecret()).isEqualTo(a);
  }

  @Test
  void aSecretThatIsNotBase64IsAnError() {
    assertThatThrownBy(() -> WebhookSignature.sign("whsec_not base64!", ID, TS, BODY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not base64");
  }
}
