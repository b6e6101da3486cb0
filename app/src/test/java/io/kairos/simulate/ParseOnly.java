package io.kairos.simulate;

import java.io.FileInputStream;

/** Manual probe: single-threaded read + parse throughput of a JSON Lines file. */
final class ParseOnly {
  public static void main(String[] args) throws Exception {
    for (int round = 0; round < 2; round++) {
      long t0 = System.nanoTime();
      long events = 0;
      long scanOnly = 0;
      try (FileInputStream in = new FileInputStream(args[0])) {
        LineChunks chunks = new LineChunks(in, 1 << 20);
        ChunkParser p = new ChunkParser();
        LineChunks.Chunk c;
        while ((c = chunks.next()) != null) {
          if (args.length > 1) {
            for (int i = 0; i < c.length(); i++) {
              if (c.data()[i] == '\n') {
                scanOnly++;
              }
            }
          } else {
            events += p.parse(c).count();
          }
        }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "%d events (%d lines scanned) in %.2f s: %.0f/s%n",
          events, scanOnly, s, Math.max(events, scanOnly) / s);
    }
  }
}
