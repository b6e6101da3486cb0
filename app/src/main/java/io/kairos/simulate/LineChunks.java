package io.kairos.simulate;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a stream of JSON Lines into chunks that end on a line boundary, so that chunks can be parsed
 * in parallel and consumed in order. A line longer than a chunk grows the chunk.
 */
final class LineChunks {
  /** A run of whole lines: {@code data[0, length)}. */
  record Chunk(long index, byte[] data, int length) {}

  private final InputStream in;
  private final int chunkSize;
  private byte[] carry = new byte[0];
  private int carryLength;
  private long next;
  private boolean eof;

  LineChunks(InputStream in, int chunkSize) {
    this.in = in;
    this.chunkSize = chunkSize;
  }

  /** The next chunk, or null at the end of the stream. */
  Chunk next() throws IOException {
    if (eof && carryLength == 0) {
      return null;
    }
    byte[] buf = new byte[Math.max(chunkSize, carryLength * 2)];
    System.arraycopy(carry, 0, buf, 0, carryLength);
    int filled = carryLength;
    carryLength = 0;
    while (!eof) {
      if (filled == buf.length) {
        int cut = lastNewline(buf, filled);
        if (cut >= 0) {
          return split(buf, filled, cut);
        }
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = in.read(buf, filled, buf.length - filled);
      if (n < 0) {
        eof = true;
        break;
      }
      filled += n;
    }
    if (filled == 0) {
      return null;
    }
    return new Chunk(next++, buf, filled);
  }

  private Chunk split(byte[] buf, int filled, int cut) {
    int rest = filled - cut - 1;
    if (carry.length < rest) {
      carry = new byte[Math.max(rest, 1024)];
    }
    System.arraycopy(buf, cut + 1, carry, 0, rest);
    carryLength = rest;
    return new Chunk(next++, buf, cut + 1);
  }

  private static int lastNewline(byte[] buf, int length) {
    for (int i = length - 1; i >= 0; i--) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
