package io.kairos.server.delivery;

import io.kairos.channel.Content;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Rate limits per provider ({@code delivery.provider_rates}), on top of each channel's: Firebase
 * and the Web Push services share the push lane, and every webhook endpoint is a provider of its
 * own, with its own capacity. Each provider's messages are paced: each takes the next free slot
 * ({@code 1 / rate} seconds after the previous one), and a message whose slot is in the future is
 * deferred to it, its slot kept for it. A backlog of a thousand messages to a provider limited to
 * ten a second is therefore spread over a hundred seconds, each message deferred once, rather than
 * all of them woken at every permit. The slots are kept in memory: after a restart a deferred
 * message takes a new one, later, which costs time, not correctness.
 */
final class ProviderLimits {
  /** The providers a rate can be set for; {@code webhook:<host>} names one endpoint's host. */
  static final String FCM = "fcm";

  static final String WEB_PUSH = "webpush";
  static final String WEBHOOK_PREFIX = "webhook:";

  /** One provider's pace: the interval between two messages and the next free slot (epoch ms). */
  private static final class Pace {
    final double intervalMillis;
    double next = Double.NEGATIVE_INFINITY;

    Pace(double perSecond) {
      this.intervalMillis = 1000.0 / perSecond;
    }
  }

  private final Map<String, Pace> paces = new HashMap<>();

  private static final int MAX_SLOTS = 100_000;

  /** Slots handed to deferred messages, by message id. */
  private final Map<String, Double> slots = new HashMap<>();

  ProviderLimits(Map<String, Double> rates) {
    rates.forEach((provider, rate) -> paces.put(provider, new Pace(rate)));
  }

  /** The provider that takes {@code content}, or null when no limit can name it. */
  static String provider(Content content) {
    if (content instanceof Content.Push p) {
      return p.target() instanceof Content.FcmToken ? FCM : WEB_PUSH;
    }
    if (content instanceof Content.Webhook w) {
      try {
        String host = URI.create(w.url()).getHost();
        return host == null ? null : WEBHOOK_PREFIX + host.toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        return null; // the channel refuses the URL itself, with its reason
      }
    }
    return null;
  }

  /**
   * Whether message {@code messageId} may go to the provider of {@code content} at {@code now}.
   *
   * @return 0 when it may (or the provider has no limit), else the epoch ms of its slot
   */
  long slot(Content content, String messageId, long now) {
    if (paces.isEmpty()) {
      return 0; // nothing on the way of an unlimited send: no URL parsed, no lock taken
    }
    String provider = provider(content);
    return provider == null ? 0 : limited(provider, messageId, now);
  }

  private synchronized long limited(String provider, String messageId, long now) {
    Pace pace = paces.get(provider);
    if (pace == null) {
      return 0;
    }
    if (slots.size() > MAX_SLOTS) {
      // Messages that never came back for their slot (erased, expired): forget the past ones.
      slots.values().removeIf(t -> t < now);
    }
    Double mine = slots.remove(messageId);
    if (mine == null) {
      mine = Math.max(now, pace.next);
      pace.next = mine + pace.intervalMillis;
    }
    if (mine <= now) {
      return 0;
    }
    slots.put(messageId, mine);
    return (long) Math.ceil(mine);
  }
}
