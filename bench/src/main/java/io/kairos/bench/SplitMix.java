package io.kairos.bench;

/**
 * SplitMix64: a tiny generator whose output is fixed by its published algorithm, so a seed means
 * the same file on every JDK (java.util's generators only promise that for some methods).
 */
final class SplitMix {

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  SplitMix(long seed) {
    this.state = seed;
  }

  long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound); the multiply-shift bias is below 2^-31 and irrelevant here. */
  int nextInt(int bound) {
    return (int) (((nextLong() >>> 33) * bound) >>> 31);
  }

  boolean chance(double probability) {
    return nextDouble() < probability;
  }

  double exponential(double mean) {
    return -mean * Math.log(1.0 - nextDouble());
  }

  /** The SplitMix64 finaliser: a stateless hash, for values derived from ids rather than drawn. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
