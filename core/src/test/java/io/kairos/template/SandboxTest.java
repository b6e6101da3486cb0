package io.kairos.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.template.RenderResult.Failed;
import io.kairos.template.RenderResult.Reason;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SandboxTest {
  private static final RenderLimits SMALL = new RenderLimits(2_000, 50, 1_000);
  private final TemplateRenderer renderer = new TemplateRenderer(SMALL, 16);
  private final RenderContext context =
      RenderContext.builder(0)
          .recommendations(List.of(Map.of("name", "a"), Map.of("name", "b"), Map.of("name", "c")))
          .build();

  private Failed fails(String text) {
    RenderResult r = renderer.render(Templates.sms(text), 1, context, StopSignal.NEVER);
    assertThat(r).as(text).isInstanceOf(Failed.class);
    return (Failed) r;
  }

  private String renders(String text) {
    return renderer
        .render(Templates.sms(text), 1, context, StopSignal.NEVER)
        .orThrow()
        .field("text");
  }

  @Test
  void includeAndRenderAreRefusedWhereverTheyAre() {
    for (String text :
        List.of(
            "{% include 'secrets.txt' %}",
            "ok\n{% if true %}{% include '/etc/passwd' %}{% endif %}",
            "{% include 'footer' with profile %}",
            "{% include_relative ../x.liquid %}",
            "{% render 'footer' %}")) {
      Failed f = fails(text);
      assertThat(f.reason()).as(text).isEqualTo(Reason.INCLUDE_REFUSED);
      assertThat(f.message())
          .as(text)
          .startsWith("text: line ")
          .endsWith("is not allowed: a template cannot read files or other templates");
    }
    assertThat(fails("ok\n{% if true %}{% include '/etc/passwd' %}{% endif %}").line())
        .isEqualTo(2);
  }

  @Test
  void whereExpIsNotAvailableSinceItRunsDataAsLiquid() {
    Failed f = fails("{{ recommendations | where_exp: 'p', profile.expression | size }}");
    assertThat(f.reason()).isEqualTo(Reason.SYNTAX);
    assertThat(f.message()).isEqualTo("text: line 1, column 22: unknown filter 'where_exp'");
    assertThat(renders("{{ recommendations | where: 'name', 'b' | size }}")).isEqualTo("1");
  }

  @Test
  void loopsStopAtTheIterationLimitCountingNestedLoopsTogether() {
    assertThat(renders("{% for i in (1..50) %}.{% endfor %}")).hasSize(50);
    Failed f = fails("{% for i in (1..51) %}.{% endfor %}");
    assertThat(f.reason()).isEqualTo(Reason.TOO_MANY_ITERATIONS);
    assertThat(f.message())
        .isEqualTo("text: more than 50 loop iterations (the limit is maxLoopIterations)");
    // 3 x 15 inner + 3 outer = 48 fits; 3 x 16 + 3 = 51 does not.
    assertThat(
            renders(
                "{% for p in recommendations %}{% for i in (1..15) %}.{% endfor %}{% endfor %}"))
        .hasSize(45);
    assertThat(
            fails("{% for p in recommendations %}{% for i in (1..16) %}.{% endfor %}{% endfor %}")
                .reason())
        .isEqualTo(Reason.TOO_MANY_ITERATIONS);
    // A range far beyond the limit fails at the limit, without building the range.
    assertThat(fails("{% for i in (1..2000000000) %}{% endfor %}").reason())
        .isEqualTo(Reason.TOO_MANY_ITERATIONS);
  }

  @Test
  void outputStopsAtTheOutputLimit() {
    assertThat(renders("{% for i in (1..20) %}0123456789{% endfor %}")).hasSize(200);
    Failed f = fails("{% for i in (1..40) %}0123456789012345678901234567890{% endfor %}");
    assertThat(f.reason()).isEqualTo(Reason.OUTPUT_TOO_LARGE);
    assertThat(f.message())
        .isEqualTo("text: the output is longer than the limit of 1000 characters");
  }

  @Test
  void filtersCannotGrowAValuePastTheLimit() {
    // Doubling by assign does not pass through output, so each filter result is checked.
    Failed doubling =
        fails(
            "{% assign s = 'xxxxxxxxxx' %}{% for i in (1..20) %}{% assign s = s | append: s %}"
                + "{% endfor %}{{ s | size }}");
    assertThat(doubling.reason()).isEqualTo(Reason.OUTPUT_TOO_LARGE);
    assertThat(doubling.message()).contains("the result of append");
    // replace can square a length in one call; it is refused before it builds anything.
    Failed squared =
        fails(
            "{% capture a %}{% for i in (1..30) %}aaaaaaaaaaaaaaaaaaaa{% endfor %}{% endcapture %}"
                + "{{ a | replace: 'a', a | size }}");
    assertThat(squared.reason()).isEqualTo(Reason.OUTPUT_TOO_LARGE);
    assertThat(squared.message()).contains("the result of replace");
    assertThat(BoundedFilter.replacedLength("abcabc", "b", "xyz")).isEqualTo(10);
    assertThat(BoundedFilter.replacedLength("ab", "", "-")).isEqualTo(5);
    assertThat(BoundedFilter.replacedLength("a".repeat(100_000), "a", "a".repeat(100_000)))
        .isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void aTemplateOverTheSizeLimitDoesNotCompile() {
    String comment = "{% comment %}" + "a".repeat(2_000 - 31) + "{% endcomment %}ok";
    assertThat(comment).hasSize(2_000);
    assertThat(renders(comment)).isEqualTo("ok");
    Failed f = fails(comment + " ");
    assertThat(f.reason()).isEqualTo(Reason.TEMPLATE_TOO_LARGE);
    assertThat(f.message()).isEqualTo("text: the text is 2001 characters; the limit is 2000");
  }

  @Test
  void aStopSignalEndsTheRender() {
    AtomicInteger asked = new AtomicInteger();
    StopSignal afterTen = () -> asked.incrementAndGet() > 10;
    RenderResult r =
        renderer.render(
            Templates.sms("{% for i in (1..40) %}{{ i }}{% endfor %}"), 1, context, afterTen);
    assertThat(r)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.STOPPED);
              assertThat(f.message()).isEqualTo("text: rendering stopped before it finished");
            });
    assertThat(asked.get()).isEqualTo(11); // it stopped at the first "yes"
  }

  @Test
  void anInterruptedThreadStopsTheRenderAndKeepsItsFlag() {
    Thread.currentThread().interrupt();
    try {
      RenderResult r = renderer.render(Templates.sms("hello"), 1, context);
      assertThat(r)
          .isInstanceOfSatisfying(
              Failed.class, f -> assertThat(f.reason()).isEqualTo(Reason.STOPPED));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted(); // clear it for the next test
    }
    assertThat(renderer.render(Templates.sms("hello"), 1, context).orThrow().field("text"))
        .isEqualTo("hello");
  }

  @Test
  void limitsAndCacheSizeAreValidated() {
    assertThatThrownBy(() -> new RenderLimits(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTemplateChars: must be at least 1, got 0");
    assertThatThrownBy(() -> new RenderLimits(1, -5, 1))
        .hasMessage("maxLoopIterations: must be at least 1, got -5");
    assertThatThrownBy(() -> new RenderLimits(1, 1, 0))
        .hasMessage("maxOutputChars: must be at least 1, got 0");
    assertThatThrownBy(() -> new TemplateRenderer(RenderLimits.DEFAULTS, 0))
        .hasMessage("cacheEntries: must be at least 1, got 0");
    assertThat(RenderLimits.DEFAULTS).isEqualTo(new RenderLimits(262_144, 10_000, 1_048_576));
  }
}
