package io.kairos.server.inbox;

import io.kairos.channel.Channel;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code inbox} channel: puts a message in the profile's inbox ({@code inbox} table) in a
 * transaction of its own, then tells the profile's open streams.
 *
 * <p>Never twice: the row's key is the message id, and the insert does nothing when the row is
 * there. A crash after the insert and before the dispatcher recorded {@code Sent} leaves the outbox
 * row {@code sending}; the next start retries it with the same id, the insert is ignored, and the
 * message is recorded {@code Sent} once, with one row in the inbox.
 */
final class InboxChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(InboxChannel.class);

  private final InboxStore store;
  private final InboxHub hub;
  private final InstantSource clock;

  InboxChannel(InboxStore store, InboxHub hub, InstantSource clock) {
    this.store = store;
    this.hub = hub;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "inbox";
  }

  @Override
  public Outcome send(Delivery d) {
    if (!(d.content() instanceof Content.Inbox c)) {
      return new Outcome.Failed("the inbox channel takes inbox content, not " + d.content());
    }
    if (d.profile() == null || d.workspace() == null) {
      return new Outcome.Failed("an inbox message needs a stored profile to go to");
    }
    if (c.title() == null && c.body() == null) {
      return new Outcome.Failed("an inbox message needs a title or a body");
    }
    InboxHub.Key key = new InboxHub.Key(d.workspace(), d.profile());
    try {
      boolean inserted =
          hub.locked(
              key,
              () -> {
                long seq = hub.nextSeq();
                InboxMessage m =
                    new InboxMessage(
                        d.workspace(),
                        d.id(),
                        d.profile(),
                        c.journey(),
                        c.template(),
                        c.category(),
                        c.topic(),
                        c.title(),
                        c.body(),
                        c.url(),
                        c.imageUrl(),
                        c.data() == null ? "{}" : c.data(),
                        clock.millis(),
                        null,
                        null,
                        seq,
                        seq);
                boolean added = store.insert(m);
                if (added) {
                  hub.publish(key, List.of(m), "message");
                }
                return added;
              });
      return new Outcome.Sent(
          null,
          inserted
              ? "in the inbox"
              : "in the inbox already (an earlier attempt of the same message put it there)");
    } catch (RuntimeException e) {
      // Whether the insert committed is unknown: a retry with the same id is harmless.
      log.warn("inbox: message {} not stored: {}", d.id(), e.toString());
      return new Outcome.Ambiguous("the inbox store failed: " + e.getMessage());
    }
  }
}
