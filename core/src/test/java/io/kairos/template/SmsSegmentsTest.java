package io.kairos.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.template.SmsSegments.Encoding;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmsSegmentsTest {
  private static String times(String s, int n) {
    return s.repeat(n);
  }

  @Test
  void gsmSevenFillsOneSegmentUpTo160Septets() {
    assertThat(SmsSegments.of(times("a", 160)))
        .isEqualTo(new SmsSegments(Encoding.GSM_7, 160, 1, null));
    assertThat(SmsSegments.of(times("a", 161)))
        .isEqualTo(new SmsSegments(Encoding.GSM_7, 161, 2, null));
    assertThat(SmsSegments.of(times("a", 306)).segments()).isEqualTo(2);
    assertThat(SmsSegments.of(times("a", 307)).segments()).isEqualTo(3);
    assertThat(SmsSegments.of("")).isEqualTo(new SmsSegments(Encoding.GSM_7, 0, 0, null));
  }

  @Test
  void theWholeGsmAlphabetStaysGsmSeven() {
    String basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    assertThat(SmsSegments.of(basic).encoding()).isEqualTo(Encoding.GSM_7);
    assertThat(SmsSegments.of(basic).units()).isEqualTo(basic.length());
    assertThat(SmsSegments.of("^{}\\[~]|€\f"))
        .isEqualTo(new SmsSegments(Encoding.GSM_7, 20, 1, null));
  }

  @Test
  void extensionCharactersCountTwiceAtTheBoundary() {
    assertThat(SmsSegments.of(times("a", 158) + "€"))
        .isEqualTo(new SmsSegments(Encoding.GSM_7, 160, 1, null));
    assertThat(SmsSegments.of(times("a", 159) + "€"))
        .isEqualTo(new SmsSegments(Encoding.GSM_7, 161, 2, null));
    // 152 + 2 does not fit a 153-septet part: the escape pair moves whole to the next part,
    // so 306 septets need three parts, not two.
    assertThat(SmsSegments.of(times("a", 152) + "{" + times("a", 152)))
        .isEqualTo(new SmsSegments(Encoding.GSM_7, 306, 3, null));
    assertThat(SmsSegments.of(times("a", 151) + "{" + times("a", 153)))
        .isEqualTo(new SmsSegments(Encoding.GSM_7, 306, 2, null));
  }

  @Test
  void anythingElseIsUcs2With70And67Units() {
    String persian = "س";
    assertThat(SmsSegments.of(times(persian, 70)))
        .isEqualTo(new SmsSegments(Encoding.UCS_2, 70, 1, "س"));
    assertThat(SmsSegments.of(times(persian, 71)))
        .isEqualTo(new SmsSegments(Encoding.UCS_2, 71, 2, "س"));
    assertThat(SmsSegments.of(times(persian, 134)).segments()).isEqualTo(2);
    assertThat(SmsSegments.of(times(persian, 135)).segments()).isEqualTo(3);
    // One curly quote turns a GSM text into UCS-2, and the result says which.
    SmsSegments quote = SmsSegments.of("It’s here");
    assertThat(quote.encoding()).isEqualTo(Encoding.UCS_2);
    assertThat(quote.firstNonGsm()).isEqualTo("’");
  }

  @Test
  void anEmojiTakesTwoUnitsAndIsNeverSplit() {
    assertThat(SmsSegments.of("Hi 😀")).isEqualTo(new SmsSegments(Encoding.UCS_2, 5, 1, "😀"));
    assertThat(SmsSegments.of(times("a", 68) + "😀"))
        .isEqualTo(new SmsSegments(Encoding.UCS_2, 70, 1, "😀"));
    assertThat(SmsSegments.of(times("a", 69) + "😀"))
        .isEqualTo(new SmsSegments(Encoding.UCS_2, 71, 2, "😀"));
    // 66 units + a pair does not fit 67: the pair opens the second part, so 134 units take 3.
    assertThat(SmsSegments.of(times("a", 66) + "😀" + times("a", 66)))
        .isEqualTo(new SmsSegments(Encoding.UCS_2, 134, 3, "😀"));
    assertThat(SmsSegments.of(times("a", 65) + "😀" + times("a", 67)).segments()).isEqualTo(2);
  }

  @Test
  void theRendererReportsTheRenderedTextsSegments() {
    TemplateRenderer renderer = new TemplateRenderer();
    MessageTemplate t =
        Templates.sms(
            "{{ profile.first_name }}: your code is {{ journey.code }} {{ journey.icon }}");
    RenderContext c =
        RenderContext.builder(0)
            .profile(Map.of("first_name", "Ana"))
            .journey("otp", "1", "send", Map.of("code", "123456", "icon", "🔐"))
            .build();
    SmsSegments s = renderer.render(t, 1, c).orThrow().sms();
    assertThat(s).isEqualTo(new SmsSegments(Encoding.UCS_2, 27, 1, "🔐"));
    RenderContext plain =
        RenderContext.builder(0)
            .profile(Map.of("first_name", "Ana"))
            .journey("otp", "1", "send", Map.of("code", "123456", "icon", "[ok]"))
            .build();
    assertThat(renderer.render(t, 1, plain).orThrow().sms())
        .isEqualTo(new SmsSegments(Encoding.GSM_7, 31, 1, null));
  }
}
