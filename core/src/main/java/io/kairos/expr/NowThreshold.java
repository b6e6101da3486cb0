package io.kairos.expr;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.time.Duration;
import java.time.Instant;

/**
 * One comparison of {@code now} with a time in a condition kept current, rewritten as "{@code now}
 * against X": {@code last("A") < now - duration("90d")} against {@code last("A") + 90d}; {@code now
 * - profile.signed_up_at > duration("7d")} against {@code profile.signed_up_at + 7d}; {@code now +
 * duration("1d") >= t} against {@code t - 1d}. The comparison can change its value only when the
 * clock reaches X (or the millisecond after, for a strict one), as long as X itself does not
 * change, and X is computed from data and the other time-aware functions, which report their own
 * changes.
 */
public final class NowThreshold {

  /** How X is made of the two sides. */
  enum Form {
    /** {@code now op a}: X = a. */
    SAME,
    /** {@code now - a op b}, {@code a op now - b}: X = the timestamp one plus the duration one. */
    SUM,
    /** {@code now + b op a}: X = a - b. */
    DIFFERENCE
  }

  private final Form form;
  private final CelRuntime.Program a;
  private final CelRuntime.Program b;
  private final boolean functions;
  private final String source;

  NowThreshold(
      Form form, CelRuntime.Program a, CelRuntime.Program b, boolean functions, String source) {
    this.form = form;
    this.a = a;
    this.b = b;
    this.functions = functions;
    this.source = source;
  }

  /**
   * X in epoch ms for this evaluation, or Long.MIN_VALUE when a side fails or is not a time (then
   * the comparison fails too, whatever the clock says).
   */
  public long at(Bindings bindings) {
    Object va = eval(a, bindings);
    if (form == Form.SAME) {
      return va instanceof Instant i ? millis(i) : Long.MIN_VALUE;
    }
    Object vb = eval(b, bindings);
    Instant t;
    Duration d;
    if (va instanceof Instant i && vb instanceof Duration x) {
      t = i;
      d = x;
    } else if (form == Form.SUM && vb instanceof Instant i && va instanceof Duration x) {
      t = i;
      d = x;
    } else {
      return Long.MIN_VALUE;
    }
    try {
      return millis(form == Form.SUM ? t.plus(d) : t.minus(d));
    } catch (ArithmeticException | java.time.DateTimeException e) {
      return Long.MIN_VALUE;
    }
  }

  /** The comparison's text, for tests and traces. */
  public String source() {
    return source;
  }

  private Object eval(CelRuntime.Program p, Bindings bindings) {
    try {
      Scope scope = new Scope(bindings);
      Object v =
          functions
              ? p.eval(scope, ProfileFunctions.bind(bindings.facts(), bindings.now()))
              : p.eval(scope);
      return CelValues.toJava(v);
    } catch (CelEvaluationException | RuntimeException e) {
      return null;
    }
  }

  private static long millis(Instant i) {
    // Floor, so a threshold between two milliseconds is woken up for no later than it flips.
    return i.getEpochSecond() * 1000L + i.getNano() / 1_000_000;
  }

  @Override
  public String toString() {
    return source;
  }
}
