package io.kairos.simulate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds line ends eight bytes at a time. A byte-by-byte loop over a multi-gigabyte file costs more
 * than a second here; reading longs and testing all eight bytes at once with the classic "has zero
 * byte" trick is several times faster.
 */
final class Newlines {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long LOW = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;

  private Newlines() {}

  /** Index of the first '\n' in {@code a[from, to)}, or {@code to} when there is none. */
  static int next(byte[] a, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long word = (long) LONGS.get(a, i) ^ NEWLINES;
      long found = (word - LOW) & ~word & HIGH;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (a[i] == '\n') {
        return i;
      }
    }
    return to;
  }
}
