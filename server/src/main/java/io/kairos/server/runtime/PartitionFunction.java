package io.kairos.server.runtime;

/**
 * Which partition a profile belongs to. Every row of a profile, and every timer of it, lives in
 * that partition, so one writer owns the profile. Ingestion's partitioner is the one used in
 * production; {@link #hashing} is a stable stand-in with the same shape.
 */
@FunctionalInterface
public interface PartitionFunction {

  /** The partition of {@code profile} in {@code workspace}, in {@code [0, partitions)}. */
  int partitionOf(String workspace, String profile);

  /**
   * Low 64 bits of SHA-256 over {@code workspace + '\0' + profile}, modulo {@code partitions}:
   * stable across processes and versions (unlike {@link String#hashCode()}, which is stable too but
   * clusters similar ids).
   */
  static PartitionFunction hashing(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1");
    }
    return (workspace, profile) -> {
      java.security.MessageDigest sha;
      try {
        sha = java.security.MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required of every JVM", e);
      }
      sha.update(workspace.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sha.update((byte) 0);
      byte[] d = sha.digest(profile.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xff);
      }
      return (int) Math.floorMod(h, (long) partitions);
    };
  }
}
