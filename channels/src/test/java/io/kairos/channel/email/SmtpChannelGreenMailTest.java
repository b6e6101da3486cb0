package io.kairos.channel.email;

import static io.kairos.channel.email.TestEmails.delivery;
import static io.kairos.channel.email.TestEmails.email;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.kairos.channel.Content;
import io.kairos.channel.Outcome;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The channel against a real SMTP server (GreenMail) on loopback: what arrives, byte for byte. */
class SmtpChannelGreenMailTest {

  @RegisterExtension
  static final GreenMailExtension GREEN_MAIL =
      new GreenMailExtension(
          new ServerSetup[] {
            ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()
          });

  private static final Instant SENT_AT = Instant.parse("2026-03-01T09:30:00Z");
  private final List<SmtpChannel> channels = new ArrayList<>();

  @AfterEach
  void closeChannels() {
    channels.forEach(SmtpChannel::close);
  }

  private SmtpSettings.Builder plain() {
    return SmtpSettings.builder("127.0.0.1", "mail.kairos.test")
        .port(GREEN_MAIL.getSmtp().getPort())
        .security(SmtpSettings.Security.NONE)
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5));
  }

  private SmtpChannel channel(SmtpSettings settings) {
    SmtpChannel c = new SmtpChannel(settings, Clock.fixed(SENT_AT, ZoneOffset.UTC));
    channels.add(c);
    return c;
  }

  private static MimeMessage onlyMessage() {
    assertThat(GREEN_MAIL.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage[] received = GREEN_MAIL.getReceivedMessages();
    assertThat(received).hasSize(1);
    return received[0];
  }

  @Test
  void headersArriveAsSet() throws Exception {
    Content.Email email =
        new Content.Email(
            "Kairos Shop <news@shop.example>",
            "help@shop.example",
            "Ann <ann@example.com>",
            "Your cart is waiting",
            null,
            "<p>Hi</p>",
            "Hi",
            "https://shop.example/u/tok123",
            "unsubscribe@shop.example",
            Map.of("X-Campaign", "spring-sale"));

    Outcome outcome = channel(plain().build()).send(delivery("msg-7f3a", email));

    assertThat(outcome).isInstanceOf(Outcome.Sent.class);
    MimeMessage m = onlyMessage();
    assertThat(m.getHeader("Message-ID")).containsExactly("<msg-7f3a@mail.kairos.test>");
    assertThat(m.getMessageID()).isEqualTo("<msg-7f3a@mail.kairos.test>");
    assertThat(MimeUtility.unfold(m.getHeader("List-Unsubscribe", null)))
        .isEqualTo("<https://shop.example/u/tok123>, <mailto:unsubscribe@shop.example>");
    assertThat(m.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
    assertThat(m.getFrom())
        .containsExactly(new InternetAddress("news@shop.example", "Kairos Shop", "UTF-8"));
    assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Kairos Shop");
    assertThat(m.getRecipients(MimeMessage.RecipientType.TO))
        .extracting(a -> ((InternetAddress) a).getAddress())
        .containsExactly("ann@example.com");
    assertThat(m.getReplyTo())
        .extracting(a -> ((InternetAddress) a).getAddress())
        .containsExactly("help@shop.example");
    assertThat(m.getSubject()).isEqualTo("Your cart is waiting");
    assertThat(m.getSentDate()).isEqualTo(Date.from(SENT_AT));
    assertThat(m.getHeader("X-Campaign")).containsExactly("spring-sale");
    assertThat(m.getHeader("MIME-Version")).containsExactly("1.0");
  }

  @Test
  void onlyTheMailtoUnsubscribeMeansNoOneClickHeader() throws Exception {
    Content.Email email =
        new Content.Email(
            "news@shop.example",
            null,
            "ann@example.com",
            "s",
            null,
            null,
            "t",
            null,
            "mailto:unsubscribe@shop.example?subject=stop",
            Map.of());
    assertThat(channel(plain().build()).send(delivery("m1", email)))
        .isInstanceOf(Outcome.Sent.class);
    MimeMessage m = onlyMessage();
    assertThat(m.getHeader("List-Unsubscribe", null))
        .isEqualTo("<mailto:unsubscribe@shop.example?subject=stop>");
    assertThat(m.getHeader("List-Unsubscribe-Post")).isNull();
  }

  @Test
  void textAndHtmlGoAsMultipartAlternativeInUtf8WithThePreheaderHidden() throws Exception {
    Content.Email email =
        new Content.Email(
            "news@shop.example",
            null,
            "ann@example.com",
            "Spring sale",
            "Up to 50% off & free shipping",
            "<html><head></head><body class=\"x\"><h1>Sale</h1></body></html>",
            "Sale: up to 50% off",
            null,
            null,
            Map.of());
    channel(plain().build()).send(delivery("m1", email));

    MimeMessage m = onlyMessage();
    assertThat(m.getContentType()).startsWith("multipart/alternative");
    Multipart mp = (Multipart) m.getContent();
    assertThat(mp.getCount()).isEqualTo(2);
    Part text = mp.getBodyPart(0);
    Part html = mp.getBodyPart(1);
    assertThat(text.getContentType())
        .startsWith("text/plain")
        .containsIgnoringCase("charset=UTF-8");
    assertThat(html.getContentType()).startsWith("text/html").containsIgnoringCase("charset=UTF-8");
    assertThat(text.getContent()).isEqualTo("Sale: up to 50% off");
    assertThat((String) html.getContent())
        .isEqualTo(
            "<html><head></head><body class=\"x\">"
                + MessageRenderer.PREHEADER_OPEN
                + "Up to 50% off &amp; free shipping</div><h1>Sale</h1></body></html>");
    assertThat(m.getHeader("Preheader")).isNull();
  }

  @Test
  void htmlAloneIsASinglePartAndThePreheaderLeadsAFragment() throws Exception {
    Content.Email email =
        new Content.Email(
            "news@shop.example",
            null,
            "ann@example.com",
            "s",
            "Preview <here>",
            "<p>Body</p>",
            null,
            null,
            null,
            Map.of());
    channel(plain().build()).send(delivery("m1", email));
    MimeMessage m = onlyMessage();
    assertThat(m.getContentType()).startsWith("text/html").containsIgnoringCase("charset=UTF-8");
    assertThat(m.getContent())
        .isEqualTo(MessageRenderer.PREHEADER_OPEN + "Preview &lt;here&gt;</div><p>Body</p>");
  }

  @Test
  void persianAndEmojiRoundTripExactly() throws Exception {
    String subject = "سلام مریم، سبد خرید شما منتظر است 🛒🎉 " + "ویژه ".repeat(12);
    String text = "سلام مریم\nتخفیف ۵۰٪ تا پایان هفته 🌷\n";
    String html = "<html dir=\"rtl\"><body><p>سلام مریم 🌷</p></body></html>";
    Content.Email email =
        new Content.Email(
            "فروشگاه کایروس <news@shop.example>",
            null,
            "مریم <maryam@example.com>",
            subject,
            "پیش‌نمایش",
            html,
            text,
            null,
            null,
            Map.of());
    channel(plain().build()).send(delivery("fa-1", email));

    MimeMessage m = onlyMessage();
    assertThat(m.getSubject()).isEqualTo(subject);
    assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("فروشگاه کایروس");
    assertThat(((InternetAddress) m.getRecipients(MimeMessage.RecipientType.TO)[0]).getPersonal())
        .isEqualTo("مریم");
    Multipart mp = (Multipart) m.getContent();
    assertThat(mp.getBodyPart(0).getContent()).isEqualTo(text.replace("\n", "\r\n"));
    assertThat((String) mp.getBodyPart(1).getContent())
        .contains("<p>سلام مریم 🌷</p>")
        .contains(">پیش‌نمایش</div>");

    // On the wire everything is 7-bit: encoded words in headers, a transfer encoding in bodies.
    String raw = raw(m);
    assertThat(raw.chars().allMatch(c -> c < 128)).isTrue();
    assertThat(m.getHeader("Subject")[0]).contains("=?UTF-8?");
    assertThat(mp.getBodyPart(0).getHeader("Content-Transfer-Encoding")).containsExactly("base64");
  }

  @Test
  void emojiSubjectRoundTripsExactly() throws Exception {
    String subject = "🎉🔥 Flash sale: 👟 sneakers −40% 👩‍👩‍👧‍👦 family pack 🏳️‍🌈 ".repeat(3);
    Content.Email email =
        new Content.Email(
            "news@shop.example",
            null,
            "ann@example.com",
            subject,
            null,
            null,
            "t",
            null,
            null,
            Map.of());
    channel(plain().build()).send(delivery("emoji-1", email));
    assertThat(onlyMessage().getSubject()).isEqualTo(subject);
  }

  @Test
  void asciiTextWithLongLinesIsQuotedPrintable() throws Exception {
    String text = "word ".repeat(300) + "\n= sign and trailing space ";
    Content.Email email =
        new Content.Email(
            "news@shop.example",
            null,
            "ann@example.com",
            "s",
            null,
            null,
            text,
            null,
            null,
            Map.of());
    channel(plain().build()).send(delivery("qp-1", email));
    MimeMessage m = onlyMessage();
    assertThat(m.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
    assertThat(m.getContent()).isEqualTo(text.replace("\n", "\r\n"));
  }

  @Test
  void implicitTlsTrustsOnlyTheServersCertificate() throws Exception {
    SmtpSettings tls =
        plain().port(GREEN_MAIL.getSmtps().getPort()).security(SmtpSettings.Security.TLS).build();
    SmtpChannel trusting = new SmtpChannel(tls, Clock.systemUTC(), TestTls.trustingGreenMail());
    channels.add(trusting);

    assertThat(trusting.send(delivery("tls-1", email("ann@example.com"))))
        .isInstanceOf(Outcome.Sent.class);
    assertThat(onlyMessage().getMessageID()).isEqualTo("<tls-1@mail.kairos.test>");

    // With the JVM's own trust store the self-signed certificate is refused: nothing is sent.
    Outcome refused = channel(tls).send(delivery("tls-2", email("ann@example.com")));
    assertThat(refused).isInstanceOf(Outcome.Retry.class);
    assertThat(refused.detail()).contains("TLS failed");
    assertThat(GREEN_MAIL.getReceivedMessages()).hasSize(1);
  }

  @Test
  void credentialsAreSentWithAuthAndAWrongPasswordIsRetry() throws Exception {
    GREEN_MAIL.setUser("mailer@shop.example", "mailer", "s3cret");

    Outcome sent =
        channel(plain().credentials("mailer", "s3cret").build())
            .send(delivery("auth-1", email("ann@example.com")));
    Outcome refused =
        channel(plain().credentials("mailer", "wrong").build())
            .send(delivery("auth-2", email("ann@example.com")));

    assertThat(sent).isInstanceOf(Outcome.Sent.class);
    assertThat(refused).isInstanceOf(Outcome.Retry.class);
    assertThat(refused.detail()).contains("authentication failed");
    assertThat(onlyMessage().getMessageID()).isEqualTo("<auth-1@mail.kairos.test>");
  }

  @Test
  void manyMessagesThroughThePoolArriveOnceEach() throws Exception {
    SmtpChannel channel = channel(plain().poolSize(4).build());
    int count = 500;
    ExecutorService senders = Executors.newFixedThreadPool(8);
    try {
      List<Future<Outcome>> outcomes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String id = "bulk-" + i;
        outcomes.add(
            senders.submit(() -> channel.send(delivery(id, email("u" + id + "@example.com")))));
      }
      for (Future<Outcome> f : outcomes) {
        assertThat(f.get()).isInstanceOf(Outcome.Sent.class);
      }
    } finally {
      senders.shutdown();
    }
    assertThat(GREEN_MAIL.waitForIncomingEmail(10_000, count)).isTrue();
    List<String> ids = new ArrayList<>();
    for (MimeMessage m : GREEN_MAIL.getReceivedMessages()) {
      ids.add(m.getMessageID());
    }
    Set<String> expected =
        IntStream.range(0, count)
            .mapToObj(i -> "<bulk-" + i + "@mail.kairos.test>")
            .collect(Collectors.toSet());
    assertThat(ids).hasSize(count).doesNotHaveDuplicates();
    assertThat(Set.copyOf(ids)).isEqualTo(expected);
  }

  static String raw(MimeMessage m) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  static byte[] rawBytes(MimeMessage m) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    return out.toByteArray();
  }

  static String headerBlock(MimeMessage m) throws Exception {
    String raw = raw(m);
    return raw.substring(0, raw.indexOf("\r\n\r\n"));
  }

  static List<String> lines(String s) {
    return Arrays.asList(s.split("\r\n"));
  }
}
