package io.kairos.engine;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Deterministic ids and buckets: the same inputs always give the same answer. */
final class Ids {
  private Ids() {}

  /** A name-based UUID of the parts, so a retried decision meets the same idempotency key. */
  static String uuid(String... parts) {
    return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /**
   * A number in [0, 1) from a hash of the parts (64-bit FNV-1a, then a murmur3 finaliser). Used for
   * splits: uniform, stable across runs and machines, and independent of any random source.
   */
  static double bucket(String... parts) {
    long h = 0xcbf29ce484222325L;
    for (String part : parts) {
      for (int i = 0; i < part.length(); i++) {
        h ^= part.charAt(i);
        h *= 0x100000001b3L;
      }
      h *= 0x100000001b3L; // one more round ends the part: ("ab","c") and ("a","bc") differ
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (h >>> 11) * 0x1.0p-53;
  }
}
