package io.kairos.server.delivery;

import io.kairos.channel.Content;

/** Turns an outbox row into what its channel sends: addressed and rendered. */
interface Composer {

  /** The content for {@code m} to {@code r} at {@code now}. */
  Composed compose(OutboxMessage m, Recipient r, long now);

  /** What composing came to. */
  sealed interface Composed {
    /**
     * Ready to send.
     *
     * @param address where it goes, for the reports (an email address, a number, a URL)
     */
    record Ready(Content content, String address) implements Composed {}

    /** The recipient has no address for the channel: the message is skipped. */
    record NoAddress(String reason) implements Composed {}

    /** It cannot be made (no such template, a render error): the message fails for good. */
    record Broken(String reason) implements Composed {}
  }
}
