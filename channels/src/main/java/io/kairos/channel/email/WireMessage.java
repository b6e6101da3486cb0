package io.kairos.channel.email;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * A message already rendered (and signed) to bytes. SMTP only asks it for its envelope sender and
 * to write itself; rendering before the connection is taken keeps the MIME and RSA work off the
 * pooled connections' time.
 */
final class WireMessage extends SMTPMessage {
  private final byte[] bytes;

  WireMessage(Session session, MessageRenderer.Rendered rendered) {
    super(session);
    this.bytes = rendered.bytes();
    setEnvelopeFrom(rendered.envelopeFrom().getAddress());
    // The bytes are final: nothing may re-save this message and change its Message-ID.
    this.saved = true;
  }

  @Override
  public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
    // SMTP's data stream turns line ends into CRLF and doubles leading dots.
    os.write(bytes);
  }

  @Override
  public void writeTo(OutputStream os) throws IOException, MessagingException {
    os.write(bytes);
  }
}
