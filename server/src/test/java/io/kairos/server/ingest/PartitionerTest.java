package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PartitionerTest {

  private static int murmur(String s, int seed) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return Partitioner.murmur3(b, 0, b.length, seed);
  }

  @Test
  void murmur3MatchesTheReferenceVectors() {
    // MurmurHash3_x86_32 reference values (SMHasher).
    assertThat(murmur("", 0)).isZero();
    assertThat(murmur("", 1)).isEqualTo(0x514E28B7);
    assertThat(murmur("hello", 0)).isEqualTo(0x248BFA47);
    assertThat(murmur("The quick brown fox jumps over the lazy dog", 0)).isEqualTo(0x2E4FF723);
    assertThat(murmur("abc", 0)).isEqualTo(0xB3DD93FA);
  }

  @Test
  void partitionsAreStableSpreadAndInRange() {
    Partitioner p = new Partitioner(4);
    // Fixed forever: the runtime and the stored rows depend on these values.
    assertThat(p.partition("default", "user-1")).isEqualTo(p.partition("default", "user-1"));
    int[] counts = new int[4];
    for (int i = 0; i < 10_000; i++) {
      counts[p.partition("default", "user-" + i)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(2_200, 2_800);
    }
    // The workspace is part of the key.
    int differ = 0;
    for (int i = 0; i < 100; i++) {
      if (p.partition("a", "u" + i) != p.partition("b", "u" + i)) {
        differ++;
      }
    }
    assertThat(differ).isGreaterThan(50);
    assertThat(new Partitioner(1).partition("x", "y")).isZero();
    assertThatThrownBy(() -> new Partitioner(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
