package io.kairos.event;

import java.nio.charset.StandardCharsets;

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

  private final String[] slots;
  private final int mask;
  private final int maxLength;

  StringCache(int size, int maxLength) {
    if (Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("size must be a power of two: " + size);
    }
    this.slots = new String[size];
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
    // The same hash as the char[] lookup, so both find the same slot for the same text.
    int h = 0;
    int high = 0;
    for (int i = offset; i < offset + length; i++) {
      int b = bytes[i];
      high |= b;
      h = 31 * h + b;
    }
    if (high < 0) {
      return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
    int slot = (h ^ (h >>> 16)) & mask;
    String s = slots[slot];
    if (s != null && sameBytes(s, bytes, offset, length)) {
      return s;
    }
    s = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    slots[slot] = s;
    return s;
  }

  private static boolean sameBytes(String s, byte[] bytes, int offset, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (s.charAt(i) != bytes[offset + i]) {
        return false;
      }
    }
    return true;
  }

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
