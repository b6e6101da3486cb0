package io.kairos.simulation;

/**
 * What a journey's holdout group says about the journey: the conversion rate and revenue per member
 * of the profiles that went on (treated) against those held out, with 95% confidence intervals for
 * the differences.
 *
 * <p>The conversion difference uses Newcombe's hybrid score interval (method 10, built from two
 * Wilson intervals), which stays sensible for small groups and rates near 0 or 1, where the
 * textbook Wald interval does not. The revenue difference uses the normal approximation with each
 * group's own variance (Welch), which needs groups of some size to mean much; both are reported
 * with their group sizes so a reader can judge.
 *
 * @param treated profiles assigned to an arm of the journey's split
 * @param treatedConverted how many of them converted within the window
 * @param holdout profiles held out
 * @param holdoutConverted how many of them converted within the window
 * @param rateDiffLow lower bound of the 95% interval of treated rate minus holdout rate
 * @param rateDiffHigh upper bound of that interval
 * @param revenueDiffLow lower bound of the 95% interval of revenue per member, treated minus
 *     holdout
 * @param revenueDiffHigh upper bound of that interval
 */
public record Lift(
    long treated,
    long treatedConverted,
    double treatedRevenue,
    long holdout,
    long holdoutConverted,
    double holdoutRevenue,
    double rateDiffLow,
    double rateDiffHigh,
    double revenueDiffLow,
    double revenueDiffHigh) {

  /** z for a two-sided 95% interval. */
  static final double Z = 1.959963984540054;

  public double treatedRate() {
    return rate(treatedConverted, treated);
  }

  public double holdoutRate() {
    return rate(holdoutConverted, holdout);
  }

  /** Treated rate minus holdout rate, in absolute terms (0.02 = two percentage points). */
  public double rateDiff() {
    return treatedRate() - holdoutRate();
  }

  /** The relative lift, (treated − holdout) / holdout; NaN when the holdout never converted. */
  public double relativeLift() {
    double h = holdoutRate();
    return h == 0 ? Double.NaN : (treatedRate() - h) / h;
  }

  public double treatedRevenuePerMember() {
    return treated == 0 ? 0 : treatedRevenue / treated;
  }

  public double holdoutRevenuePerMember() {
    return holdout == 0 ? 0 : holdoutRevenue / holdout;
  }

  /** Whether the conversion interval excludes zero: the journey made a measurable difference. */
  public boolean significant() {
    return rateDiffLow > 0 || rateDiffHigh < 0;
  }

  /** The lift of one group against another, from counts and revenue sums. */
  static Lift of(Group treated, Group holdout) {
    double[] rate =
        newcombe(treated.converted, treated.members, holdout.converted, holdout.members);
    double[] revenue = welch(treated, holdout);
    return new Lift(
        treated.members,
        treated.converted,
        treated.revenue,
        holdout.members,
        holdout.converted,
        holdout.revenue,
        rate[0],
        rate[1],
        revenue[0],
        revenue[1]);
  }

  /** Members of one group of a split, and what they converted. */
  static final class Group {
    long members;
    long converted;
    double revenue;
    double revenueSquares;

    void add(Group other) {
      members += other.members;
      converted += other.converted;
      revenue += other.revenue;
      revenueSquares += other.revenueSquares;
    }
  }

  /** Wilson score interval for x successes out of n. */
  static double[] wilson(long x, long n) {
    if (n == 0) {
      return new double[] {0, 1};
    }
    double p = (double) x / n;
    double z2 = Z * Z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = Z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  /** Newcombe's hybrid score interval for p1 − p2. */
  static double[] newcombe(long x1, long n1, long x2, long n2) {
    double p1 = rate(x1, n1);
    double p2 = rate(x2, n2);
    double[] w1 = wilson(x1, n1);
    double[] w2 = wilson(x2, n2);
    double d = p1 - p2;
    double low = d - Math.sqrt(square(p1 - w1[0]) + square(w2[1] - p2));
    double high = d + Math.sqrt(square(w1[1] - p1) + square(p2 - w2[0]));
    return new double[] {low, high};
  }

  private static double[] welch(Group a, Group b) {
    double d = mean(a) - mean(b);
    double se =
        Math.sqrt(variance(a) / Math.max(1, a.members) + variance(b) / Math.max(1, b.members));
    return new double[] {d - Z * se, d + Z * se};
  }

  private static double mean(Group g) {
    return g.members == 0 ? 0 : g.revenue / g.members;
  }

  /** Sample variance of revenue per member; members who did not convert count as 0. */
  private static double variance(Group g) {
    if (g.members < 2) {
      return 0;
    }
    double m = mean(g);
    return Math.max(0, (g.revenueSquares - g.members * m * m) / (g.members - 1));
  }

  private static double rate(long x, long n) {
    return n == 0 ? 0 : (double) x / n;
  }

  private static double square(double v) {
    return v * v;
  }
}
