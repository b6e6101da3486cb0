package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonScanTest {

  private static JsonScan scan(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return new JsonScan(b, b.length);
  }

  private static String text(String json, int from, int to) {
    return new String(
        json.getBytes(StandardCharsets.UTF_8), from, to - from, StandardCharsets.UTF_8);
  }

  @Test
  void membersAreDelimitedWithEscapedNamesAndNestedValues() {
    String json = " {\"a\" : [1, {\"x\":\"}\"}], \"b\\u0074\":\"q\\\"\", \"c\":null} ";
    JsonScan s = scan(json);
    int[] end = new int[1];
    List<JsonScan.Member> m = s.members(s.skipWs(0), true, 8, end);
    assertThat(m).hasSize(3);
    assertThat(text(json, m.get(0).valueStart(), m.get(0).valueEnd()))
        .isEqualTo("[1, {\"x\":\"}\"}]");
    assertThat(s.nameIs(m.get(1), "bt")).isTrue();
    assertThat(s.text(m.get(1).valueStart() + 1, m.get(1).valueEnd() - 1)).isEqualTo("q\"");
    assertThat(s.isNull(m.get(2).valueStart(), m.get(2).valueEnd())).isTrue();
    assertThat(s.skipWs(end[0])).isEqualTo(json.length());
  }

  @Test
  void elementsOfABatchAreFoundWithoutValidatingInsideObjects() {
    String json = "[{\"a\":tru}, \"s\", {\"b\":[]} ]";
    JsonScan s = scan(json);
    int[] spans = s.elements(0, 8, new int[1]);
    assertThat(spans).hasSize(6);
    assertThat(text(json, spans[0], spans[1])).isEqualTo("{\"a\":tru}");
    assertThat(text(json, spans[2], spans[3])).isEqualTo("\"s\"");
    assertThat(text(json, spans[4], spans[5])).isEqualTo("{\"b\":[]}");
  }

  @Test
  void validationIsStrictAndIterative() {
    String ok = "{\"a\":[1,-2.5e3,true,false,null,\"\\u00e9\"]} ";
    assertThat(scan(ok).skipValue(0, 8)).isEqualTo(ok.length() - 1);
    for (String bad :
        List.of(
            "[1,]", "{\"a\" 1}", "01", "[tru]", "\"\\x\"", "\"a\nb\"", "{'a':1}", "[1 2]", "-")) {
      assertThatThrownBy(() -> scan(bad).skipValue(0, 8))
          .as(bad)
          .isInstanceOf(JsonScan.Malformed.class);
    }
    String deep = "[".repeat(200_000) + "]".repeat(200_000);
    assertThatThrownBy(() -> scan(deep).skipValue(0, 64))
        .isInstanceOf(JsonScan.Malformed.class)
        .hasMessageContaining("nested deeper than 64 levels");
    assertThat(scan(deep).skipFast(0)).isEqualTo(400_000);
  }
}
