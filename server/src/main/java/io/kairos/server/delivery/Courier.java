package io.kairos.server.delivery;

import io.kairos.channel.Channel;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.journey.Category;
import io.kairos.policy.Decision;
import io.kairos.policy.Message;
import io.kairos.policy.MessagePolicy;
import java.time.InstantSource;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one claimed outbox row to its channel: the recipient as committed now, the core's policies
 * once more ({@link MessagePolicy#atSendTime}), composing, and the channel's answer.
 */
final class Courier {
  private static final Logger log = LoggerFactory.getLogger(Courier.class);

  private final Recipients recipients;
  private final Composer composer;
  private final Function<String, Channel> channels;
  private final ProviderLimits limits;
  private final InstantSource clock;

  Courier(
      Recipients recipients,
      Composer composer,
      Function<String, Channel> channels,
      ProviderLimits limits,
      InstantSource clock) {
    this.recipients = recipients;
    this.composer = composer;
    this.channels = channels;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * @param attempt this attempt's number (the claim counted it)
   */
  Result deliver(OutboxMessage m, int attempt) {
    long now = clock.millis();
    Recipient r;
    try {
      r = recipients.load(m.workspace(), m.profile());
    } catch (RuntimeException e) {
      log.warn("message {}: cannot read its recipient: {}", m.messageId(), e.toString());
      return new Result.Error("cannot read the recipient: " + e.getMessage());
    }
    if (r == null) {
      return new Result.Erased();
    }
    if (m.expiresAt() != null && now > m.expiresAt()) {
      return new Result.Skipped(r, "expired", "expired before it could be sent");
    }
    if (!m.isWebhookStep()) {
      Category category =
          m.category() == null ? Category.TRANSACTIONAL : Category.fromWord(m.category());
      Message message =
          new Message(
              m.messageId(),
              m.channel(),
              category,
              m.topic(),
              m.createdAt(),
              m.expiresAt() == null ? Long.MAX_VALUE : m.expiresAt(),
              null);
      Decision d =
          new MessagePolicy(r.policies())
              .atSendTime(
                  message, new MessagePolicy.Recipient(r.profile(), r.consent(), r.zone()), now);
      if (d instanceof Decision.Skip s) {
        return new Result.Skipped(r, s.cause(), "at send time: " + s.reason());
      }
      if (d instanceof Decision.Defer df) {
        return new Result.Deferred(r, df.until(), "at send time: held by " + df.reason());
      }
    }
    Channel channel = channels.apply(m.channel());
    if (channel == null) {
      return new Result.Broken(
          r, "no " + m.channel() + " provider is configured (see docs/channels.md)");
    }
    Composer.Composed c;
    try {
      c = composer.compose(m, r, now);
    } catch (RuntimeException e) {
      log.error("message {}: composing failed", m.messageId(), e);
      return new Result.Broken(r, "composing failed: " + e);
    }
    if (c instanceof Composer.Composed.NoAddress na) {
      return new Result.Skipped(r, "no_address", na.reason());
    }
    if (c instanceof Composer.Composed.Broken b) {
      return new Result.Broken(r, b.reason());
    }
    Composer.Composed.Ready ready = (Composer.Composed.Ready) c;
    long slot = limits.slot(ready.content(), m.messageId(), now);
    if (slot > 0) {
      // Not an attempt the provider saw: the row waits for its slot, like quiet hours.
      return new Result.Deferred(
          r,
          slot,
          "the rate limit of "
              + ProviderLimits.provider(ready.content())
              + " (delivery.provider_rates)");
    }
    Outcome o;
    try {
      o =
          channel.send(
              new Delivery(m.messageId(), m.workspace(), r.profileId(), attempt, ready.content()));
    } catch (RuntimeException e) {
      // An adapter bug, not an answer: whether the provider got the message is unknown.
      log.error("message {}: the {} channel failed", m.messageId(), m.channel(), e);
      o = new Outcome.Ambiguous("the channel failed: " + e);
    }
    if (o instanceof Outcome.Ambiguous a) {
      log.warn(
          "message {} attempt {}: result unknown ({}); it will be retried with the same id",
          m.messageId(),
          attempt,
          a.detail());
    }
    return new Result.Attempted(r, ready.address(), o);
  }
}
