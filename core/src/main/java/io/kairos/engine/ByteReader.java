package io.kairos.engine;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteWriter} wrote. Every read is checked against the end of the input, and
 * every count against the bytes left, so corrupt input ends in an {@link IllegalArgumentException}
 * (never an index error, and never a huge allocation from a damaged count).
 */
final class ByteReader {
  private final byte[] buf;
  private int pos;
  private final int end;
  private final int formatVersion;

  ByteReader(byte[] buf, int from, int end) {
    this(buf, from, end, StateCodec.FORMAT_VERSION);
  }

  ByteReader(byte[] buf, int from, int end, int formatVersion) {
    this.buf = buf;
    this.pos = from;
    this.end = end;
    this.formatVersion = formatVersion;
  }

  /** The state format version being read: fields added later are absent from older ones. */
  int formatVersion() {
    return formatVersion;
  }

  static IllegalArgumentException corrupt(String what) {
    return new IllegalArgumentException("corrupt profile state: " + what);
  }

  int remaining() {
    return end - pos;
  }

  int u8() {
    if (pos >= end) {
      throw corrupt("ends early");
    }
    return buf[pos++] & 0xFF;
  }

  boolean bool() {
    int b = u8();
    if (b > 1) {
      throw corrupt("a flag is " + b);
    }
    return b == 1;
  }

  long varint() {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      int b = u8();
      if (shift == 63 && b > 1) {
        throw corrupt("a number is too long");
      }
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
  }

  long zigzag() {
    long v = varint();
    return (v >>> 1) ^ -(v & 1);
  }

  /** What {@link ByteWriter#moment} wrote. */
  long moment() {
    long v = varint() - 1;
    return (v >>> 1) ^ -(v & 1);
  }

  /** A zigzag number that must fit an int. */
  int int32() {
    long v = zigzag();
    if (v != (int) v) {
      throw corrupt("a number is out of range: " + v);
    }
    return (int) v;
  }

  /** A non-negative int below {@code limit}. */
  int index(int limit, String what) {
    long v = varint();
    if (v < 0 || v >= limit) {
      throw corrupt(what + " " + v + " is out of range");
    }
    return (int) v;
  }

  /**
   * A count of items each at least one byte long, so never more than the bytes left: a damaged
   * count cannot make the reader allocate gigabytes.
   */
  int count() {
    long n = varint();
    if (n < 0 || n > remaining()) {
      throw corrupt("a count of " + n + " with " + remaining() + " bytes left");
    }
    return (int) n;
  }

  /** A count written by {@link ByteWriter#nullableCount}: -1 for null. */
  int nullableCount() {
    long n = varint();
    if (n < 0 || n - 1 > remaining()) {
      throw corrupt("a count of " + (n - 1) + " with " + remaining() + " bytes left");
    }
    return (int) n - 1;
  }

  double f64() {
    return Double.longBitsToDouble(fixed(8));
  }

  float f32() {
    return Float.intBitsToFloat((int) fixed(4));
  }

  private long fixed(int n) {
    if (remaining() < n) {
      throw corrupt("ends early");
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      v |= (long) (buf[pos++] & 0xFF) << (8 * i);
    }
    return v;
  }

  byte[] bytes() {
    int n = count();
    byte[] b = new byte[n];
    System.arraycopy(buf, pos, b, 0, n);
    pos += n;
    return b;
  }

  /** The offset of a run of {@code n} bytes, which the caller reads from {@link #buffer()}. */
  int skip(int n) {
    int at = pos;
    pos += n;
    return at;
  }

  byte[] buffer() {
    return buf;
  }

  String string() {
    return utf(count());
  }

  String nullableString() {
    int n = nullableCount();
    return n < 0 ? null : utf(n);
  }

  private String utf(int len) {
    int from = pos;
    int stop = from + len;
    byte[] b = buf;
    int i = from;
    while (i < stop && b[i] >= 0) {
      i++;
    }
    if (i == stop) {
      pos = stop;
      // All ASCII: Latin-1 decoding is a plain copy into a compact string.
      return new String(b, from, len, StandardCharsets.ISO_8859_1);
    }
    char[] out = new char[len];
    int n = 0;
    for (i = from; i < from + len; ) {
      int c = b[i++] & 0xFF;
      if (c < 0x80) {
        out[n++] = (char) c;
      } else if ((c & 0xE0) == 0xC0) {
        int v = ((c & 0x1F) << 6) | continuation(b, i++, stop);
        if (v < 0x80) {
          throw corrupt("a string has an overlong character");
        }
        out[n++] = (char) v;
      } else if ((c & 0xF0) == 0xE0) {
        int v = ((c & 0x0F) << 12) | (continuation(b, i++, stop) << 6);
        v |= continuation(b, i++, stop);
        if (v < 0x800) {
          throw corrupt("a string has an overlong character");
        }
        out[n++] = (char) v;
      } else {
        throw corrupt("a string has a bad byte " + c);
      }
    }
    pos = stop;
    return new String(out, 0, n);
  }

  private static int continuation(byte[] b, int i, int stop) {
    if (i >= stop || (b[i] & 0xC0) != 0x80) {
      throw corrupt("a string has a broken character");
    }
    return b[i] & 0x3F;
  }
}
