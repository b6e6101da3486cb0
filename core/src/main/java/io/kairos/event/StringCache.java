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
    // Kept as bytes beside the String: comparing byte arrays is cheaper than String.charAt.
    Ascii e = ascii[slot];
    if (e != null && sameBytes(e.bytes, bytes, offset, length)) {
      return e.text;
    }
    byte[] copy = java.util.Arrays.copyOfRange(bytes, offset, offset + length);
    String s = new String(copy, StandardCharsets.ISO_8859_1);
    ascii[slot] = new Ascii(copy, s);
    return s;
  }

  private static boolean sameBytes(byte[] cached, byte[] bytes, int offset, int length) {
    if (cached.length != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (cached[i] != bytes[offset + i]) {
        return false;
      }
    }
    return true;
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
