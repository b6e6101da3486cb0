package io.kairos.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StringCacheTest {

  @Test
  void returnsTheSameInstanceForTheSameCharacters() {
    StringCache cache = new StringCache(16, 8);
    char[] a = "xxProduct".toCharArray();

    String first = cache.get(a, 2, 7);

    assertThat(first).isEqualTo("Product");
    assertThat(cache.get("Product".toCharArray(), 0, 7)).isSameAs(first);
  }

  @Test
  void collisionsAndLongStringsStillGiveTheRightText() {
    StringCache cache = new StringCache(2, 8);
    for (int i = 0; i < 100; i++) {
      String s = "e" + i;
      assertThat(cache.get(s.toCharArray(), 0, s.length())).isEqualTo(s);
    }
    String longer = "a rather long event name";

    assertThat(cache.get(longer.toCharArray(), 0, longer.length())).isEqualTo(longer);
  }

  @Test
  void bytesGiveTheSameInstanceForAsciiAndTheRightTextForAnything() {
    StringCache cache = new StringCache(4, 32);
    String[] texts = {
      "", "a", "Product", "Products", "Product Added", "Wishlist Product Added", "سلام", "é"
    };
    for (int round = 0; round < 3; round++) {
      for (String t : texts) {
        byte[] b = ("xx" + t + "yy").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = b.length - 4;
        String got = cache.get(b, 2, n);
        assertThat(got).isEqualTo(t);
        if (t.chars().allMatch(c -> c < 0x80)) {
          // the most recent lookup of a slot is always found again
          assertThat(cache.get(b, 2, n)).isSameAs(got);
        }
      }
    }
    byte[] longer =
        "a name longer than the cached maximum".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(cache.get(longer, 0, longer.length))
        .isEqualTo("a name longer than the cached maximum");
  }
}
