package io.kairos.channel.email;

import io.kairos.channel.Channel;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import javax.net.ssl.SSLSocketFactory;

/**
 * The {@code email} channel: sends each {@link Content.Email} over SMTP as one MIME message, on a
 * small pool of connections kept open across messages.
 *
 * <p>The message's {@code Message-ID} is {@code <delivery id@messageIdDomain>} on every attempt, so
 * a copy sent again after an {@link Outcome.Ambiguous} can be recognised by its id. What each SMTP
 * answer leads to is in {@link SmtpOutcomes}; docs/channels-email.md has the whole table.
 *
 * <p>Safe for many threads: each send takes one pooled connection for its duration.
 */
public final class SmtpChannel implements Channel {

  private final SmtpSettings settings;
  private final Clock clock;
  private final Session session;
  private final MessageRenderer renderer;
  private final SmtpConnections connections;
  private final ScheduledExecutorService writeTimeouts;

  /** A channel with these settings; connections are opened on the first sends. */
  public SmtpChannel(SmtpSettings settings) {
    this(settings, Clock.systemUTC());
  }

  /**
   * A channel that dates each message ({@code Date} header) by {@code clock} at the moment of the
   * attempt.
   */
  public SmtpChannel(SmtpSettings settings, Clock clock) {
    this(settings, clock, null);
  }

  /**
   * @param tlsSocketFactory the TLS sockets to use (tests trust their server's certificate with
   *     it), or null for the JVM's default trust store
   */
  SmtpChannel(SmtpSettings settings, Clock clock, SSLSocketFactory tlsSocketFactory) {
    this.settings = settings;
    this.clock = clock;
    DkimSigning dkim =
        settings.dkimEnabled()
            ? new DkimSigning(
                settings.dkimDomain(),
                settings.dkimSelector(),
                DkimKeys.parsePrivateKey(settings.dkimPrivateKeyPem()))
            : null;
    // One thread for the whole pool enforces write timeouts; without it Angus starts one per
    // connection.
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = Executors.defaultThreadFactory().newThread(r);
              t.setName("kairos-smtp-write-timeout");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    this.writeTimeouts = timer;
    this.session = Session.getInstance(sessionProperties(settings, tlsSocketFactory, timer));
    this.renderer = new MessageRenderer(session, settings.messageIdDomain(), dkim);
    this.connections = new SmtpConnections(session, settings);
  }

  private static Properties sessionProperties(
      SmtpSettings s, SSLSocketFactory tlsSocketFactory, ScheduledExecutorService timer) {
    Properties p = new Properties();
    p.put("mail.smtp.connectiontimeout", String.valueOf(s.connectTimeout().toMillis()));
    p.put("mail.smtp.timeout", String.valueOf(s.readTimeout().toMillis()));
    p.put("mail.smtp.writetimeout", String.valueOf(s.writeTimeout().toMillis()));
    p.put("mail.smtp.executor.writetimeout", timer);
    p.put("mail.smtp.localhost", s.effectiveHeloName());
    p.put("mail.smtp.auth", String.valueOf(s.username() != null));
    // On close, send QUIT but do not wait for the answer: a dead server would hold the thread.
    p.put("mail.smtp.quitwait", "false");
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    switch (s.security()) {
      case STARTTLS -> {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
      }
      case TLS -> p.put("mail.smtp.ssl.enable", "true");
      case NONE -> {}
    }
    p.put("mail.smtp.socketFactory", new NoDelaySockets.Plain());
    p.put(
        "mail.smtp.ssl.socketFactory",
        new NoDelaySockets.Tls(
            tlsSocketFactory != null
                ? tlsSocketFactory
                : (SSLSocketFactory) SSLSocketFactory.getDefault()));
    return p;
  }

  @Override
  public String name() {
    return "email";
  }

  /** The settings this channel was made with. */
  public SmtpSettings settings() {
    return settings;
  }

  @Override
  public Outcome send(Delivery delivery) {
    if (!(delivery.content() instanceof Content.Email email)) {
      return new Outcome.Failed(
          "the email channel cannot send "
              + delivery.content().getClass().getSimpleName()
              + " content");
    }
    MessageRenderer.Result result = renderer.render(delivery.id(), email, clock.instant());
    if (result instanceof MessageRenderer.Invalid invalid) {
      return new Outcome.Failed(invalid.reason());
    }
    MessageRenderer.Rendered rendered = (MessageRenderer.Rendered) result;
    SmtpConnections.Slot slot;
    try {
      slot = connections.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome.Retry("interrupted while waiting for an SMTP connection", null);
    }
    if (slot == null) {
      return new Outcome.Retry(
          "no SMTP connection free within "
              + connections.acquireTimeout().toSeconds()
              + " s (pool of "
              + settings.poolSize()
              + ") or the channel is closed",
          null);
    }
    try {
      return sendOn(slot, rendered);
    } finally {
      connections.release(slot);
    }
  }

  private Outcome sendOn(SmtpConnections.Slot slot, MessageRenderer.Rendered rendered) {
    boolean reused = connections.usable(slot);
    if (!reused) {
      Outcome failed = connect(slot);
      if (failed != null) {
        return failed;
      }
    }
    Outcome outcome = transmit(slot, rendered);
    if (reused && SmtpOutcomes.isStaleConnection(slot.transport())) {
      // The server had dropped the idle connection before MAIL FROM: nothing was sent, so the
      // message goes again at once on a new connection.
      Outcome failed = connect(slot);
      if (failed != null) {
        return failed;
      }
      outcome = transmit(slot, rendered);
    }
    return outcome;
  }

  /** Null when connected, else the outcome of the failed attempt. */
  private Outcome connect(SmtpConnections.Slot slot) {
    try {
      connections.connect(slot);
      return null;
    } catch (MessagingException | RuntimeException e) {
      connections.drop(slot);
      return SmtpOutcomes.connectFailed(settings, e);
    }
  }

  private Outcome transmit(SmtpConnections.Slot slot, MessageRenderer.Rendered rendered) {
    PhasedTransport transport = slot.transport();
    try {
      transport.beginMessage();
      transport.sendMessage(
          new WireMessage(session, rendered), new Address[] {rendered.recipient()});
      return SmtpOutcomes.sent(transport.phaseReply());
    } catch (MessagingException | RuntimeException e) {
      int code = transport.phaseReplyCode();
      if (code < 0 || code == 421) {
        // Lost, timed out or told "closing": the connection is of no further use. After any other
        // reply Angus has sent RSET, and the connection takes the next message.
        connections.drop(slot);
      }
      return SmtpOutcomes.sendFailed(transport, e);
    }
  }

  /** Closes every pooled connection; sends after this answer {@link Outcome.Retry}. */
  @Override
  public void close() {
    connections.close();
    writeTimeouts.shutdownNow();
  }
}
