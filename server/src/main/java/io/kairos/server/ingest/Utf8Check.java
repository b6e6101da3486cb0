package io.kairos.server.ingest;

/**
 * Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) and no NUL
 * byte, over a whole request body, before anything else reads it. A body that fails is not JSON
 * (RFC 8259 requires UTF-8, and a raw NUL is valid nowhere in JSON), so the whole request is
 * refused; and nothing with a NUL can reach a PostgreSQL text column.
 */
final class Utf8Check {
  private Utf8Check() {}

  /** The index of the first byte that is a NUL or starts an invalid sequence; -1 when valid. */
  static int firstInvalid(byte[] b, int length) {
    int i = 0;
    while (i < length) {
      int c = b[i];
      if (c > 0) {
        i++;
        continue;
      }
      if (c == 0) {
        return i;
      }
      int n = sequenceLength(b, i, length, c & 0xFF);
      if (n == 0) {
        return i;
      }
      i += n;
    }
    return -1;
  }

  private static int sequenceLength(byte[] b, int i, int end, int c) {
    int lo = 0x80;
    int hi = 0xBF;
    int n;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) {
        lo = 0xA0;
      } else if (c == 0xED) {
        hi = 0x9F;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) {
        lo = 0x90;
      } else if (c == 0xF4) {
        hi = 0x8F;
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
