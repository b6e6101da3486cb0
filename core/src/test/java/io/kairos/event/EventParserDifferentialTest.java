package io.kairos.event;

import static io.kairos.event.Messages.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kairos.event.EventParser.Result;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written scanner against Jackson: on mutated and on generated messages, {@link
 * EventParser} must refuse whatever Jackson's strict parser refuses as a single JSON object, accept
 * nothing as JSON that Jackson refuses, and give the same result — the same event, or the same
 * field and (outside JSON syntax errors, whose wording is the scanner's own) the same reason — as
 * the Jackson-based implementation it replaced ({@link JacksonEventParser}).
 */
class EventParserDifferentialTest {

  private static final ObjectMapper ORACLE =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .build();

  static {
    ORACLE
        .getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1000).build());
  }

  private static final InstantSource CLOCK =
      InstantSource.fixed(Instant.parse("2026-01-08T00:00:00Z"));

  private final EventParser parser = new EventParser();
  private final JacksonEventParser old = new JacksonEventParser(64, null);
  private final EventParser clocked = EventParser.builder().defaultTimestamp(CLOCK).build();
  private final JacksonEventParser oldClocked = new JacksonEventParser(64, CLOCK);

  @Test
  void mutatedMessagesAgreeWithJackson() {
    Random random = new Random(20261123L);
    byte[][] seeds =
        Arrays.stream(EventParserFuzzTest.SEEDS)
            .map(s -> json(s).getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);
    int parsed = 0;
    for (int round = 0; round < 300_000; round++) {
      byte[] m = EventParserFuzzTest.mutate(seeds[random.nextInt(seeds.length)], random);
      if (compare(m, round % 2 == 0)) {
        parsed++;
      }
    }
    assertThat(parsed).isGreaterThan(10_000);
  }

  @Test
  void generatedMessagesAgreeWithJackson() {
    Random random = new Random(8);
    int parsed = 0;
    for (int round = 0; round < 50_000; round++) {
      byte[] m = new Generator(random).message().getBytes(StandardCharsets.UTF_8);
      if (compare(m, round % 3 == 0)) {
        parsed++;
      }
      // and every prefix of some of them, which are all invalid
      if (round % 50 == 0) {
        for (int cut = 0; cut < m.length; cut += 1 + random.nextInt(7)) {
          compare(Arrays.copyOf(m, cut), false);
        }
      }
    }
    assertThat(parsed).isGreaterThan(5_000);
  }

  @Test
  void oddButValidJson() {
    String ok = "'userId':'u','timestamp':'2026-01-08T09:30:00Z'";
    String[] messages = {
      "{'event':'x',"
          + ok
          + ",'properties':{'a':-0,'b':0.0e+0,'c':1E5,'d':-12.5e-3,'e':[],'f':{}}}",
      "{'event':'x',"
          + ok
          + ",'properties':{'s':'\\ud83c\\udf0d \\u00E9 \\\" \\\\ \\/ \\b\\f\\n\\r\\t'}}",
      "{'event':'lone \\ud800 surrogate'," + ok + "}",
      "{'\\u0065vent':'escaped key'," + ok + ",'\\u0074ype':'track'}",
      "{'type':'\\u0070age','name':'P','properties':{'n\\u0061me':'kept'}," + ok + "}",
      "{'event':'x',"
          + ok
          + ",'context':{'timezone':'Europe/Berlin','locale':'fa-IR','ip':'1.2.3.4',"
          + "'location':{'latitude':1e1,'longitude':-180,'city':'x'}}}",
      " \t\r\n{'event':'x'," + ok + "} \r\n\t",
      "{'event':'x'," + ok + ",'userId':1}",
      "{'event':'x','userId':12345678901234567890123," + ok.substring(12) + "}",
      "{'event':'x','userId':1.5e2," + ok.substring(12) + "}",
      "{'event':'x','userId':1e400," + ok.substring(12) + "}",
      "{'event':'x'," + ok + ",'sentAt':{'userId':'nested'}}",
      "{'event':'x'," + ok + ",'x':truex}",
      "{'event':'x'," + ok + ",'x':[true,false,null]}",
      "{'event':'x'," + ok + ",'x':[1,]}",
      "{'event':'x'," + ok + ",'x':[,1]}",
      "{'event':'x'," + ok + ",'x':1.}",
      "{'event':'x'," + ok + ",'x':.5}",
      "{'event':'x'," + ok + ",'x':+1}",
      "{'event':'x'," + ok + ",'x':-}",
      "{'event':'x'," + ok + ",'x':'\\u12G4'}",
      "{'event':'x'," + ok + ",'x':'\\u12'}",
      "{'event':'x'," + ok + ",'x':Infinity}",
      "{'event':'x'," + ok + ",'x':-Infinity}",
      "{'event':'x'," + ok + ",'x':nul}",
      "{'event':'x'," + ok + ",'x':1 }",
      "{'event':'x'," + ok + ",'x':'a'b}",
      "{'event':'x'," + ok + ",'x':{'a' 1}}",
      "{'event':'x'," + ok + ",'x':{1:1}}",
      "{'event':'x'," + ok + "}1",
      "{'event':'x'," + ok + "}{}",
      "1x",
      "1 ",
      "-",
      "true}",
      "truex",
      "[",
      "'abc",
      "{",
      "{'event'",
      "{'event':",
      "{'event':'x'",
      "{'event':'x',",
      "{'type':tru}",
      "{'type':1x}",
      "{'type':01}",
      "{'properties':'unterminated",
      "{'event':'x'," + ok + ",'x':" + "9".repeat(1001) + "}",
      "{'event':'x'," + ok + ",'x':" + "9".repeat(1000) + "}",
      "{'event':'x'," + ok + ",'x':1." + "9".repeat(1000) + "}",
    };
    for (String m : messages) {
      compare(json(m).getBytes(StandardCharsets.UTF_8), false);
    }
  }

  // Returns whether the message parsed.
  private boolean compare(byte[] m, boolean withClock) {
    Result now = (withClock ? clocked : parser).parse(m, 0, m.length);
    Result before = (withClock ? oldClocked : old).parse(m, 0, m.length);
    String text = new String(m, StandardCharsets.UTF_8);
    boolean jsonObject = isJsonObject(m);
    boolean badUtf8 = Utf8.firstInvalid(m, 0, m.length) >= 0;
    if (!jsonObject) {
      assertThat(now).as("Jackson refuses %s", text).isInstanceOf(Result.Invalid.class);
    }
    if (now instanceof Result.Invalid i && i.field().equals(Result.Invalid.JSON) && !badUtf8) {
      assertThat(jsonObject).as("Jackson accepts %s but: %s", text, now).isFalse();
    }
    if (now instanceof Result.Parsed p) {
      assertThat(before).as("%s", text).isInstanceOf(Result.Parsed.class);
      assertThat(p.event()).as("%s", text).isEqualTo(((Result.Parsed) before).event());
      assertThat(p.event().properties().toJson())
          .isEqualTo(((Result.Parsed) before).event().properties().toJson());
      return true;
    }
    Result.Invalid i = (Result.Invalid) now;
    assertThat(before).as("%s: now %s", text, now).isInstanceOf(Result.Invalid.class);
    Result.Invalid b = (Result.Invalid) before;
    if (i.reason().startsWith("number value length")) {
      // Jackson reads a number ahead while returning the field name before it, so the old parser
      // named the previous field; the scanner names the field the number is in.
      assertThat(b.reason()).as("%s", text).isEqualTo(i.reason());
      return false;
    }
    assertThat(i.field()).as("%s: now %s, before %s", text, now, before).isEqualTo(b.field());
    if (!i.field().equals(Result.Invalid.JSON)) {
      assertThat(i.reason()).as("%s", text).isEqualTo(b.reason());
    }
    return false;
  }

  private static boolean isJsonObject(byte[] m) {
    try {
      JsonNode n = ORACLE.readTree(m);
      return n != null && n.isObject();
    } catch (Exception e) {
      return false;
    }
  }

  /** Random messages in the shapes senders use, with the JSON corners senders rarely use. */
  private static final class Generator {
    private static final String[] TYPES = {
      "track", "identify", "page", "screen", "group", "alias", "Track", ""
    };
    private static final String[] ZONES = {"Europe/Berlin", "Asia/Tehran", "UTC", "+03:30"};
    private final Random r;
    private final StringBuilder s = new StringBuilder();

    Generator(Random r) {
      this.r = r;
    }

    String message() {
      s.append(ws()).append('{');
      int fields = 0;
      if (r.nextInt(10) > 0) {
        field(fields++, "type").append(r.nextInt(20) == 0 ? "null" : q(pick(TYPES)));
      }
      if (r.nextBoolean()) {
        field(fields++, "messageId")
            .append(r.nextInt(20) == 0 ? "\"\"" : q("m-" + r.nextInt(1000)));
      }
      if (r.nextInt(10) > 0) {
        field(fields++, "userId").append(id());
      }
      if (r.nextInt(4) == 0) {
        field(fields++, "anonymousId").append(id());
      }
      String[] times = {"timestamp", "originalTimestamp", "sentAt", "receivedAt"};
      for (String t : times) {
        if (r.nextInt(3) == 0) {
          field(fields++, t).append(time());
        }
      }
      if (r.nextInt(4) > 0) {
        field(fields++, "event").append(r.nextInt(30) == 0 ? "\"\"" : q(text()));
      }
      if (r.nextInt(4) == 0) {
        field(fields++, "name").append(q(text()));
      }
      if (r.nextInt(6) == 0) {
        field(fields++, "category").append(q(text()));
      }
      if (r.nextInt(6) == 0) {
        field(fields++, "previousId").append(id());
      }
      if (r.nextInt(6) == 0) {
        field(fields++, "groupId").append(id());
      }
      if (r.nextInt(3) > 0) {
        field(fields++, "properties");
        object(0, true);
      }
      if (r.nextInt(4) == 0) {
        field(fields++, "traits");
        object(0, false);
      }
      if (r.nextInt(3) > 0) {
        field(fields++, "context");
        context();
      }
      if (r.nextInt(4) == 0) {
        field(fields++, "integrations");
        value(1);
      }
      if (r.nextInt(200) == 0) {
        field(fields, "userId").append(id()); // a duplicate
      }
      return s.append(ws()).append('}').append(ws()).toString();
    }

    private void context() {
      s.append('{');
      int n = 0;
      if (r.nextBoolean()) {
        field(n++, "timezone").append(q(pick(ZONES)));
      }
      if (r.nextBoolean()) {
        field(n++, "locale").append(q("fa-IR"));
      }
      if (r.nextBoolean()) {
        field(n++, "ip").append(q("10.0." + r.nextInt(255) + ".1"));
      }
      if (r.nextInt(3) == 0) {
        field(n++, "location")
            .append("{\"latitude\":")
            .append(r.nextInt(200) - 100)
            .append(".5,\"longitude\":")
            .append(r.nextInt(360) - 180)
            .append(",\"city\":\"x\"}");
      }
      if (r.nextInt(3) == 0) {
        field(n++, "traits");
        object(1, false);
      }
      if (r.nextInt(3) == 0) {
        field(n++, "page").append("{");
        String[] keys = {"path", "url", "title", "referrer", "search", "other"};
        int k = 0;
        for (String key : keys) {
          if (r.nextBoolean()) {
            field(k++, key);
            if (r.nextInt(8) == 0) {
              value(3);
            } else {
              s.append(q(text()));
            }
          }
        }
        s.append('}');
      }
      if (r.nextBoolean()) {
        field(n, "library").append("{\"name\":\"analytics-java\",\"version\":\"3.5.1\"}");
      }
      s.append('}');
    }

    private void object(int depth, boolean pageKeys) {
      s.append('{').append(ws());
      int n = r.nextInt(5);
      String[] keys = {"name", "category", "path", "url", "price", "k\\u00e9y", "na\\u006de", "é"};
      for (int i = 0; i < n; i++) {
        field(i, pageKeys || r.nextBoolean() ? pick(keys) : text());
        value(depth + 1);
      }
      s.append(ws()).append('}');
    }

    private void value(int depth) {
      int k = r.nextInt(depth > 4 ? 6 : 8);
      switch (k) {
        case 0 -> s.append(q(text()));
        case 1 -> s.append(number());
        case 2 -> s.append(pick(new String[] {"true", "false", "null"}));
        case 3, 4 -> s.append(q(text()));
        case 5 -> s.append(r.nextInt(1_000_000));
        case 6 -> object(depth, false);
        default -> {
          s.append('[').append(ws());
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            if (i > 0) {
              s.append(',').append(ws());
            }
            value(depth + 1);
          }
          s.append(ws()).append(']');
        }
      }
    }

    private StringBuilder field(int index, String name) {
      if (index > 0) {
        s.append(ws()).append(',').append(ws());
      }
      return s.append('"').append(name).append('"').append(ws()).append(':').append(ws());
    }

    private String id() {
      return switch (r.nextInt(8)) {
        case 0 -> "null";
        case 1 -> Integer.toString(r.nextInt(100_000) - 50);
        case 2 -> r.nextInt(1000) + ".0";
        case 3 -> r.nextInt(1000) + ".25";
        case 4 -> "\"\"";
        case 5 -> "true";
        default -> q("user-" + r.nextInt(1000));
      };
    }

    private String time() {
      return switch (r.nextInt(8)) {
        case 0 -> "null";
        case 1 -> "1767864600000";
        case 2 -> q("2026-01-08T09:30:00");
        case 3 -> q("2026-01-08T09:30:00.123+03:30");
        case 4 -> q("2026-01-08T09:30:00\\u005a");
        default -> q("2026-01-0" + (1 + r.nextInt(9)) + "T09:30:00Z");
      };
    }

    private String number() {
      String[] n = {"0", "-0", "1.5", "-2.25e3", "1E-7", "0.0", "12345678901234567890", "3e+2"};
      return pick(n);
    }

    private String text() {
      String[] parts = {
        "Order Completed",
        "a",
        "سلام",
        "🌍",
        "\\n",
        "\\\"",
        "\\\\",
        "\\/",
        "\\u00e9",
        "\\ud83c\\udf0d",
        "x y",
        "\\t",
        "long text that goes past eight bytes",
        "",
      };
      StringBuilder t = new StringBuilder();
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        t.append(pick(parts));
      }
      return t.toString();
    }

    private String ws() {
      return r.nextInt(5) > 0 ? "" : pick(new String[] {" ", "\n", "\t", "\r\n ", "  "});
    }

    private static String q(String raw) {
      return "\"" + raw + "\"";
    }

    private String pick(String[] options) {
      return options[r.nextInt(options.length)];
    }
  }
}
