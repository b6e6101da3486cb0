package io.kairos.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

  @Test
  void acceptsWellFormedText() {
    byte[] b = "ascii سلام 👩‍💻 \u00e9\u0800\uffff".getBytes(StandardCharsets.UTF_8);

    assertThat(Utf8.firstInvalid(b, 0, b.length)).isEqualTo(-1);
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    Random random = new Random(7);
    for (int round = 0; round < 50_000; round++) {
      byte[] b = new byte[random.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        // Mostly ASCII so the eight-byte fast path runs, with some high and zero bytes.
        int r = random.nextInt(10);
        b[i] = (byte) (r < 6 ? 0x20 + random.nextInt(0x5F) : r < 9 ? random.nextInt(256) : 0);
      }
      boolean jdk = jdkAccepts(b) && !zeroInFirstFour(b);

      assertThat(Utf8.firstInvalid(b, 0, b.length) < 0).as("%s", hex(b)).isEqualTo(jdk);
    }
  }

  @Test
  void reportsTheIndexRelativeToTheOffset() {
    byte[] b = {'x', 'x', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', (byte) 0xC3, 'j'};

    assertThat(Utf8.firstInvalid(b, 2, b.length - 2)).isEqualTo(9);
  }

  private static boolean jdkAccepts(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean zeroInFirstFour(byte[] b) {
    for (int i = 0; i < Math.min(4, b.length); i++) {
      if (b[i] == 0) {
        return true;
      }
    }
    return false;
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x ", x));
    }
    return s.toString();
  }
}
