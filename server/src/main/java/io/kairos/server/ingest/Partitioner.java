package io.kairos.server.ingest;

import java.nio.charset.StandardCharsets;

/**
 * Which partition a profile belongs to: {@code floorMod(murmur3_32(workspace + '\0' + profile),
 * partitions)} over the UTF-8 bytes, seed 0. Ingestion stamps every event row with it and the
 * runtime uses it for anything it creates for a profile, so both must agree forever: the hash is a
 * fixed, documented function (not {@link String#hashCode}, which is not specified for this use),
 * and the partition count is fixed at the store's first start.
 */
public final class Partitioner {
  private final int partitions;

  /**
   * @param partitions how many partitions there are; at least 1
   */
  public Partitioner(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    this.partitions = partitions;
  }

  public int partitions() {
    return partitions;
  }

  /** The partition of {@code profile} in {@code workspace}, in {@code [0, partitions)}. */
  public int partition(String workspace, String profile) {
    byte[] ws = workspace.getBytes(StandardCharsets.UTF_8);
    byte[] id = profile.getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[ws.length + 1 + id.length];
    System.arraycopy(ws, 0, key, 0, ws.length);
    System.arraycopy(id, 0, key, ws.length + 1, id.length);
    return Math.floorMod(murmur3(key, 0, key.length, 0), partitions);
  }

  /** MurmurHash3 x86 32-bit of {@code data[offset, offset + length)}. */
  static int murmur3(byte[] data, int offset, int length, int seed) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h = seed;
    int blocks = length / 4;
    for (int i = 0; i < blocks; i++) {
      int at = offset + i * 4;
      int k =
          (data[at] & 0xff)
              | (data[at + 1] & 0xff) << 8
              | (data[at + 2] & 0xff) << 16
              | (data[at + 3] & 0xff) << 24;
      k *= c1;
      k = Integer.rotateLeft(k, 15);
      k *= c2;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int tail = offset + blocks * 4;
    int k = 0;
    switch (length & 3) {
      case 3:
        k ^= (data[tail + 2] & 0xff) << 16;
      // fall through
      case 2:
        k ^= (data[tail + 1] & 0xff) << 8;
      // fall through
      case 1:
        k ^= data[tail] & 0xff;
        k *= c1;
        k = Integer.rotateLeft(k, 15);
        k *= c2;
        h ^= k;
        break;
      default:
        break;
    }
    h ^= length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
