package io.kairos.channel.email;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * An SMTP connection that remembers how far the current message got and the first reply in that
 * step. Whether a failure may be retried depends on exactly that: nothing is delivered before the
 * final "." of DATA, and after it only the server's reply says whether it was.
 */
final class PhasedTransport extends SMTPTransport {

  /** The step of the SMTP transaction the message is in. */
  enum Phase {
    /** Connecting: TCP, greeting, EHLO, STARTTLS, AUTH. */
    CONNECT,
    MAIL,
    RCPT,
    /** The DATA command, before the server's 354. */
    DATA,
    /** Writing the message; the server cannot take it before the final ".". */
    CONTENT,
    /** The final "." is written (or being written): the server may have taken the message. */
    END_OF_DATA
  }

  private Phase phase = Phase.CONNECT;
  private int phaseReplyCode = -1;
  private String phaseReply;

  PhasedTransport(Session session, URLName url) {
    super(session, url);
  }

  /** Starts a new message on this connection. */
  void beginMessage() {
    enter(Phase.MAIL);
  }

  void beginConnect() {
    enter(Phase.CONNECT);
  }

  Phase phase() {
    return phase;
  }

  /** The code of the first reply read in the current phase, or -1 when none came. */
  int phaseReplyCode() {
    return phaseReplyCode;
  }

  /** The text of that reply, or null. */
  String phaseReply() {
    return phaseReply;
  }

  private void enter(Phase next) {
    phase = next;
    phaseReplyCode = -1;
    phaseReply = null;
  }

  @Override
  protected void mailFrom() throws MessagingException {
    enter(Phase.MAIL);
    super.mailFrom();
  }

  @Override
  protected void rcptTo() throws MessagingException {
    enter(Phase.RCPT);
    super.rcptTo();
  }

  @Override
  protected OutputStream data() throws MessagingException {
    enter(Phase.DATA);
    OutputStream out = super.data();
    enter(Phase.CONTENT);
    return out;
  }

  @Override
  protected void finishData() throws IOException, MessagingException {
    enter(Phase.END_OF_DATA);
    super.finishData();
  }

  @Override
  protected int readServerResponse() throws MessagingException {
    int code = super.readServerResponse();
    // The first reply of a step is the server's answer to it; a later one answers our RSET.
    if (phaseReply == null) {
      phaseReplyCode = code;
      phaseReply = getLastServerResponse();
    }
    return code;
  }
}
