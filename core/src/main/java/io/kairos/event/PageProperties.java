package io.kairos.event;

import java.nio.charset.StandardCharsets;

/**
 * The {@code properties} of page and screen calls, completed from the rest of the message so that
 * triggers find everything about the page in one place: the top-level {@code name} and {@code
 * category}, and for page calls {@code path}, {@code url}, {@code title}, {@code referrer} and
 * {@code search} from {@code context.page}. analytics.js already puts them in properties; server
 * and mobile libraries often do not. A key the sender put in {@code properties} is never replaced.
 *
 * <p>Values are copied as their raw JSON bytes (already validated), so nothing is decoded and
 * re-encoded.
 */
final class PageProperties {

  static final int NAME = 0;
  static final int CATEGORY = 1;
  static final int PATH = 2;
  static final int URL = 3;
  static final int TITLE = 4;
  static final int REFERRER = 5;
  static final int SEARCH = 6;

  /** The keys a screen call receives; page calls receive all of them. */
  static final int SCREEN_KEYS = (1 << NAME) | (1 << CATEGORY);

  static final int PAGE_KEYS = (1 << 7) - 1;

  private static final byte[][] KEYS = {
    key("name"),
    key("category"),
    key("path"),
    key("url"),
    key("title"),
    key("referrer"),
    key("search")
  };

  private final int[] starts = new int[KEYS.length];
  private final int[] ends = new int[KEYS.length];
  private int present;

  /** The bit of a properties key this class may add, or 0. */
  static int bit(String key) {
    return switch (key) {
      case "name" -> 1 << NAME;
      case "category" -> 1 << CATEGORY;
      case "path" -> 1 << PATH;
      case "url" -> 1 << URL;
      case "title" -> 1 << TITLE;
      case "referrer" -> 1 << REFERRER;
      case "search" -> 1 << SEARCH;
      default -> 0;
    };
  }

  private static final KeyTable NAMES =
      new KeyTable("name", "category", "path", "url", "title", "referrer", "search");

  /** {@link #bit(String)} of the current key of {@code in}, matched as bytes. */
  static int bit(JsonCursor in) {
    int k = NAMES.find(in);
    return k < 0 ? 0 : 1 << k;
  }

  /** Remembers the raw JSON value of {@code key} at {@code buf[start, end)}. */
  void set(int key, int start, int end) {
    starts[key] = start;
    ends[key] = end;
    present |= 1 << key;
  }

  /**
   * The properties: the sender's object at {@code buf[start, end)} (absent when {@code start < 0})
   * whose top-level keys that {@link #bit} knows are {@code keyBits}, plus the remembered values
   * among {@code allowed} that it lacks.
   */
  JsonObject complete(byte[] buf, int start, int end, int keyBits, int allowed) {
    int add = present & allowed & ~keyBits;
    if (add == 0) {
      return MessageReader.object(buf, start, end);
    }
    int size = 2;
    int innerStart = start + 1;
    int innerLength =
        start < 0 || MessageReader.isBlank(buf, innerStart, end - 1) ? 0 : end - 1 - innerStart;
    size += innerLength;
    for (int k = 0; k < KEYS.length; k++) {
      if ((add & (1 << k)) != 0) {
        size += 1 + KEYS[k].length + ends[k] - starts[k];
      }
    }
    byte[] out = new byte[size];
    out[0] = '{';
    int pos = 1;
    System.arraycopy(buf, innerStart, out, pos, innerLength);
    pos += innerLength;
    boolean first = innerLength == 0;
    for (int k = 0; k < KEYS.length; k++) {
      if ((add & (1 << k)) != 0) {
        if (!first) {
          out[pos++] = ',';
        }
        first = false;
        System.arraycopy(KEYS[k], 0, out, pos, KEYS[k].length);
        pos += KEYS[k].length;
        System.arraycopy(buf, starts[k], out, pos, ends[k] - starts[k]);
        pos += ends[k] - starts[k];
      }
    }
    out[pos++] = '}';
    return JsonObject.ofOwnedBytes(out, 0, pos);
  }

  private static byte[] key(String name) {
    return ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
  }
}
