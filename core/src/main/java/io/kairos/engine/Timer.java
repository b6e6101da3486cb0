package io.kairos.engine;

/**
 * A moment at which the engine must be woken up for one profile. Runtimes store timers and hand
 * them back through {@link Engine#onTimer} when they are due; a timer that has become stale (its
 * instance moved on or ended, its inactivity period was extended) is recognised and ignored by the
 * engine, so runtimes never need to delete one.
 *
 * @param journey the journey id
 * @param instance the instance number within the profile, or -1 for an inactivity timer
 * @param token which wait of the instance this is; a later wait gets a new token
 */
public record Timer(String profile, long due, String journey, int instance, int token) {

  /** A timer that checks whether the profile has been quiet long enough. */
  public boolean isInactivity() {
    return instance < 0;
  }
}
