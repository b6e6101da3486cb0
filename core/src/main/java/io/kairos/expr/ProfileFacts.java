package io.kairos.expr;

import java.time.ZoneId;

/**
 * What the profile functions of expressions ({@code count}, {@code last}, {@code age}, {@code
 * in_segment}) read about the profile at evaluation time. The engine implements it over a profile's
 * state; {@link #NONE} answers for a profile that has nothing.
 */
public interface ProfileFacts {

  /** How many events of this name the profile has had, ever. */
  long count(String name);

  /** How many events of this name happened after {@code after} (epoch ms, exclusive). */
  long countAfter(String name, long after);

  /** The time of the first event of this name after {@code after}, or Long.MAX_VALUE. */
  long firstAfter(String name, long after);

  /** When the last event of this name happened, or Long.MIN_VALUE when never. */
  long last(String name);

  /** The zone the profile lives in (its own, else the engine's fallback zone). */
  ZoneId zone();

  /** Whether the profile is in the segment now. */
  boolean inSegment(String id);

  /**
   * Called by each profile function with the value it computed and the first moment after {@code
   * now} at which that value can differ with time alone (Long.MAX_VALUE when it cannot): what keeps
   * segments current. Does nothing unless someone listens.
   *
   * @param call how the call reads in a trace: {@code count("Order Completed", 30d)}
   */
  default void observe(String call, Object value, long nextChange) {}

  /** Whether {@link #observe} listens; when not, functions skip working out the next change. */
  default boolean observing() {
    return false;
  }

  /**
   * Whether {@link #observe} wants the {@code call} text (for a trace); when not, it gets null and
   * no text is built.
   */
  default boolean recording() {
    return false;
  }

  /** A profile with no events, no segments, in UTC. */
  ProfileFacts NONE =
      new ProfileFacts() {
        @Override
        public long count(String name) {
          return 0;
        }

        @Override
        public long countAfter(String name, long after) {
          return 0;
        }

        @Override
        public long firstAfter(String name, long after) {
          return Long.MAX_VALUE;
        }

        @Override
        public long last(String name) {
          return Long.MIN_VALUE;
        }

        @Override
        public ZoneId zone() {
          return java.time.ZoneOffset.UTC;
        }

        @Override
        public boolean inSegment(String id) {
          return false;
        }
      };
}
