package io.kairos.policy;

import io.kairos.profile.Profile;
import io.kairos.time.Timestamps;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides, for one candidate message at one moment, whether it goes now, waits, or never goes. Pure
 * and stateless: the engine asks it when a send step runs and again when a deferred message is due,
 * and a dispatcher can ask it once more at send time.
 *
 * <p>The order of the rules:
 *
 * <ol>
 *   <li>address: the channel's address trait is missing → skip ({@code no_address}); every
 *       category;
 *   <li>suppression: the address hard-bounced → skip ({@code suppressed}); every category;
 *   <li>transactional messages go now: no consent, quiet hours, caps or gaps;
 *   <li>consent: any covering scope unsubscribed → skip ({@code unsubscribed}); an {@code opt_in}
 *       channel without an opt-in → skip ({@code not_opted_in});
 *   <li>timing: the earliest moment at or after now outside the channel's quiet hours, at least
 *       {@code min_gap} after the last marketing message (across channels, and on the channel), and
 *       under every cap. Each rule alone gives the earliest moment it allows; applying them in turn
 *       until none moves the moment (a fixpoint) gives the earliest moment all allow at once;
 *   <li>expiry: when that moment is after the message's expiry → skip ({@code expired}); when it is
 *       now → send; otherwise defer until it.
 * </ol>
 */
public final class MessagePolicy {

  /** Where each channel's address lives unless the policies say otherwise. */
  public static final Map<String, String> DEFAULT_ADDRESSES =
      Map.of("email", "email", "sms", "phone", "push", "push_token");

  /** Rounds of the fixpoint before giving up; each round moves forward, a handful suffice. */
  static final int MAX_ROUNDS = 1_000;

  private final Policies policies;

  public MessagePolicy(Policies policies) {
    this.policies = policies;
  }

  public Policies policies() {
    return policies;
  }

  /**
   * Who the message is for.
   *
   * @param consent the profile's consent, or null when it never said anything
   * @param zone the profile's time zone, or the fallback zone when it is unknown
   */
  public record Recipient(Profile profile, Consent consent, ZoneId zone) {}

  /**
   * The decision for {@code m} at {@code now}.
   *
   * @param history the profile's recent marketing sends; null when none are kept
   */
  public Decision decide(Message m, Recipient r, SendLog history, long now) {
    String channel = m.channel();
    ChannelPolicy cp = policies.channel(channel);
    String address = null;
    if (cp.address() != null) {
      address = text(r.profile().trait(cp.address()));
      if (address == null) {
        return new Decision.Skip(
            "no_address",
            "no " + channel + " address: the profile has no '" + cp.address() + "' trait");
      }
    }
    Consent consent = r.consent();
    if (consent != null) {
      Consent.Bounce b = consent.bounce(channel);
      if (b != null) {
        String current = address;
        if (current == null && DEFAULT_ADDRESSES.containsKey(channel)) {
          current = text(r.profile().trait(DEFAULT_ADDRESSES.get(channel)));
        }
        if (b.address() == null || current == null || b.address().equals(current)) {
          return new Decision.Skip(
              "suppressed",
              "suppressed: "
                  + (b.address() == null ? "the " + channel + " address" : b.address())
                  + " hard-bounced ("
                  + b.source()
                  + " at "
                  + iso(b.time())
                  + ")");
        }
      }
    }
    if (!m.category().isMarketing()) {
      return new Decision.SendNow(
          "transactional: consent, quiet hours, caps and gaps do not apply");
    }
    if (consent != null) {
      String why = consent.unsubscribed(channel, m.topic());
      if (why != null) {
        return new Decision.Skip("unsubscribed", why);
      }
    }
    if (cp.optIn() && (consent == null || consent.optedIn(channel, m.topic()) == null)) {
      return new Decision.Skip(
          "not_opted_in",
          channel + " marketing needs an opt-in (consent: opt_in) and the profile gave none");
    }
    return timing(m, cp, r.zone(), history, now);
  }

  /**
   * The decision for {@code m} once more when it is about to be handed to its channel: the address,
   * suppression, consent and opt-in as they are now, quiet hours at this moment, and the expiry.
   * Caps and gaps are not applied again: they were applied when the step decided, and the message
   * already counts in the send history, so applying them now would count it against itself.
   */
  public Decision atSendTime(Message m, Recipient r, long now) {
    return decide(m, r, null, now);
  }

  private Decision timing(Message m, ChannelPolicy cp, ZoneId zone, SendLog log, long now) {
    Map<String, String> held = null;
    long t = now;
    // Per cap, the moments its counted sends stop counting: fixed for this decision, so computed
    // once (calendar arithmetic in the zone is the expensive part), then reused by every round.
    long[][] expiries = null;
    for (int round = 0; ; round++) {
      if (round == MAX_ROUNDS) {
        throw new IllegalStateException("policies did not settle for message " + m.id());
      }
      long start = t;
      if (cp.quietHours() != null) {
        long next = cp.quietHours().nextAllowed(t, zone);
        if (next != t) {
          held = put(held, "quiet", quietReason(cp.quietHours(), m.channel(), zone, next));
          t = next;
        }
      }
      if (log != null && log.size() > 0) {
        if (policies.minGap() != null) {
          long last = log.last(null);
          long next = policies.minGap().addTo(last, zone);
          if (next > t) {
            held =
                put(
                    held,
                    "gap",
                    "min_gap "
                        + policies.minGap()
                        + " after the marketing message at "
                        + iso(last));
            t = next;
          }
        }
        if (cp.minGap() != null) {
          long last = log.last(m.channel());
          if (last != Long.MIN_VALUE) {
            long next = cp.minGap().addTo(last, zone);
            if (next > t) {
              held =
                  put(
                      held,
                      "channel-gap",
                      m.channel()
                          + " min_gap "
                          + cp.minGap()
                          + " after the "
                          + m.channel()
                          + " message at "
                          + iso(last));
              t = next;
            }
          }
        }
        for (int c = 0; c < policies.caps().size(); c++) {
          Cap cap = policies.caps().get(c);
          if (!cap.counts(m.channel())) {
            continue;
          }
          if (expiries == null) {
            expiries = new long[policies.caps().size()][];
          }
          if (expiries[c] == null) {
            expiries[c] = expiries(cap, log, zone);
          }
          long next = capAllows(cap, expiries[c], t);
          if (next > t) {
            held =
                put(
                    held,
                    "cap" + c,
                    cap + " reached; the oldest counted message stops counting at " + iso(next));
            t = next;
          }
        }
      }
      if (t == start) {
        break;
      }
    }
    if (t == now) {
      return new Decision.SendNow("no policy holds it");
    }
    String why = String.join("; ", held.values());
    if (t > m.expiresAt()) {
      return new Decision.Skip(
          "expired",
          "expired: the earliest allowed moment "
              + iso(t)
              + " is after its expiry at "
              + iso(m.expiresAt())
              + (m.expireAfter() == null ? "" : " (expire_after " + m.expireAfter() + ")")
              + "; held by "
              + why);
    }
    return new Decision.Defer(t, why);
  }

  /** When each send the cap counts stops counting, in time order. */
  private static long[] expiries(Cap cap, SendLog log, ZoneId zone) {
    long[] out = new long[log.size()];
    int n = 0;
    for (int i = 0; i < log.size(); i++) {
      if (cap.counts(log.channel(i))) {
        out[n++] = cap.per().addTo(log.time(i), zone);
      }
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }

  /** The earliest moment at or after {@code t} at which the cap allows one more. */
  private static long capAllows(Cap cap, long[] expiries, long t) {
    int first = 0;
    while (first < expiries.length && expiries[first] <= t) {
      first++;
    }
    int n = expiries.length - first;
    if (n < cap.max()) {
      return t;
    }
    // Sends are in time order, so their expiries are too: once the (n - max + 1) oldest stop
    // counting, max - 1 remain and one more fits.
    return expiries[first + n - cap.max()];
  }

  private static Map<String, String> put(Map<String, String> m, String key, String why) {
    if (m == null) {
      m = new LinkedHashMap<>(4);
    }
    m.put(key, why);
    return m;
  }

  private static String quietReason(QuietHours q, String channel, ZoneId zone, long next) {
    return "quiet hours "
        + q
        + " for "
        + channel
        + " in "
        + zone.getId()
        + " (next allowed "
        + iso(next)
        + ")";
  }

  private static String text(Object v) {
    return v instanceof String s && !s.isBlank() ? s : null;
  }

  private static String iso(long t) {
    return Timestamps.formatSeconds(t);
  }
}
