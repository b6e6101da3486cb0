package io.kairos.scoring;

import io.kairos.time.Span;
import java.time.ZoneId;

/**
 * How a score's points fade with time. Exactly one of three kinds:
 *
 * <ul>
 *   <li>{@link Kind#NONE}: points stay until something takes them away;
 *   <li>{@link Kind#HALF_LIFE}: continuous exponential decay. A score worth {@code v} at {@code t0}
 *       is worth {@code v · 2^(-(t - t0) / h)} at {@code t}, {@code h} the half-life in exact
 *       milliseconds (a day is 24 hours). Since the formula is linear, the whole score is kept as
 *       one value and the moment it was last changed, and decayed on read;
 *   <li>{@link Kind#EXPIRE}: each award counts in full until {@code expire_after} has passed since
 *       it was given (calendar days in the profile's time zone), then it is gone.
 * </ul>
 */
public record Decay(Kind kind, Span span) {

  /** The three kinds of decay. */
  public enum Kind {
    NONE,
    HALF_LIFE,
    EXPIRE
  }

  public static final Decay NONE = new Decay(Kind.NONE, Span.ZERO);

  /**
   * @param span days and shorter units only; a day counts as exactly 24 hours here
   */
  public static Decay halfLife(Span span) {
    if (span.months() != 0 || span.isZero()) {
      throw new IllegalArgumentException(
          "a half-life must be longer than 0 and given in days or shorter units, not " + span);
    }
    return new Decay(Kind.HALF_LIFE, span);
  }

  public static Decay expireAfter(Span span) {
    return new Decay(Kind.EXPIRE, span);
  }

  /** The half-life in milliseconds (days of exactly 24 hours). */
  public long halfLifeMillis() {
    return span.days() * 86_400_000L + span.millis();
  }

  /**
   * The value at {@code t} of a half-life score worth {@code value} at {@code asOf}; for the other
   * kinds, {@code value} itself (their changes are explicit).
   */
  public double valueAt(double value, long asOf, long t) {
    if (kind != Kind.HALF_LIFE || t <= asOf || value == 0) {
      return value;
    }
    return value * Math.pow(2.0, -(double) (t - asOf) / halfLifeMillis());
  }

  /**
   * For a half-life score worth {@code value > 0} at {@code asOf}: the first millisecond at which
   * it is below {@code threshold} (0 < threshold <= value), computed in closed form, {@code asOf +
   * h · log2(value / threshold)}, and then checked against {@link #valueAt} so the moment agrees
   * exactly with what conditions read. {@link Long#MAX_VALUE} when it never gets there.
   */
  public long firstBelow(double value, long asOf, double threshold) {
    if (kind != Kind.HALF_LIFE || value <= 0 || threshold <= 0 || threshold > value) {
      return Long.MAX_VALUE;
    }
    double dt = halfLifeMillis() * (Math.log(value / threshold) / Math.log(2.0));
    if (dt > 9.0e15) {
      return Long.MAX_VALUE;
    }
    long t = asOf + Math.max(1L, (long) Math.floor(dt));
    while (t > asOf + 1 && valueAt(value, asOf, t - 1) < threshold) {
      t--;
    }
    while (valueAt(value, asOf, t) >= threshold) {
      t++;
    }
    return t;
  }

  /** When an award given at {@code t} in {@code zone} expires; MAX_VALUE when it never does. */
  public long expiry(long t, ZoneId zone) {
    return kind == Kind.EXPIRE ? span.addTo(t, zone) : Long.MAX_VALUE;
  }

  /** "half-life 14d", "points expire after 30d", "no decay". */
  public String describe() {
    return switch (kind) {
      case NONE -> "no decay";
      case HALF_LIFE -> "half-life " + span;
      case EXPIRE -> "points expire after " + span;
    };
  }
}
