package io.kairos.engine;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A growable byte buffer with the primitives of {@link StateCodec}'s format: variable-length
 * integers (small numbers, the common case, take one byte), doubles as their exact bits, and
 * strings with a length in bytes.
 */
final class ByteWriter {
  /**
   * A string's heap besides its characters (HotSpot, 64-bit, compressed references): the String (24
   * bytes), its array's header (16) and the array's padding to 8 bytes (4 on average), and its
   * reference in the object holding it.
   */
  static final int STRING_HEAP = 48;

  private byte[] buf;
  private int size;
  private long heap;

  ByteWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }

  void u8(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  void bool(boolean b) {
    u8(b ? 1 : 0);
  }

  /** An unsigned LEB128 integer: seven bits a byte, low bits first. */
  void varint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  /** A signed integer, zigzag-mapped so that small negative numbers stay short too. */
  void zigzag(long v) {
    varint((v << 1) ^ (v >> 63));
  }

  /**
   * A moment that may be Long.MIN_VALUE for "never": the zigzag form plus one, which wraps exactly
   * Long.MIN_VALUE to 0, so "never" takes one byte instead of ten and every other value one bit
   * more at most.
   */
  void moment(long v) {
    varint(((v << 1) ^ (v >> 63)) + 1);
  }

  /** A count or length, never negative. */
  void count(int n) {
    varint(n);
  }

  /** A count where 0 stands for null: {@code n + 1}. */
  void nullableCount(int n, boolean isNull) {
    varint(isNull ? 0 : n + 1L);
  }

  /** The double's exact bits (little-endian), so -0.0 and NaN come back as they were. */
  void f64(double d) {
    fixed64(Double.doubleToRawLongBits(d));
  }

  void f32(float f) {
    int bits = Float.floatToRawIntBits(f);
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buf[size++] = (byte) (bits >>> (8 * i));
    }
  }

  private void fixed64(long bits) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[size++] = (byte) (bits >>> (8 * i));
    }
  }

  /** Adds to the estimate of the heap a decoded copy of what was written takes. */
  void heap(long bytes) {
    heap += bytes;
  }

  /**
   * The heap a decoded copy of what was written takes, estimated: the strings and byte arrays as
   * they are written, the rest as the codec adds it with {@link #heap(long)}.
   */
  long heap() {
    return heap;
  }

  void bytes(byte[] b) {
    heap += STRING_HEAP - 24 + b.length;
    count(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
  }

  /**
   * A string as its length in bytes, then each UTF-16 unit as one to three bytes (UTF-8 for every
   * unit, surrogates one at a time, as CESU-8 does). Unlike {@code String.getBytes(UTF_8)}, which
   * writes '?' for a lone surrogate, every Java string comes back exactly.
   */
  void string(String s) {
    heap += STRING_HEAP + s.length();
    int len = encodedLength(s);
    count(len);
    utf(s, len);
  }

  /** A string or null: the length is written plus one, and 0 means null. */
  void nullableString(String s) {
    if (s == null) {
      u8(0);
      return;
    }
    heap += STRING_HEAP + s.length();
    int len = encodedLength(s);
    varint(len + 1L);
    utf(s, len);
  }

  private static int encodedLength(String s) {
    int n = s.length();
    int len = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        len += c < 0x800 ? 1 : 2;
      }
    }
    return len;
  }

  private void utf(String s, int len) {
    ensure(len);
    byte[] b = buf;
    int p = size;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    size = p;
  }

  /** The bytes written, without a checksum: a part of a state another writer will hold. */
  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /** The bytes written, followed by their CRC-32C (4 bytes, little-endian). */
  byte[] finishWithChecksum() {
    CRC32C crc = new CRC32C();
    crc.update(buf, 0, size);
    int c = (int) crc.getValue();
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buf[size++] = (byte) (c >>> (8 * i));
    }
    return Arrays.copyOf(buf, size);
  }
}
