package io.kairos.event;

import static io.kairos.event.Messages.json;
import static io.kairos.event.Messages.parsed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lazily kept objects are exactly the sender's bytes, wherever the message sits. */
class EventParserBytesTest {

  // Persian text and emoji (4-byte UTF-8, a surrogate pair in Java) before and inside the slices.
  private static final String PROPERTIES =
      "{'title':'سلام دنیا 🌍','emoji':'👩‍💻🎉','nested':{'شهر':'شیراز','n':[1,2.5,'ب']},"
          + "'escaped':'\\u00e9\\ud83d\\ude00\\''}";
  private static final String CONTEXT =
      "{'timezone':'Asia/Tehran','locale':'fa-IR','page':{'title':'صفحه 📄'},"
          + "'traits':{'نام':'مریم 🌸'}}";
  private static final String MESSAGE =
      "{'anonymousId':'ناشناس-۱۲۳ 😀','type':'track','event':'خرید 🛒','timestamp':'2026-03-20T12:00:00+03:30',"
          + "'properties':"
          + PROPERTIES
          + ",'context':"
          + CONTEXT
          + "}";

  private final EventParser parser = new EventParser();

  @Test
  void slicesAreExactInsideALargerBuffer() {
    byte[] message = json(MESSAGE).getBytes(StandardCharsets.UTF_8);
    byte[] buf = new byte[message.length + 200];
    Arrays.fill(buf, (byte) '#');
    byte[] before = "{'decoy':'ذ🎯'}\n".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(before, 0, buf, 0, before.length);
    int offset = before.length + 33;
    System.arraycopy(message, 0, buf, offset, message.length);

    Event e = parsed(parser.parse(buf, offset, message.length));
    Arrays.fill(buf, (byte) 0); // the event must not depend on the caller's buffer

    assertThat(e.anonymousId()).isEqualTo("ناشناس-۱۲۳ 😀");
    assertThat(e.name()).isEqualTo("خرید 🛒");
    assertThat(e.properties().toJson()).isEqualTo(json(PROPERTIES));
    assertThat(e.context().raw().toJson()).isEqualTo(json(CONTEXT));
    assertThat(e.traits().toJson()).isEqualTo(json("{'نام':'مریم 🌸'}"));
    assertThat(e.properties().asMap())
        .containsEntry("title", "سلام دنیا 🌍")
        .containsEntry("emoji", "👩‍💻🎉")
        .containsEntry("escaped", "é😀\"")
        .containsEntry("nested", Map.of("شهر", "شیراز", "n", List.of(1L, 2.5, "ب")));
  }

  @Test
  void pagePropertiesKeepMultiByteValuesIntact() {
    String msg =
        "{'type':'page','userId':'کاربر','timestamp':'2026-03-20T12:00:00Z','name':'قیمت‌ها 💰',"
            + "'properties':{'مسیر':'/fa/قیمت'},'context':{'page':{'title':'عنوان ✨',"
            + "'url':'https://x.ir/fa/%D9%82'}}}";

    Event e = parsed(parser.parse(json(msg)));

    assertThat(e.properties().toJson())
        .isEqualTo(
            json(
                "{'مسیر':'/fa/قیمت','name':'قیمت‌ها 💰','url':'https://x.ir/fa/%D9%82',"
                    + "'title':'عنوان ✨'}"));
    assertThat(e.properties().asMap()).containsEntry("name", "قیمت‌ها 💰");
  }

  @Test
  void numbersKeepTheirKind() {
    String msg =
        "{'event':'Order Completed','userId':'u','timestamp':'2026-01-01T00:00:00Z',"
            + "'properties':{'quantity':2,'price':19.99,'total':1e3,'zero':0,'negative':-7,"
            + "'big':9223372036854775807,'bigger':92233720368547758070,'fraction':0.5,"
            + "'exp':2.5E-3,'flag':true,'none':null}}";

    Map<String, Object> p = parsed(parser.parse(json(msg))).properties().asMap();

    assertThat(p.get("quantity")).isEqualTo(2L);
    assertThat(p.get("price")).isEqualTo(19.99);
    assertThat(p.get("total")).isEqualTo(1000.0);
    assertThat(p.get("zero")).isEqualTo(0L);
    assertThat(p.get("negative")).isEqualTo(-7L);
    assertThat(p.get("big")).isEqualTo(Long.MAX_VALUE);
    assertThat(p.get("bigger")).isEqualTo(9.223372036854776E19);
    assertThat(p.get("fraction")).isEqualTo(0.5);
    assertThat(p.get("exp")).isEqualTo(0.0025);
    assertThat(p.get("flag")).isEqualTo(Boolean.TRUE);
    assertThat(p).containsEntry("none", null);
  }

  @Test
  void whitespaceOnlyObjectsAreEmpty() {
    String msg =
        "{'event':'x','userId':'u','timestamp':'2026-01-01T00:00:00Z','properties':{ \n\t},"
            + "'context':{}}";

    Event e = parsed(parser.parse(json(msg)));

    assertThat(e.properties()).isSameAs(JsonObject.EMPTY);
    assertThat(e.context().raw()).isSameAs(JsonObject.EMPTY);
  }
}
