package io.kairos.channel.email;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.time.Duration;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * A fixed number of SMTP connections, each used by one thread at a time and kept open across
 * messages. A connection is opened on first use, and again after it was lost or sat idle too long.
 */
final class SmtpConnections implements AutoCloseable {

  /**
   * A connection idle longer than this is closed before use rather than trusted: servers drop idle
   * clients after a few minutes (RFC 5321 suggests 5), and a half-open connection would cost a full
   * read timeout to notice.
   */
  static final Duration MAX_IDLE = Duration.ofSeconds(60);

  /** One place in the pool: a connection, or none yet. */
  static final class Slot {
    private PhasedTransport transport;
    private boolean open;
    private long lastUsedNanos;

    /** The connection; only meaningful while {@link #isOpen()}. */
    PhasedTransport transport() {
      return transport;
    }

    boolean isOpen() {
      return open;
    }
  }

  private final Session session;
  private final SmtpSettings settings;
  // Last in, first out: the most recently used connection goes next, so a light load keeps few
  // connections busy and the rest age out.
  private final BlockingDeque<Slot> idle;
  private final Duration acquireTimeout;
  private volatile boolean closed;

  SmtpConnections(Session session, SmtpSettings settings) {
    this.session = session;
    this.settings = settings;
    this.idle = new LinkedBlockingDeque<>(settings.poolSize());
    for (int i = 0; i < settings.poolSize(); i++) {
      idle.add(new Slot());
    }
    // Long enough for another thread to finish one attempt on a busy connection.
    this.acquireTimeout = settings.connectTimeout().plus(settings.readTimeout().multipliedBy(4));
  }

  /** A slot for this thread alone, or null when none freed up in time or the pool is closed. */
  Slot acquire() throws InterruptedException {
    if (closed) {
      return null;
    }
    Slot slot = idle.pollFirst(acquireTimeout.toMillis(), TimeUnit.MILLISECONDS);
    if (slot != null && closed) {
      release(slot);
      return null;
    }
    return slot;
  }

  Duration acquireTimeout() {
    return acquireTimeout;
  }

  void release(Slot slot) {
    slot.lastUsedNanos = System.nanoTime();
    if (closed) {
      drop(slot);
      return;
    }
    idle.addFirst(slot);
  }

  /** Whether the slot's connection may be used as it is. */
  boolean usable(Slot slot) {
    if (!slot.open) {
      return false;
    }
    if (System.nanoTime() - slot.lastUsedNanos > MAX_IDLE.toNanos()) {
      drop(slot);
      return false;
    }
    return true;
  }

  /** Opens a new connection in the slot; on failure the slot is left closed and it throws. */
  void connect(Slot slot) throws MessagingException {
    drop(slot);
    PhasedTransport t =
        new PhasedTransport(
            session, new URLName("smtp", settings.host(), settings.port(), null, null, null));
    slot.transport = t;
    t.beginConnect();
    t.connect(settings.host(), settings.port(), settings.username(), settings.password());
    slot.open = true;
    slot.lastUsedNanos = System.nanoTime();
  }

  /** Closes the slot's connection, if any, without waiting for the server. */
  void drop(Slot slot) {
    PhasedTransport t = slot.transport;
    slot.open = false;
    if (t != null) {
      try {
        t.close(); // QUIT without waiting for the reply (quitwait is off)
      } catch (MessagingException | RuntimeException ignored) {
        // the connection is gone either way
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Slot slot;
    while ((slot = idle.poll()) != null) {
      drop(slot);
    }
    // Slots in use are dropped when they come back (release).
  }
}
