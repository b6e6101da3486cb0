package io.kairos.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small lossy cache of short strings that repeat from message to message (event names, locales,
 * time zones). Reusing one instance saves an allocation per message and, more usefully, hands the
 * engine strings whose hash code is already computed, so looking triggers up by name is cheaper.
 *
 * <p>Thread-safe without locks: slots are written racily, which is harmless because a {@link
 * String} is immutable and safely published through its final fields; a lost write is a miss.
 * Direct-mapped and bounded, so hostile input can only evict, never grow it.
 */
final class StringCache {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final String[] slots;
  private final Ascii[] ascii;
  private final int mask;
  private final int maxLength;

  StringCache(int size, int maxLength) {
    if (Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("size must be a power of two: " + size);
    }
    this.slots = new String[size];
    this.ascii = new Ascii[size];
    this.mask = size - 1;
    this.maxLength = maxLength;
  }

  String get(char[] chars, int offset, int length) {
    if (length > maxLength) {
      return new String(chars, offset, length);
    }
    int h = 0;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + chars[i];
    }
    int slot = (h ^ (h >>> 16)) & mask;
    String s = slots[slot];
    if (s != null && sameChars(s, chars, offset, length)) {
      return s;
    }
    s = new String(chars, offset, length);
    slots[slot] = s;
    return s;
  }

  /**
   * The UTF-8 text at {@code bytes[offset, offset + length)}; only ASCII text is cached, which is
   * what repeats (names, locales, zones), so it can be compared byte for char.
   */
  String get(byte[] bytes, int offset, int length) {
    if (length > maxLength) {
      return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
    // Hashed eight bytes at a time (the last word overlapping), which also finds any non-ASCII.
    long h = length;
    long any = 0;
    int i = offset;
    int end = offset + length;
    if (length >= 8) {
      for (; i + 8 <= end; i += 8) {
        long w = (long) LONGS.get(bytes, i);
        any |= w;
        h = (h ^ w) * 0x9E3779B97F4A7C15L;
      }
      if (i < end) {
        long w = (long) LONGS.get(bytes, end - 8);
        any |= w;
        h = (h ^ w) * 0x9E3779B97F4A7C15L;
      }
    } else {
      for (; i < end; i++) {
        any |= bytes[i]; // a non-ASCII byte is negative: bit 7 and up are set
        h = (h ^ bytes[i]) * 0x9E3779B97F4A7C15L;
      }
    }
    if ((any & 0x8080808080808080L) != 0) {
      return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
    int slot = (int) (h ^ (h >>> 32) ^ (h >>> 47)) & mask;
    // Kept as bytes beside the String: comparing byte arrays is cheaper than String.charAt.
    Ascii e = ascii[slot];
    if (e != null && e.bytes.length == length && KeyTable.same(e.bytes, 0, bytes, offset, length)) {
      return e.text;
    }
    byte[] copy = Arrays.copyOfRange(bytes, offset, end);
    String s = new String(copy, StandardCharsets.ISO_8859_1);
    ascii[slot] = new Ascii(copy, s);
    return s;
  }

  // One immutable entry, so a racy reader never pairs the bytes of one string with another.
  private record Ascii(byte[] bytes, String text) {}

  static boolean sameChars(String s, char[] chars, int offset, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (s.charAt(i) != chars[offset + i]) {
        return false;
      }
    }
    return true;
  }
}
