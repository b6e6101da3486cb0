package io.kairos.policy;

import io.kairos.time.Timestamps;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a profile has said about receiving marketing, and where its messages cannot be delivered.
 *
 * <p>Consent is kept per scope: everything, one channel, one topic on every channel, or one topic
 * on one channel. Each scope holds its latest word, subscribed or unsubscribed. A marketing message
 * is blocked when <em>any</em> scope that covers it says unsubscribed (a global unsubscribe beats a
 * topic subscription, as in Braze and Customer.io); to undo it, subscribe at the same scope.
 *
 * <p>Suppressions are per channel and tied to the address that failed: a hard bounce of {@code
 * a@x.com} stops every message (transactional too) to that address, and a new address lifts it.
 *
 * <p>Mutable, owned by the profile's writer. Small: a profile has a handful of entries.
 */
public final class Consent {

  /** A scope's latest word. */
  public record Entry(boolean subscribed, long time, String source) {}

  /** A failed address. */
  public record Bounce(String address, long time, String source) {}

  /** Matches any channel or any topic in a scope. */
  public static final String ANY = "*";

  private final Map<String, Entry> scopes = new LinkedHashMap<>(4);
  private Map<String, Bounce> bounces;

  /** Records the profile's word for a scope; a null channel or topic means any. */
  public void set(String channel, String topic, boolean subscribed, long time, String source) {
    String key = key(channel, topic);
    Entry old = scopes.get(key);
    if (old == null || old.time() <= time) {
      scopes.put(key, new Entry(subscribed, time, source));
    }
  }

  /** Forgets the word for a scope: back to the channel's default. */
  public void clear(String channel, String topic) {
    scopes.remove(key(channel, topic));
  }

  /** The latest word for exactly this scope, or null. */
  public Entry get(String channel, String topic) {
    return scopes.get(key(channel, topic));
  }

  /** Records a hard bounce (or other permanent failure) of {@code address} on {@code channel}. */
  public void bounce(String channel, String address, long time, String source) {
    if (bounces == null) {
      bounces = new LinkedHashMap<>(2);
    }
    bounces.put(channel, new Bounce(address, time, source));
  }

  /** The channel's recorded bounce, or null. */
  public Bounce bounce(String channel) {
    return bounces == null ? null : bounces.get(channel);
  }

  /**
   * The first scope covering the message that says unsubscribed, broadest first, as a reason; null
   * when none does.
   */
  public String unsubscribed(String channel, String topic) {
    String why = check(ANY, ANY, "everything");
    if (why == null) {
      why = check(channel, ANY, channel);
    }
    if (why == null && topic != null) {
      why = check(ANY, topic, "topic '" + topic + "'");
      if (why == null) {
        why = check(channel, topic, "topic '" + topic + "' on " + channel);
      }
    }
    return why;
  }

  /** Whether the profile opted in to the channel, or to the topic on it. */
  public Entry optedIn(String channel, String topic) {
    Entry e = scopes.get(key(channel, ANY));
    if ((e == null || !e.subscribed()) && topic != null) {
      e = scopes.get(key(channel, topic));
    }
    return e != null && e.subscribed() ? e : null;
  }

  /** Takes in another profile's consent (a merged visitor): per scope, the later word wins. */
  public void absorb(Consent other) {
    other.scopes.forEach(
        (k, v) -> {
          Entry mine = scopes.get(k);
          if (mine == null || mine.time() < v.time()) {
            scopes.put(k, v);
          }
        });
    if (other.bounces != null) {
      other.bounces.forEach(
          (k, v) -> {
            Bounce mine = bounce(k);
            if (mine == null || mine.time() < v.time()) {
              bounce(k, v.address(), v.time(), v.source());
            }
          });
    }
  }

  // ---- exactly as kept, for a state codec (io.kairos.engine.StateCodec) ---------------------

  /**
   * Every scope's latest word, in the order first said, keyed {@code channel/topic} with {@value
   * #ANY} for any.
   */
  public Map<String, Entry> scopes() {
    return java.util.Collections.unmodifiableMap(scopes);
  }

  /** The recorded bounces by channel, in the order first recorded. */
  public Map<String, Bounce> bounces() {
    return bounces == null ? Map.of() : java.util.Collections.unmodifiableMap(bounces);
  }

  /** Restores a scope's word under its key as {@link #scopes()} gave it. */
  public void restoreScope(String key, Entry entry) {
    scopes.put(key, entry);
  }

  public boolean isEmpty() {
    return scopes.isEmpty() && (bounces == null || bounces.isEmpty());
  }

  private String check(String channel, String topic, String what) {
    Entry e = scopes.get(key(channel, topic));
    if (e == null || e.subscribed()) {
      return null;
    }
    return "unsubscribed from " + what + " (" + e.source() + " at " + iso(e.time()) + ")";
  }

  private static String key(String channel, String topic) {
    return (channel == null ? ANY : channel) + "/" + (topic == null ? ANY : topic);
  }

  private static String iso(long t) {
    return Timestamps.formatSeconds(t);
  }
}
