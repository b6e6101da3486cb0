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
}
