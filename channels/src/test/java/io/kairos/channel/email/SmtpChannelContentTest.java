package io.kairos.channel.email;

import static io.kairos.channel.email.TestEmails.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.channel.Content;
import io.kairos.channel.Outcome;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Content that cannot be sent fails at once, and no connection is made for it. */
class SmtpChannelContentTest {
  private ScriptedSmtpServer server;
  private SmtpChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedSmtpServer();
    channel =
        new SmtpChannel(
            SmtpSettings.builder("127.0.0.1", "mail.kairos.test")
                .port(server.port())
                .security(SmtpSettings.Security.NONE)
                .readTimeout(Duration.ofSeconds(2))
                .build());
  }

  @AfterEach
  void stop() throws Exception {
    channel.close();
    server.close();
  }

  private static Content.Email email(
      String html, String text, String url, String mailto, Map<String, String> headers) {
    return new Content.Email(
        "news@shop.example", null, "ann@example.com", "s", null, html, text, url, mailto, headers);
  }

  private Outcome send(Content content) {
    return channel.send(delivery("m1", content));
  }

  @Test
  void failuresNameTheField() {
    assertThat(send(email(null, null, null, null, Map.of())))
        .isEqualTo(new Outcome.Failed("email has neither html nor text"));
    assertThat(send(email(null, "t", "http://shop.example/u", null, Map.of())).detail())
        .startsWith("unsubscribeUrl: must be an https:// URL");
    assertThat(send(email(null, "t", null, "not-an-address", Map.of())).detail())
        .startsWith("unsubscribeMailto:");
    assertThat(send(email(null, "t", null, null, Map.of("Message-ID", "<x@y>"))).detail())
        .isEqualTo("headers: Message-ID is set by the email channel itself and cannot be given");
    assertThat(send(email(null, "t", null, null, Map.of("X-Bad Name", "v"))).detail())
        .isEqualTo("headers: 'X-Bad Name' is not a header name");
    assertThat(send(email(null, "t", null, null, Map.of("X-Ok", "a\r\nBcc: x@y"))).detail())
        .isEqualTo("headers.X-Ok: must not contain line breaks");
    assertThat(send(new Content.Sms(null, "+4915112345678", "hi")))
        .isEqualTo(new Outcome.Failed("the email channel cannot send Sms content"));
    assertThat(channel.send(delivery("has space", email(null, "t", null, null, Map.of()))).detail())
        .contains("cannot stand in a Message-ID");

    assertThat(server.connections()).isZero();
  }

  @Test
  void extraHeadersWithNonAsciiValuesAreEncoded() {
    Outcome outcome = send(email(null, "t", null, null, Map.of("X-Campaign", "بهار ۱۴۰۵")));
    assertThat(outcome).isInstanceOf(Outcome.Sent.class);
    assertThat(server.received().get(0).header("X-Campaign")).startsWith("=?UTF-8?");
  }

  @Test
  void aClosedChannelSendsNothing() {
    channel.close();
    Outcome outcome = send(email(null, "t", null, null, Map.of()));
    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).contains("closed");
    assertThat(server.connections()).isZero();
  }
}
