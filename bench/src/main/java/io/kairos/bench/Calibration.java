package io.kairos.bench;

/**
 * Finds how far apart sessions must be so that {@code events} spread over {@code users} fill the
 * simulated period: with too short gaps the file would end after a week, with too long ones it
 * would run months past it. A pilot population (the same model, a few thousand users, no output) is
 * run to the end of the period for each candidate scale, bisecting on the log of the scale.
 */
final class Calibration {

  private static final int PILOT_USERS = 4000;
  private static final int ITERATIONS = 14;
  private static final double MIN_SCALE = 0.02;
  private static final double MAX_SCALE = 50;

  private Calibration() {}

  /** The session-gap scale; at the bounds when the ratio cannot be met (reported as such). */
  static double gapScale(GeneratorOptions options) {
    int pilotUsers = Math.min(PILOT_USERS, options.users());
    double perUser = (double) options.events() / options.users();
    long budget = (long) Math.ceil(perUser * pilotUsers * 2);
    long pilotSeed = options.seed() ^ 0x9170_7000_0000L;
    double lo = Math.log(MIN_SCALE);
    double hi = Math.log(MAX_SCALE);
    for (int i = 0; i < ITERATIONS; i++) {
      double mid = (lo + hi) / 2;
      long produced = pilot(options, pilotUsers, pilotSeed, Math.exp(mid), budget);
      // longer gaps, fewer events: move towards the scale that produces the target
      if (produced > perUser * pilotUsers) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  private static long pilot(
      GeneratorOptions options, int users, long seed, double scale, long budget) {
    Timeline timeline =
        new Timeline(
            new Population(users, seed),
            seed,
            scale,
            options.startEpochSecond(),
            options.spanSeconds());
    Draft draft = new Draft();
    long count = 0;
    while (count < budget) {
      timeline.next(draft);
      if (draft.second >= options.spanSeconds()) {
        break;
      }
      count++;
    }
    return count;
  }
}
