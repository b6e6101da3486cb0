package io.kairos.engine;

/**
 * A moment at which the engine must be woken up for one profile. Runtimes store timers and hand
 * them back through {@link Engine#onTimer} when they are due; a timer that has become stale (its
 * instance moved on or ended, its inactivity period was extended, its date trait changed) is
 * recognised and ignored by the engine, so runtimes never need to delete one.
 *
 * @param kind what the engine does when it fires
 * @param key what the timer is about: a journey id for {@link Kind#STEP} and {@link
 *     Kind#INACTIVITY}; each other kind says what its key is
 * @param instance the instance number within the profile, or -1 when the timer is not an instance's
 * @param token which wait of the instance this is; a later wait gets a new token
 */
public record Timer(String profile, long due, Kind kind, String key, int instance, int token) {

  /** What a timer is for. */
  public enum Kind {
    /** A {@code wait} ends or a {@code wait_for} times out; key = journey id. */
    STEP,
    /** Checks whether the profile has been quiet long enough; key = journey id. */
    INACTIVITY,
    /**
     * A date trigger's next occurrence for the profile; key = journey id. Stale unless its due time
     * is the one the profile state keeps for the journey.
     */
    DATE,
    /**
     * A scheduled occasion's next occurrence in the profile's zone; key = journey id. Stale unless
     * its due time is the one the profile state keeps for the journey.
     */
    OCCASION,
    /**
     * A score changes by time alone: points expire, or half-life decay crosses a threshold; key =
     * score name, token = the score's timer token (a later change makes earlier timers stale).
     */
    SCORE,
    /** A deferred message is due to be decided again; key = message id. */
    MESSAGE,
    /**
     * A segment's answer can change with time alone (a count's window moves on, a birthday, a
     * recency threshold); key = the id of the segment due first. A profile has at most one live
     * segment timer: it re-evaluates every time-aware segment and arms the next.
     */
    SEGMENT,
  }

  /** The end of an instance's wait. */
  public static Timer step(String profile, long due, String journey, int instance, int token) {
    return new Timer(profile, due, Kind.STEP, journey, instance, token);
  }

  /** The end of a quiet period for an inactivity-triggered journey. */
  public static Timer inactivity(String profile, long due, String journey) {
    return new Timer(profile, due, Kind.INACTIVITY, journey, -1, 0);
  }

  /** The next occurrence of a date-triggered journey for the profile. */
  public static Timer date(String profile, long due, String journey) {
    return new Timer(profile, due, Kind.DATE, journey, -1, 0);
  }

  /** The next occurrence of a scheduled occasion for the profile, in its own zone. */
  public static Timer occasion(String profile, long due, String journey) {
    return new Timer(profile, due, Kind.OCCASION, journey, -1, 0);
  }

  /** A score's next change by time alone (see {@link Kind#SCORE}). */
  public static Timer score(String profile, long due, String score, int token) {
    return new Timer(profile, due, Kind.SCORE, score, -1, token);
  }

  /** A deferred message's next decision; stale when the message went or moved since. */
  public static Timer message(String profile, long due, String messageId) {
    return new Timer(profile, due, Kind.MESSAGE, messageId, -1, 0);
  }

  /** The moment a time-aware segment's answer can next change for the profile. */
  public static Timer segment(String profile, long due, String segment) {
    return new Timer(profile, due, Kind.SEGMENT, segment, -1, 0);
  }

  /** The journey a timer of any kind but a shared definition's belongs to. */
  public String journey() {
    return key;
  }
}
