package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NewlinesTest {
  @Test
  void findsTheSameNewlinesAsAByteLoop() {
    Random r = new Random(11);
    for (int round = 0; round < 2_000; round++) {
      byte[] a = new byte[r.nextInt(64)];
      for (int i = 0; i < a.length; i++) {
        int k = r.nextInt(10);
        a[i] = (byte) (k == 0 ? '\n' : k == 1 ? 0x8A : k == 2 ? 0x0B : r.nextInt(256));
      }
      int from = a.length == 0 ? 0 : r.nextInt(a.length);
      int expected = a.length;
      for (int i = from; i < a.length; i++) {
        if (a[i] == '\n') {
          expected = i;
          break;
        }
      }
      assertThat(Newlines.next(a, from, a.length)).isEqualTo(expected);
    }
  }
}
