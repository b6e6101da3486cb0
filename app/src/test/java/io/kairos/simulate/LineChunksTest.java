package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineChunksTest {
  /** Hands out at most a few bytes per read, as a pipe or a slow disk may. */
  private static InputStream trickle(byte[] data, Random r) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + r.nextInt(50)));
      }
    };
  }

  @Test
  void chunksEndOnLineBoundariesAndLoseNothing() throws IOException {
    Random r = new Random(5);
    for (int round = 0; round < 300; round++) {
      StringBuilder text = new StringBuilder();
      int lines = r.nextInt(40);
      for (int i = 0; i < lines; i++) {
        text.append("x".repeat(r.nextInt(r.nextInt(10) == 0 ? 300 : 30))).append("ü").append('\n');
      }
      if (r.nextBoolean()) {
        text.append("last line without newline");
      }
      byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
      LineChunks chunks = new LineChunks(trickle(data, r), 16 + r.nextInt(64));
      List<Byte> all = new ArrayList<>();
      LineChunks.Chunk c;
      long index = 0;
      while ((c = chunks.next()) != null) {
        assertThat(c.index()).isEqualTo(index++);
        boolean isLast = all.size() + c.length() == data.length;
        if (!isLast) {
          assertThat(c.data()[c.length() - 1])
              .as("a chunk ends with a newline")
              .isEqualTo((byte) '\n');
        }
        for (int i = 0; i < c.length(); i++) {
          all.add(c.data()[i]);
        }
      }
      byte[] joined = new byte[all.size()];
      for (int i = 0; i < joined.length; i++) {
        joined[i] = all.get(i);
      }
      assertThat(joined).isEqualTo(data);
    }
  }
}
