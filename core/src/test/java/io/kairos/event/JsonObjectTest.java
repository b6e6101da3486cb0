package io.kairos.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonObjectTest {

  private static JsonObject of(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return JsonObject.ofBytes(b, 0, b.length);
  }

  @Test
  void integersStayLongsAndOnlyHugeOnesBecomeDoubles() {
    JsonObject o = of("{\"n\":2,\"huge\":123456789012345678901234,\"d\":2.0}");

    assertThat(o.get("n")).isInstanceOf(Long.class).isEqualTo(2L);
    assertThat(o.get("huge")).isInstanceOf(Double.class);
    assertThat(o.get("d")).isInstanceOf(Double.class).isEqualTo(2.0);
  }

  @Test
  void whitespaceBetweenTheBracesIsEmpty() {
    assertThat(of("{ \n\t }").isEmpty()).isTrue();
    assertThat(of("{}").isEmpty()).isTrue();
    assertThat(of("{\"a\":1}").isEmpty()).isFalse();
    assertThat(of("{ \"a\" : 1 }").isEmpty()).isFalse();
  }
}
