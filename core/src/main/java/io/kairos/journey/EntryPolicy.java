package io.kairos.journey;

import io.kairos.time.Span;

/**
 * Whether a profile that triggers a journey enters it.
 *
 * <ul>
 *   <li>{@code ONCE} (the default): at most one entry per profile, ever;
 *   <li>{@code RESTART}: an instance in flight exits (reason "restarted") and a new one starts;
 *   <li>{@code PARALLEL}: every trigger starts its own instance;
 *   <li>{@code ONCE_PER}: refused while an instance is in flight or when the last entry is less
 *       than {@code period} ago.
 * </ul>
 */
public record EntryPolicy(Kind kind, Span period) {
  public enum Kind {
    ONCE,
    RESTART,
    PARALLEL,
    ONCE_PER
  }

  public static final EntryPolicy ONCE = new EntryPolicy(Kind.ONCE, null);
  public static final EntryPolicy RESTART = new EntryPolicy(Kind.RESTART, null);
  public static final EntryPolicy PARALLEL = new EntryPolicy(Kind.PARALLEL, null);

  public static EntryPolicy oncePer(Span period) {
    return new EntryPolicy(Kind.ONCE_PER, period);
  }

  @Override
  public String toString() {
    return kind == Kind.ONCE_PER ? "once_per " + period : kind.name().toLowerCase();
  }
}
