package io.kairos.server.delivery;

import io.kairos.channel.Outcome;

/** What one dispatch of an outbox row came to, before it is recorded. */
sealed interface Result {

  /** The channel was called. */
  record Attempted(Recipient recipient, String address, Outcome outcome) implements Result {}

  /** The send-time check or composing said no, for good. */
  record Skipped(Recipient recipient, String cause, String reason) implements Result {}

  /** The send-time check said not now (quiet hours). */
  record Deferred(Recipient recipient, long until, String reason) implements Result {}

  /** It cannot be made (a template error, no channel configured): it fails without an attempt. */
  record Broken(Recipient recipient, String reason) implements Result {}

  /** The profile was erased meanwhile: nothing is sent and nothing reported. */
  record Erased() implements Result {}

  /** The dispatcher itself failed (the store was unreachable): tried again later. */
  record Error(String reason) implements Result {}
}
