package io.kairos.channel.email;

import io.kairos.channel.Outcome;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * What an SMTP attempt came to, from the step it reached and the server's reply there.
 *
 * <table>
 *   <caption>SMTP answers and outcomes</caption>
 *   <tr><th>what happened</th><th>outcome</th></tr>
 *   <tr><td>250 after the message data</td><td>Sent (provider id: the queue id in the reply)</td></tr>
 *   <tr><td>no connection, greeting, EHLO, STARTTLS or AUTH failed</td><td>Retry</td></tr>
 *   <tr><td>4xx at MAIL, RCPT, DATA or after the data</td><td>Retry</td></tr>
 *   <tr><td>5xx at RCPT</td><td>Bounced</td></tr>
 *   <tr><td>5xx at MAIL, DATA or after the data</td><td>Failed</td></tr>
 *   <tr><td>connection lost or timed out before the final "."</td><td>Retry</td></tr>
 *   <tr><td>connection lost or timed out after the final "."</td><td>Ambiguous</td></tr>
 * </table>
 */
final class SmtpOutcomes {
  private static final int MAX_DETAIL = 300;
  private static final Pattern QUEUED_AS = Pattern.compile("(?i)\\bqueued as\\s+([^\\s;,]+)");
  private static final Pattern ID_EQUALS = Pattern.compile("(?i)\\bid=([^\\s;,]+)");
  // "250 Ok 0100018c..." (Amazon SES) or "250 2.0.0 Ok: <id>": a lone token after Ok.
  private static final Pattern OK_TOKEN =
      Pattern.compile("(?i)^\\d{3}[ -](?:\\d\\.\\d{1,3}\\.\\d{1,3}\\s+)?ok:?\\s+([^\\s;,]+)\\s*$");

  private SmtpOutcomes() {}

  /** The outcome of a message the server took with this final reply. */
  static Outcome.Sent sent(String finalReply) {
    String reply = oneLine(finalReply);
    return new Outcome.Sent(queueId(reply), "accepted: " + reply);
  }

  /** The server's queue id in a 250 reply, or null when the reply names none. */
  static String queueId(String reply) {
    if (reply == null) {
      return null;
    }
    Matcher m = QUEUED_AS.matcher(reply);
    if (m.find()) {
      return m.group(1);
    }
    m = ID_EQUALS.matcher(reply);
    if (m.find()) {
      return m.group(1);
    }
    m = OK_TOKEN.matcher(reply.strip());
    return m.matches() ? m.group(1) : null;
  }

  /** Connecting (TCP, greeting, EHLO, STARTTLS, AUTH) failed: nothing was sent, try again. */
  static Outcome connectFailed(SmtpSettings settings, Exception e) {
    String where = settings.host() + ":" + settings.port();
    String why;
    if (e instanceof AuthenticationFailedException) {
      why = "authentication failed (" + oneLine(e.getMessage()) + ")";
    } else if (cause(e, ConnectException.class) != null) {
      why = "connection refused";
    } else if (e instanceof MailConnectException
        && cause(e, SocketTimeoutException.class) != null) {
      why = "connect timed out after " + settings.connectTimeout().toMillis() + " ms";
    } else if (cause(e, SocketTimeoutException.class) != null) {
      why = "no reply within " + settings.readTimeout().toMillis() + " ms while connecting";
    } else if (cause(e, SSLException.class) != null) {
      why = "TLS failed (" + oneLine(cause(e, SSLException.class).getMessage()) + ")";
    } else {
      why = describe(e);
    }
    return new Outcome.Retry("SMTP " + where + ": " + why, null);
  }

  /** The outcome of a send that threw, from the step the transport had reached. */
  static Outcome sendFailed(PhasedTransport t, Exception e) {
    int code = t.phaseReplyCode();
    String reply = oneLine(t.phaseReply());
    PhasedTransport.Phase phase = t.phase();
    String step = step(phase);
    boolean replied = code >= 200 && code <= 599;
    return switch (phase) {
      case CONNECT -> new Outcome.Retry("SMTP connection: " + describe(e), null);
      case MAIL, RCPT, DATA -> {
        if (!replied) {
          yield new Outcome.Retry("connection lost at " + step + ": " + describe(e), null);
        } else if (code >= 400 && code < 500) {
          yield new Outcome.Retry(reply + " (at " + step + ")", null);
        } else if (code >= 500 && phase == PhasedTransport.Phase.RCPT) {
          yield new Outcome.Bounced(reply + " (at " + step + ")");
        } else {
          yield new Outcome.Failed(reply + " (at " + step + ")");
        }
      }
      case CONTENT ->
          // Without the final "." the server cannot have taken the message.
          new Outcome.Retry("connection lost while writing the message: " + describe(e), null);
      case END_OF_DATA -> {
        if (replied && code >= 400 && code < 500) {
          yield new Outcome.Retry(reply + " (after the message data)", null);
        } else if (replied && code >= 500) {
          yield new Outcome.Failed(reply + " (after the message data)");
        } else {
          yield new Outcome.Ambiguous(
              "no reply after the message data was sent ("
                  + describe(e)
                  + "); the server may have taken it");
        }
      }
    };
  }

  /**
   * Whether a send on a reused connection failed because the server had already dropped it: no
   * reply (or 421, closing) to MAIL FROM. Then nothing was sent and the message may go again at
   * once on a new connection.
   */
  static boolean isStaleConnection(PhasedTransport t) {
    if (t == null || t.phase() != PhasedTransport.Phase.MAIL) {
      return false;
    }
    int code = t.phaseReplyCode();
    return code < 200 || code == 421;
  }

  private static String step(PhasedTransport.Phase phase) {
    return switch (phase) {
      case CONNECT -> "connect";
      case MAIL -> "MAIL FROM";
      case RCPT -> "RCPT TO";
      case DATA -> "DATA";
      case CONTENT -> "message data";
      case END_OF_DATA -> "end of data";
    };
  }

  private static String describe(Throwable e) {
    if (cause(e, SocketTimeoutException.class) != null) {
      return "read timed out";
    }
    IOException io = cause(e, IOException.class);
    Throwable shown = io != null ? io : e;
    String message = shown.getMessage();
    return oneLine(
        shown.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip()));
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable c = e; c != null; c = next(c)) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static Throwable next(Throwable e) {
    Throwable c = e.getCause();
    if (c == null && e instanceof MessagingException m) {
      c = m.getNextException();
    }
    return c == e ? null : c;
  }

  static String oneLine(String s) {
    if (s == null) {
      return "(no reply)";
    }
    String line = s.strip().replaceAll("\\s*\\r?\\n\\s*", " / ");
    return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL) + "...";
  }
}
