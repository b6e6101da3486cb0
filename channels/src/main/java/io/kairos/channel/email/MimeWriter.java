package io.kairos.channel.email;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Writes the bytes of an email: the header fields, then one text part or a {@code
 * multipart/alternative} of a plain and an HTML part, each in UTF-8 with the transfer encoding
 * Jakarta Mail would choose. Building a Jakarta {@code MimeMessage} and serialising it cost about
 * 40% of the CPU of sending a rendered email (content-type parsing, activation handlers, header
 * scans on every set); this writes the same structure directly, with Jakarta Mail's own encoders
 * for header words and quoted-printable.
 */
final class MimeWriter {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** RFC 5322's limit on a line, without its CRLF. */
  private static final int MAX_LINE = 998;

  private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'});

  private record Stamp(long second, String text) {}

  /** Most messages of a busy second share their Date; formatting it is not free. */
  private static volatile Stamp lastDate = new Stamp(Long.MIN_VALUE, null);

  static String date(Instant t) {
    Stamp s = lastDate;
    if (s.second() != t.getEpochSecond()) {
      s = new Stamp(t.getEpochSecond(), DATE.format(t));
      lastDate = s;
    }
    return s.text();
  }

  /** A header field the caller adds, its value already encoded and folded. */
  record Field(String name, String value) {}

  private MimeWriter() {}

  /**
   * The message. {@code html} and {@code text} are in canonical form (CRLF line ends); at least one
   * is given.
   *
   * @param boundary the multipart boundary, unique to this message (it must not occur in either
   *     part: a part that contains it is sent encoded, where it cannot occur)
   */
  static byte[] write(
      String messageId,
      Instant date,
      InternetAddress from,
      InternetAddress to,
      InternetAddress replyTo,
      String subject,
      List<Field> fields,
      String html,
      String text,
      String boundary) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(
            1024 + 2 * ((html == null ? 0 : html.length()) + (text == null ? 0 : text.length())));
    field(out, "Date", date(date));
    field(out, "From", MimeUtility.fold(6, from.toString()));
    if (replyTo != null) {
      field(out, "Reply-To", MimeUtility.fold(10, replyTo.toString()));
    }
    field(out, "To", MimeUtility.fold(4, to.toString()));
    field(out, "Message-ID", messageId);
    if (subject != null) {
      field(out, "Subject", MimeUtility.fold(9, encodeText(subject)));
    }
    for (Field f : fields) {
      field(out, f.name(), f.value());
    }
    field(out, "MIME-Version", "1.0");
    if (html != null && text != null) {
      // multipart/alternative lists the plainest part first; clients show the last they can.
      field(out, "Content-Type", "multipart/alternative; \r\n\tboundary=\"" + boundary + "\"");
      text(out, "\r\n");
      text(out, "--" + boundary + "\r\n");
      part(out, "plain", text, boundary);
      text(out, "\r\n--" + boundary + "\r\n");
      part(out, "html", html, boundary);
      text(out, "\r\n--" + boundary + "--\r\n");
    } else if (html != null) {
      part(out, "html", html, boundary);
    } else {
      part(out, "plain", text, boundary);
    }
    return out.toByteArray();
  }

  /** A part's own header fields, a blank line and its encoded body. */
  private static void part(
      ByteArrayOutputStream out, String subtype, String body, String boundary) {
    byte[] utf8 = body.getBytes(StandardCharsets.UTF_8);
    String encoding = encoding(utf8, boundary);
    field(out, "Content-Type", "text/" + subtype + "; charset=UTF-8");
    field(out, "Content-Transfer-Encoding", encoding);
    text(out, "\r\n");
    switch (encoding) {
      case "7bit" -> out.writeBytes(utf8);
      case "base64" -> out.writeBytes(BASE64.encode(utf8));
      default -> quotedPrintable(utf8, out);
    }
  }

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /** RFC 2045's limit on an encoded line, the soft break's '=' included. */
  private static final int QP_LINE = 76;

  /**
   * Quoted-printable (RFC 2045 6.7) of text in canonical form: CRLF stays a line break, every other
   * byte outside printable ASCII, '=', and a space or tab before a line break become =XX, and lines
   * longer than 76 characters get soft breaks. (Jakarta Mail's encoder stream does the same a byte
   * per call, which showed in the profile.)
   */
  static void quotedPrintable(byte[] in, ByteArrayOutputStream out) {
    int n = in.length;
    // At worst every byte is =XX, plus a soft break every 25 of them.
    byte[] buf = new byte[n * 3 + (n / 25 + 1) * 3];
    int o = 0;
    int col = 0;
    for (int i = 0; i < n; i++) {
      int b = in[i] & 0xff;
      if (b == '\r' && i + 1 < n && in[i + 1] == '\n') {
        buf[o++] = '\r';
        buf[o++] = '\n';
        i++;
        col = 0;
        continue;
      }
      boolean lineEndsNext = i + 1 == n || (in[i + 1] == '\r' && i + 2 < n && in[i + 2] == '\n');
      boolean literal =
          (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !lineEndsNext);
      int width = literal ? 1 : 3;
      // Room for this character and, unless the line ends right after it, a soft break's '='.
      if (col + width > (lineEndsNext ? QP_LINE : QP_LINE - 1)) {
        buf[o++] = '=';
        buf[o++] = '\r';
        buf[o++] = '\n';
        col = 0;
      }
      if (literal) {
        buf[o++] = (byte) b;
      } else {
        buf[o++] = '=';
        buf[o++] = HEX[b >> 4];
        buf[o++] = HEX[b & 0xf];
      }
      col += width;
    }
    out.write(buf, 0, o);
  }

  /**
   * Jakarta Mail's rule for text: 7bit when every byte is ASCII and every line fits, base64 when
   * most bytes are not ASCII, else quoted-printable. A body containing the boundary is encoded.
   */
  static String encoding(byte[] utf8, String boundary) {
    int nonAscii = 0;
    int line = 0;
    boolean longLine = false;
    for (byte b : utf8) {
      if (b < 0 || b == 0) {
        nonAscii++;
      }
      if (b == '\n') {
        line = 0;
      } else if (b != '\r' && ++line > MAX_LINE) {
        longLine = true;
      }
    }
    if (nonAscii == 0) {
      boolean bare = !longLine && !containsAscii(utf8, boundary);
      return bare ? "7bit" : "quoted-printable";
    }
    return nonAscii > utf8.length - nonAscii ? "base64" : "quoted-printable";
  }

  private static boolean containsAscii(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  static String encodeText(String value) {
    try {
      return MimeUtility.encodeText(value, MessageRenderer.CHARSET, null);
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void field(ByteArrayOutputStream out, String name, String value) {
    text(out, name);
    text(out, ": ");
    text(out, value);
    text(out, "\r\n");
  }

  /** Header values are ASCII once encoded (RFC 2047 words), but an address may be UTF-8. */
  private static void text(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
