package io.kairos.channel.email;

import static io.kairos.channel.email.TestEmails.delivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.kairos.channel.Content;
import io.kairos.channel.Outcome;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DKIM signatures as a receiver checks them: sent through a real SMTP server, verified with the
 * public key by {@link DkimVerifier}, which shares no code with the signer.
 */
class DkimSignatureTest {

  @RegisterExtension
  static final GreenMailExtension GREEN_MAIL =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  private static KeyPair keys;
  private static SmtpChannel channel;

  @BeforeAll
  static void start() throws Exception {
    keys = TestEmails.rsaKeyPair();
  }

  @AfterAll
  static void stop() {
    if (channel != null) {
      channel.close();
    }
  }

  private static byte[] sendAndReceive(Content.Email email) throws Exception {
    if (channel != null) {
      channel.close();
    }
    channel =
        new SmtpChannel(
            SmtpSettings.builder("127.0.0.1", "mail.kairos.test")
                .port(GREEN_MAIL.getSmtp().getPort())
                .security(SmtpSettings.Security.NONE)
                .readTimeout(Duration.ofSeconds(5))
                .dkim("shop.example", "k2026", TestEmails.pkcs8Pem(keys))
                .build());
    assertThat(channel.send(delivery("dkim-1", email))).isInstanceOf(Outcome.Sent.class);
    assertThat(GREEN_MAIL.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage received = GREEN_MAIL.getReceivedMessages()[0];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    received.writeTo(out);
    return out.toByteArray();
  }

  private static Content.Email campaign() {
    return new Content.Email(
        "Kairos Shop <news@shop.example>",
        "help@shop.example",
        "مریم <maryam@example.com>",
        "سلام مریم 🌷 — your cart",
        "Preview text",
        "<html><body><p>سلام   مریم</p>\n<p>Line two</p></body></html>",
        "Hello Maryam,\nline two   with spaces\n\n",
        "https://shop.example/u/tok123",
        "unsubscribe@shop.example",
        Map.of("X-Campaign", "spring"));
  }

  @Test
  void aSignedMessageVerifiesWithThePublicKey() throws Exception {
    byte[] raw = sendAndReceive(campaign());

    DkimVerifier.Result result = DkimVerifier.verify(raw, keys.getPublic());

    assertThat(result.bodyHashMatches()).isTrue();
    assertThat(result.signatureValid()).isTrue();
    assertThat(result.tags()).containsEntry("d", "shop.example").containsEntry("s", "k2026");
    assertThat(result.signedHeaders())
        .contains(
            "from",
            "to",
            "subject",
            "date",
            "message-id",
            "mime-version",
            "content-type",
            "list-unsubscribe",
            "list-unsubscribe-post",
            "reply-to");
  }

  @Test
  void aChangedBodyOrSignedHeaderFailsAndWhitespaceChangesDoNot() throws Exception {
    String raw = new String(sendAndReceive(campaign()), StandardCharsets.ISO_8859_1);
    int bodyStart = raw.indexOf("\r\n\r\n") + 4;
    assertThat(DkimVerifier.verify(bytes(raw), keys.getPublic()).valid()).isTrue();

    // One character of the body changed: the body hash no longer matches.
    String body = raw.substring(bodyStart);
    int i = body.indexOf("Hello Maryam") >= 0 ? body.indexOf("Hello Maryam") : 0;
    String tamperedBody =
        raw.substring(0, bodyStart)
            + body.substring(0, i)
            + (body.charAt(i) == 'A' ? 'B' : 'A')
            + body.substring(i + 1);
    DkimVerifier.Result changedBody = DkimVerifier.verify(bytes(tamperedBody), keys.getPublic());
    assertThat(changedBody.bodyHashMatches()).isFalse();

    // A signed header changed: the signature no longer verifies.
    String tamperedHeader =
        raw.replaceFirst(
            "(?m)^List-Unsubscribe: <https://shop.example/u/tok123>",
            "List-Unsubscribe: <https://evil.example/u/tok123>");
    assertThat(tamperedHeader).isNotEqualTo(raw);
    DkimVerifier.Result changedHeader =
        DkimVerifier.verify(bytes(tamperedHeader), keys.getPublic());
    assertThat(changedHeader.bodyHashMatches()).isTrue();
    assertThat(changedHeader.signatureValid()).isFalse();

    // What relaxed canonicalisation forgives: trailing blanks, runs of blanks, extra empty lines.
    String reformatted =
        raw.substring(0, bodyStart)
            + body.replace("\r\n", " \t\r\n").replace(" ", "  ")
            + "\r\n\r\n";
    assertThat(DkimVerifier.verify(bytes(reformatted), keys.getPublic()).valid()).isTrue();
  }

  @Test
  void anotherKeyDoesNotVerify() throws Exception {
    byte[] raw = sendAndReceive(campaign());
    KeyPair other = TestEmails.rsaKeyPair();
    assertThat(DkimVerifier.verify(raw, other.getPublic()).signatureValid()).isFalse();
  }

  @Test
  void aLocaleThatBreaksTheSignatureIsRefusedAtStart() throws Exception {
    String pem = TestEmails.pkcs8Pem(keys);
    SmtpSettings settings =
        SmtpSettings.builder("127.0.0.1", "mail.kairos.test")
            .security(SmtpSettings.Security.NONE)
            .dkim("shop.example", "k2026", pem)
            .build();
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    try {
      assertThatThrownBy(() -> new SmtpChannel(settings))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("smtp.dkim: DKIM signing needs a JVM default locale")
          .hasMessageContaining("tr-TR");
    } finally {
      Locale.setDefault(before);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
