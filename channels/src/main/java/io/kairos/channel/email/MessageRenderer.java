package io.kairos.channel.email;

import io.kairos.channel.Content;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one {@link Content.Email} into the bytes that go after SMTP {@code DATA}: headers, the MIME
 * structure, the preheader and, when configured, the DKIM signature. Everything that can be wrong
 * with the content is found here, before any connection is taken.
 */
final class MessageRenderer {

  static final String CHARSET = "UTF-8";

  static {
    // Jakarta Mail 2.1 finds its StreamProvider through a ServiceLoader scan of the class path on
    // every MIME part and every encoding (jakartaee/mail-api issues 699 and 861): about 0.7 ms of a
    // message's 0.8 ms here. Naming the provider, the one that ServiceLoader finds anyway, turns
    // that into a load by name. Left alone when the application has chosen one.
    String key = "jakarta.mail.util.StreamProvider";
    if (System.getProperty(key) == null) {
      System.setProperty(key, "org.eclipse.angus.mail.util.MailStreamProvider");
    }
  }

  /**
   * The hidden preview text: most clients show the first text of the HTML body after the subject,
   * and this keeps it out of the rendered message. The styles cover Gmail, Apple Mail and Outlook
   * (mso-hide).
   */
  static final String PREHEADER_OPEN =
      "<div style=\"display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;"
          + "opacity:0;overflow:hidden;mso-hide:all;\">";

  private static final Pattern BODY_OPEN = Pattern.compile("(?i)<body\\b[^>]*>");
  // RFC 5322 dot-atom-text: what may stand left of the '@' in a Message-ID without quoting.
  private static final Pattern DOT_ATOM =
      Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
  private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");

  /** Headers the channel writes itself; content may not set them. */
  private static final Set<String> OWN_HEADERS =
      Set.of(
          "message-id",
          "date",
          "from",
          "sender",
          "to",
          "cc",
          "bcc",
          "reply-to",
          "subject",
          "mime-version",
          "content-type",
          "content-transfer-encoding",
          "list-unsubscribe",
          "list-unsubscribe-post",
          "dkim-signature",
          "return-path",
          "received");

  /** What rendering came to. */
  sealed interface Result {}

  /**
   * A message ready to send.
   *
   * @param bytes the message as written after DATA (line ends are made CRLF on the way)
   * @param envelopeFrom the {@code MAIL FROM} address
   * @param recipient the {@code RCPT TO} address
   */
  record Rendered(byte[] bytes, InternetAddress envelopeFrom, InternetAddress recipient)
      implements Result {}

  /** The content cannot be sent as it is; sending it again will not help. */
  record Invalid(String reason) implements Result {}

  private final Session session;
  private final String messageIdDomain;
  private final DkimSigning dkim;

  /**
   * @param dkim the signer, or null to send unsigned
   */
  MessageRenderer(Session session, String messageIdDomain, DkimSigning dkim) {
    this.session = session;
    this.messageIdDomain = messageIdDomain;
    this.dkim = dkim;
  }

  /** The {@code Message-ID} of the delivery with this id: the same on every attempt. */
  String messageId(String deliveryId) {
    return "<" + deliveryId + "@" + messageIdDomain + ">";
  }

  Result render(String deliveryId, Content.Email email, Instant date) {
    if (!DOT_ATOM.matcher(deliveryId).matches()) {
      return new Invalid(
          "delivery id '" + deliveryId + "' cannot stand in a Message-ID (RFC 5322 dot-atom)");
    }
    if (email.html() == null && email.text() == null) {
      return new Invalid("email has neither html nor text");
    }
    try {
      InternetAddress from = sender(email.from());
      InternetAddress to = address("to", email.to());
      InternetAddress replyTo =
          email.replyTo() == null ? null : address("replyTo", email.replyTo());

      String subject = email.subject();
      if (subject != null) {
        noLineBreaks("subject", subject);
      }
      List<MimeWriter.Field> fields = new ArrayList<>(4);
      String listUnsubscribe = listUnsubscribe(email);
      if (listUnsubscribe != null) {
        fields.add(new MimeWriter.Field("List-Unsubscribe", MimeUtility.fold(18, listUnsubscribe)));
        if (email.unsubscribeUrl() != null) {
          fields.add(new MimeWriter.Field("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
        }
      }
      if (email.headers() != null) {
        for (Map.Entry<String, String> h : email.headers().entrySet()) {
          fields.add(extraHeader(h.getKey(), h.getValue()));
        }
      }
      String html =
          email.html() == null ? null : crlf(withPreheader(email.html(), email.preheader()));
      String plain = email.text() == null ? null : crlf(email.text());
      byte[] bytes =
          MimeWriter.write(
              messageId(deliveryId),
              date,
              from,
              to,
              replyTo,
              subject,
              fields,
              html,
              plain,
              boundary(deliveryId));
      if (dkim != null) {
        bytes = dkim.sign(new MimeMessage(session, new ByteArrayInputStream(bytes)));
      }
      return new Rendered(bytes, from, to);
    } catch (BadContent e) {
      return new Invalid(e.getMessage());
    } catch (MessagingException | IOException | RuntimeException e) {
      return new Invalid("cannot build the message: " + e);
    }
  }

  /**
   * Text in MIME's canonical form (RFC 2046 4.1.1): lines end in CRLF, also inside base64, where
   * the SMTP data stream cannot fix them.
   */
  static String crlf(String s) {
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 == n || s.charAt(i + 1) != '\n'))) {
        break;
      }
      i += c == '\r' ? 2 : 1;
    }
    if (i >= n) {
      return s; // already canonical: the common case costs one scan and no copy
    }
    StringBuilder out = new StringBuilder(n + 64).append(s, 0, i);
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\r') {
        out.append("\r\n");
        if (i + 1 < n && s.charAt(i + 1) == '\n') {
          i++;
        }
      } else if (c == '\n') {
        out.append("\r\n");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The HTML with the hidden preheader right after {@code <body>}, or at its start. */
  static String withPreheader(String html, String preheader) {
    if (preheader == null || preheader.isEmpty()) {
      return html;
    }
    String div = PREHEADER_OPEN + escapeHtml(preheader) + "</div>";
    Matcher body = BODY_OPEN.matcher(html);
    if (body.find()) {
      return html.substring(0, body.end()) + div + html.substring(body.end());
    }
    return div + html;
  }

  private static String listUnsubscribe(Content.Email email) throws BadContent {
    StringBuilder value = new StringBuilder();
    if (email.unsubscribeUrl() != null) {
      String url = email.unsubscribeUrl().strip();
      noLineBreaks("unsubscribeUrl", url);
      if (!url.regionMatches(true, 0, "https://", 0, 8) || url.length() == 8) {
        throw new BadContent(
            "unsubscribeUrl: must be an https:// URL (RFC 8058 one-click), got '" + url + "'");
      }
      if (url.indexOf('<') >= 0 || url.indexOf('>') >= 0 || url.indexOf(' ') >= 0) {
        throw new BadContent("unsubscribeUrl: must not contain '<', '>' or spaces");
      }
      value.append('<').append(url).append('>');
    }
    if (email.unsubscribeMailto() != null) {
      String mailto = email.unsubscribeMailto().strip();
      noLineBreaks("unsubscribeMailto", mailto);
      if (!mailto.regionMatches(true, 0, "mailto:", 0, 7)) {
        mailto = "mailto:" + mailto;
      }
      if (mailto.indexOf('@') < 0
          || mailto.indexOf('<') >= 0
          || mailto.indexOf('>') >= 0
          || mailto.indexOf(' ') >= 0) {
        throw new BadContent(
            "unsubscribeMailto: must be an address or a mailto: URI, got '"
                + email.unsubscribeMailto()
                + "'");
      }
      if (!value.isEmpty()) {
        value.append(", ");
      }
      value.append('<').append(mailto).append('>');
    }
    return value.isEmpty() ? null : value.toString();
  }

  private static MimeWriter.Field extraHeader(String name, String value) throws BadContent {
    if (name == null || !FIELD_NAME.matcher(name).matches()) {
      throw new BadContent("headers: '" + name + "' is not a header name");
    }
    if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      throw new BadContent(
          "headers: " + name + " is set by the email channel itself and cannot be given");
    }
    if (value == null) {
      throw new BadContent("headers: " + name + " has no value");
    }
    noLineBreaks("headers." + name, value);
    return new MimeWriter.Field(
        name, MimeUtility.fold(name.length() + 2, MimeWriter.encodeText(value)));
  }

  /**
   * The multipart boundary: the same for every attempt of a delivery (so a DKIM signature of a
   * retry matches), made of characters a boundary may hold. {@code =_} cannot occur in
   * quoted-printable or base64 text, and a 7bit part is checked for it.
   */
  private static String boundary(String deliveryId) {
    return "=_kairos_"
        + UUID.nameUUIDFromBytes(deliveryId.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private record Sender(String text, InternetAddress address) {}

  /** The sender is the same on every message of a channel: parsed once, not per message. */
  private volatile Sender lastSender = new Sender(null, null);

  private InternetAddress sender(String value) throws BadContent {
    Sender s = lastSender;
    if (value == null || !value.equals(s.text())) {
      s = new Sender(value, address("from", value));
      lastSender = s;
    }
    return s.address();
  }

  private static InternetAddress address(String field, String value) throws BadContent {
    if (value == null || value.isBlank()) {
      throw new BadContent(field + ": required");
    }
    noLineBreaks(field, value);
    InternetAddress[] parsed;
    try {
      parsed = InternetAddress.parse(value, true);
      if (parsed.length != 1) {
        throw new BadContent(field + ": must be exactly one address, got '" + value + "'");
      }
      parsed[0].validate();
      if (parsed[0].isGroup() || parsed[0].getAddress().indexOf('@') < 1) {
        throw new BadContent(field + ": '" + value + "' is not an address");
      }
    } catch (AddressException e) {
      throw new BadContent(field + ": '" + value + "' is not a valid address (" + e + ")");
    }
    InternetAddress a = parsed[0];
    if (a.getPersonal() == null) {
      return a;
    }
    try {
      // Re-made so the display name is RFC 2047-encoded as UTF-8, whatever the JVM's charset.
      return new InternetAddress(a.getAddress(), a.getPersonal(), CHARSET);
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void noLineBreaks(String field, String value) throws BadContent {
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new BadContent(field + ": must not contain line breaks");
    }
  }

  static String escapeHtml(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Content that cannot be sent; the message names the field. */
  private static final class BadContent extends Exception {
    private static final long serialVersionUID = 1L;

    BadContent(String message) {
      super(message, null, false, false);
    }
  }
}
