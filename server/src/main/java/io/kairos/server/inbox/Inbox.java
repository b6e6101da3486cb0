package io.kairos.server.inbox;

import io.kairos.channel.Channel;
import io.kairos.server.Capability;
import io.kairos.server.http.Authenticator;
import io.kairos.server.ingest.EventLog;
import io.kairos.server.store.Database;
import io.kairos.server.store.StoredSecrets;
import java.time.Duration;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-app inbox of a server: the {@code inbox} channel the dispatcher sends through, and the API
 * (lists, read state, tokens, live streams) that reads what it stored. See docs/channels.md.
 */
public final class Inbox {
  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  /** How often an idle stream gets a comment (keeps proxies from closing it, finds dead ones). */
  public static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final InboxChannel channel;
  private final InboxApi api;
  private final InboxHub hub;

  private Inbox(InboxChannel channel, InboxApi api, InboxHub hub) {
    this.channel = channel;
    this.api = api;
    this.hub = hub;
  }

  /**
   * The inbox over {@code db}. Its token key is generated on first use and kept in the store
   * ({@code settings} table, key {@code inbox_token_key}).
   */
  public static Inbox create(
      Database db, EventLog eventLog, Authenticator auth, InstantSource clock, Duration heartbeat) {
    InboxStore store = new InboxStore(db);
    StoredSecrets.Secret key = StoredSecrets.get(db, "inbox_token_key", InboxTokens::newKey);
    if (key.created()) {
      log.info(
          "inbox: generated the key that signs inbox tokens (settings table, inbox_token_key)");
    }
    // The first number after every stored one, and after any number handed out before a restart
    // whose rows were erased since: the clock in microseconds (a client that reconnects with an
    // old id never misses a later change).
    long first = Math.max(store.maxSeq(), clock.millis() * 1000);
    InboxHub hub = new InboxHub(store, first, heartbeat);
    InboxApi api =
        new InboxApi(db, store, hub, InboxTokens.fromStored(key.value()), eventLog, auth, clock);
    return new Inbox(new InboxChannel(store, hub, clock), api, hub);
  }

  /** The {@code inbox} channel. */
  public Channel channel() {
    return channel;
  }

  /** The API; it closes the open streams when the server stops. */
  public Capability api() {
    return api;
  }

  /** Streams open now. */
  public int openStreams() {
    return hub.open();
  }
}
