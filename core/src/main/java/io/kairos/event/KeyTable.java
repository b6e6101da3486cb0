package io.kairos.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Finds which of a few known ASCII names a JSON key is, straight from its bytes: one table probe on
 * the key's length and first and last bytes, then one comparison. Cheaper than comparing the key
 * against every name, and no String is made of it.
 */
final class KeyTable {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final String[] names;
  private final byte[][] bytes;
  private final int[] slots;
  private final int mask;

  KeyTable(String... names) {
    this.names = names.clone();
    this.bytes = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      bytes[i] = names[i].getBytes(StandardCharsets.US_ASCII);
    }
    // The smallest table in which the names do not collide; a handful of names needs 64 or so.
    for (int size = 16; ; size <<= 1) {
      int[] table = new int[size];
      java.util.Arrays.fill(table, -1);
      boolean ok = true;
      for (int i = 0; i < names.length && ok; i++) {
        byte[] b = bytes[i];
        int s = hash(b.length, b[0], b[b.length - 1]) & (size - 1);
        ok = table[s] < 0;
        table[s] = i;
      }
      if (ok) {
        this.slots = table;
        this.mask = size - 1;
        return;
      }
    }
  }

  private static int hash(int length, int first, int last) {
    int h = length * 0x9E3779B1 + first * 31 + last;
    return h ^ (h >>> 7);
  }

  /** The index of the name that is exactly {@code buf[start, end)}, or -1. */
  int find(byte[] buf, int start, int end) {
    int n = end - start;
    if (n == 0) {
      return -1;
    }
    int i = slots[hash(n, buf[start], buf[end - 1]) & mask];
    if (i < 0) {
      return -1;
    }
    byte[] name = bytes[i];
    return name.length == n && same(buf, start, name, 0, n) ? i : -1;
  }

  /**
   * Whether {@code a[ai, ai + n)} equals {@code b[bi, bi + n)}; eight bytes at a time, the last
   * word overlapping, which suits the short keys and names compared here better than {@link
   * java.util.Arrays#equals}, whose setup costs more than the comparison.
   */
  static boolean same(byte[] a, int ai, byte[] b, int bi, int n) {
    if (n < 8) {
      for (int k = 0; k < n; k++) {
        if (a[ai + k] != b[bi + k]) {
          return false;
        }
      }
      return true;
    }
    int k = 0;
    for (; k + 8 < n; k += 8) {
      if ((long) LONGS.get(a, ai + k) != (long) LONGS.get(b, bi + k)) {
        return false;
      }
    }
    return (long) LONGS.get(a, ai + n - 8) == (long) LONGS.get(b, bi + n - 8);
  }

  /** The index of the name equal to {@code key}, or -1; for keys with escapes. */
  int find(String key) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the current key of {@code in}, or -1. */
  int find(JsonCursor in) {
    return in.keyEscaped ? find(in.key()) : find(in.buf, in.keyStart, in.keyEnd);
  }

  String name(int index) {
    return names[index];
  }
}
