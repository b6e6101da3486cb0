package io.kairos.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
 * Jackson checks only the continuation bits, so without this check a message could smuggle
 * surrogates or overlong encodings into strings that later reach templates and other systems. The
 * parser's scanner validates each string with {@link #sequenceLength} as it passes, and uses {@link
 * #firstInvalid} only to report the first bad byte of a message it refuses.
 */
final class Utf8 {

  // Reads eight bytes at once; the byte order does not matter because only masks are tested.
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGHS = 0x8080808080808080L;

  private Utf8() {}

  /**
   * The index, relative to {@code offset}, of the first byte that starts an invalid sequence, or -1
   * when the slice is valid. A NUL among the first four bytes is reported as such, as the
   * Jackson-based parser did (Jackson took zero bytes there as the mark of UTF-16 or UTF-32); a NUL
   * is never valid raw JSON anyway.
   */
  static int firstInvalid(byte[] b, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < Math.min(end, offset + 4); i++) {
      if (b[i] == 0) {
        return i - offset;
      }
    }
    int i = offset;
    while (i < end) {
      // Messages are mostly ASCII: test 32 bytes at a time for a high bit.
      if (end - i >= 32) {
        long w =
            (long) LONGS.get(b, i)
                | (long) LONGS.get(b, i + 8)
                | (long) LONGS.get(b, i + 16)
                | (long) LONGS.get(b, i + 24);
        if ((w & HIGHS) == 0) {
          i += 32;
          continue;
        }
      }
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      int n = sequenceLength(b, i, end, c & 0xFF);
      if (n == 0) {
        return i - offset;
      }
      i += n;
    }
    return -1;
  }

  // The length of the valid sequence starting with lead byte c at i, or 0 when it is invalid.
  static int sequenceLength(byte[] b, int i, int end, int c) {
    int lo = 0x80;
    int hi = 0xBF;
    int n;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) {
        lo = 0xA0; // overlong below U+0800
      } else if (c == 0xED) {
        hi = 0x9F; // surrogates U+D800..U+DFFF
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) {
        lo = 0x90; // overlong below U+10000
      } else if (c == 0xF4) {
        hi = 0x8F; // above U+10FFFF
      }
    } else {
      return 0;
    }
    if (end - i < n) {
      return 0;
    }
    int second = b[i + 1] & 0xFF;
    if (second < lo || second > hi) {
      return 0;
    }
    for (int k = 2; k < n; k++) {
      if ((b[i + k] & 0xC0) != 0x80) {
        return 0;
      }
    }
    return n;
  }
}
