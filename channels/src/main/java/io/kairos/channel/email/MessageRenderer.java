package io.kairos.channel.email;

import io.kairos.channel.Content;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

  private static final Pattern LINE_END = Pattern.compile("\\r\\n|\\r|\\n");
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
      InternetAddress from = address("from", email.from());
      InternetAddress to = address("to", email.to());
      InternetAddress replyTo =
          email.replyTo() == null ? null : address("replyTo", email.replyTo());

      MimeMessage message = new FixedIdMessage(session, messageId(deliveryId));
      message.setFrom(from);
      message.setRecipient(MimeMessage.RecipientType.TO, to);
      if (replyTo != null) {
        message.setReplyTo(new InternetAddress[] {replyTo});
      }
      if (email.subject() != null) {
        noLineBreaks("subject", email.subject());
        message.setSubject(email.subject(), CHARSET);
      }
      message.setSentDate(Date.from(date));
      String listUnsubscribe = listUnsubscribe(email);
      if (listUnsubscribe != null) {
        message.setHeader("List-Unsubscribe", MimeUtility.fold(18, listUnsubscribe));
        if (email.unsubscribeUrl() != null) {
          message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
      }
      if (email.headers() != null) {
        for (Map.Entry<String, String> h : email.headers().entrySet()) {
          addExtraHeader(message, h.getKey(), h.getValue());
        }
      }
      setBody(message, email);
      message.saveChanges();

      byte[] bytes;
      if (dkim != null) {
        bytes = dkim.sign(message);
      } else {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        message.writeTo(out);
        bytes = out.toByteArray();
      }
      return new Rendered(bytes, from, to);
    } catch (BadContent e) {
      return new Invalid(e.getMessage());
    } catch (MessagingException | IOException | RuntimeException e) {
      return new Invalid("cannot build the message: " + e);
    }
  }

  private static void setBody(MimeMessage message, Content.Email email) throws MessagingException {
    String html =
        email.html() == null ? null : crlf(withPreheader(email.html(), email.preheader()));
    String plain = email.text() == null ? null : crlf(email.text());
    if (html != null && plain != null) {
      // multipart/alternative lists the plainest part first; clients show the last they can.
      MimeMultipart alternative = new MimeMultipart("alternative");
      MimeBodyPart text = new MimeBodyPart();
      text.setText(plain, CHARSET, "plain");
      MimeBodyPart htmlPart = new MimeBodyPart();
      htmlPart.setText(html, CHARSET, "html");
      alternative.addBodyPart(text);
      alternative.addBodyPart(htmlPart);
      message.setContent(alternative);
    } else if (html != null) {
      message.setText(html, CHARSET, "html");
    } else {
      message.setText(plain, CHARSET, "plain");
    }
  }

  /**
   * Text in MIME's canonical form (RFC 2046 4.1.1): lines end in CRLF, also inside base64, where
   * the SMTP data stream cannot fix them.
   */
  private static String crlf(String s) {
    return LINE_END.matcher(s).replaceAll("\r\n");
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

  private static void addExtraHeader(MimeMessage message, String name, String value)
      throws MessagingException, BadContent {
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
    String encoded;
    try {
      encoded = MimeUtility.encodeText(value, CHARSET, null);
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
    message.addHeader(name, MimeUtility.fold(name.length() + 2, encoded));
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

  /** A message whose Message-ID stays what Kairos chose, through every save. */
  private static final class FixedIdMessage extends MimeMessage {
    private final String messageId;

    FixedIdMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      // JavaMail would make a new random id on every save; the id is what makes a retry
      // recognisable, so it never changes.
      setHeader("Message-ID", messageId);
    }
  }
}
