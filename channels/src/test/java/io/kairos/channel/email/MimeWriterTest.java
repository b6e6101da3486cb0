package io.kairos.channel.email;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The bytes MimeWriter writes are read back by Jakarta Mail's own parser as what was meant. */
class MimeWriterTest {
  private static final String BOUNDARY = "=_kairos_test";

  @Test
  void transferEncodingFollowsTheContent() {
    assertThat(encoding("plain ascii\r\nlines")).isEqualTo("7bit");
    assertThat(encoding("caf\u00e9 au lait, mostly ascii")).isEqualTo("quoted-printable");
    assertThat(encoding("\u0633\u0644\u0627\u0645 \u062f\u0646\u06cc\u0627")).isEqualTo("base64");
    assertThat(encoding("x".repeat(999))).isEqualTo("quoted-printable");
    assertThat(encoding("x".repeat(998) + "\r\n" + "y".repeat(998))).isEqualTo("7bit");
    // Plain text that happens to hold the boundary is encoded, where '=' becomes '=3D'.
    assertThat(encoding("see --" + BOUNDARY + " here")).isEqualTo("quoted-printable");
  }

  @Test
  void alternativeReadsBackPartByPart() throws Exception {
    String html = "<p dir=\"rtl\">\u0633\u0644\u0627\u0645 \ud83d\udc4b</p>\r\n";
    String text = "Hello --" + BOUNDARY + "\r\n.leading dot\r\n";
    byte[] bytes =
        MimeWriter.write(
            "<m-1@shop.example>",
            Instant.parse("2026-11-23T18:29:21Z"),
            new InternetAddress(
                "news@shop.example", "\u0641\u0631\u0648\u0634\u06af\u0627\u0647", "UTF-8"),
            new InternetAddress("ann@example.com"),
            null,
            "Your order \u2014 \ud83d\udce6",
            List.of(new MimeWriter.Field("X-Campaign", "spring")),
            html,
            text,
            BOUNDARY);
    MimeMessage m =
        new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
    assertThat(m.getSubject()).isEqualTo("Your order \u2014 \ud83d\udce6");
    assertThat(m.getHeader("Date", null)).isEqualTo("Mon, 23 Nov 2026 18:29:21 +0000");
    assertThat(m.getMessageID()).isEqualTo("<m-1@shop.example>");
    assertThat(((InternetAddress) m.getFrom()[0]).getPersonal())
        .isEqualTo("\u0641\u0631\u0648\u0634\u06af\u0627\u0647");
    assertThat(m.getHeader("X-Campaign", null)).isEqualTo("spring");
    MimeMultipart mp = (MimeMultipart) m.getContent();
    assertThat(mp.getCount()).isEqualTo(2);
    assertThat(mp.getBodyPart(0).getContentType()).isEqualTo("text/plain; charset=UTF-8");
    assertThat(mp.getBodyPart(0).getContent()).isEqualTo(text);
    assertThat(mp.getBodyPart(1).getContentType()).isEqualTo("text/html; charset=UTF-8");
    assertThat(mp.getBodyPart(1).getContent()).isEqualTo(html);
    // Every line of the message is CRLF-terminated and short enough for SMTP.
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r\n", -1)) {
      assertThat(line).doesNotContain("\n").doesNotContain("\r");
      assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(998);
    }
  }

  @Test
  void quotedPrintableRoundTripsAndKeepsLinesShort() throws Exception {
    java.util.Random random = new java.util.Random(7);
    String alphabet = "ab =\t.\u00e9\u20ac\ud83d\ude00\u0633-";
    for (int round = 0; round < 300; round++) {
      StringBuilder b = new StringBuilder();
      int len = random.nextInt(400);
      for (int i = 0; i < len; i++) {
        if (random.nextInt(40) == 0) {
          b.append("\r\n");
        } else {
          int c = alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(11)));
          b.appendCodePoint(c);
        }
      }
      byte[] utf8 = b.toString().getBytes(StandardCharsets.UTF_8);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      MimeWriter.quotedPrintable(utf8, out);
      String encoded = out.toString(StandardCharsets.US_ASCII);
      for (String line : encoded.split("\r\n", -1)) {
        assertThat(line.length()).isLessThanOrEqualTo(76);
        assertThat(line).doesNotEndWith(" ").doesNotEndWith("\t");
        assertThat(line.chars()).allMatch(ch -> ch >= 32 && ch < 127 || ch == '\t');
      }
      byte[] decoded =
          jakarta.mail.internet.MimeUtility.decode(
                  new ByteArrayInputStream(out.toByteArray()), "quoted-printable")
              .readAllBytes();
      assertThat(new String(decoded, StandardCharsets.UTF_8)).isEqualTo(b.toString());
    }
  }

  @Test
  void canonicalLineEnds() {
    assertThat(MessageRenderer.crlf("a\r\nb")).isEqualTo("a\r\nb");
    assertThat(MessageRenderer.crlf("a\nb\rc\r\nd\n")).isEqualTo("a\r\nb\r\nc\r\nd\r\n");
    assertThat(MessageRenderer.crlf("end\r")).isEqualTo("end\r\n");
    assertThat(MessageRenderer.crlf("")).isEmpty();
  }

  private static String encoding(String s) {
    return MimeWriter.encoding(s.getBytes(StandardCharsets.UTF_8), BOUNDARY);
  }
}
