package io.kairos.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.Definitions;
import io.kairos.journey.JourneyLoadException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentDefinitionsTest {

  private static List<String> problems(String... files) {
    List<DefinitionLoader.Source> sources = new java.util.ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      sources.add(new DefinitionLoader.Source("f" + i + ".yaml", files[i]));
    }
    try {
      new DefinitionLoader().load(sources);
      return List.of();
    } catch (JourneyLoadException e) {
      return e.problems().stream().map(Object::toString).toList();
    }
  }

  @Test
  void readsSegmentsWithDefaults() {
    Definitions d =
        World.load(
            """
            segments:
              - id: vip
                name: VIP customers
                description: Two orders in 30 days
                where: count("Order Completed", duration("30d")) >= 2
              - id: pro
                where: profile.plan == "pro"
            """);
    assertThat(d.segments()).extracting(Segment::id).containsExactly("vip", "pro");
    assertThat(d.segments().get(1).name()).isEqualTo("pro");
    assertThat(d.segments().get(1).description()).isEmpty();
    assertThat(d.segments().get(0).where().usage().windows())
        .containsEntry("Order Completed", 30L * 86_400_000L);
  }

  @Test
  void reportsEveryProblemWithFileLineAndColumn() {
    String segments =
        """
        segments:
          - id: VIP
            where: count("A") > 1
          - id: lapsed
            wher: "true"
          - id: noon
            where: now.getHours() > 12 && true
          - id: a
            where: in_segment("b")
          - id: b
            where: in_segment("a")
          - id: c
            where: in_segment("nope")
          - id: c
            where: "true"
          - id: d
            where: count("A", duration("3x")) > 1
        """;
    String journey =
        """
        id: j
        goal: g
        trigger: { segment_entered: vipp }
        steps: [exit]
        """;
    assertThat(problems(segments, journey))
        .containsExactly(
            "f0.yaml:2:9: invalid segment id 'VIP': use lowercase letters, digits, '-' and '_',"
                + " starting with a letter or digit",
            "f0.yaml:4:5: missing required key 'where' in segment",
            "f0.yaml:5:5: unknown key 'wher' in segment; expected one of id, name, description,"
                + " where",
            "f0.yaml:7:12: invalid CEL in 'where': "
                + io.kairos.expr.ExpressionCompilerFacts.NOW_RULE,
            "f0.yaml:9:12: segment 'a' depends on itself: a -> b -> a; a segment's membership"
                + " cannot be defined by its own",
            "f0.yaml:11:12: segment 'b' depends on itself: b -> a -> b; a segment's membership"
                + " cannot be defined by its own",
            "f0.yaml:13:12: in_segment(\"nope\"): no segment with id 'nope'; the segments are a, b,"
                + " c",
            "f0.yaml:14:9: segment id 'c' is already used in f0.yaml",
            "f0.yaml:17:32: invalid CEL in 'where': invalid duration: invalid duration format",
            "f1.yaml:3:29: no segment with id 'vipp' for 'segment_entered'; the segments are a, b,"
                + " c");
  }

  @Test
  void aJourneyAloneIsNotCheckedAgainstSegments() throws Exception {
    assertThat(
            new io.kairos.journey.JourneyLoader()
                .load("j.yaml", "id: j\ngoal: g\ntrigger: { segment_exited: vip }\nsteps: [exit]\n")
                .trigger())
        .isEqualTo(new io.kairos.journey.Trigger.SegmentExited("vip"));
    assertThatThrownBy(() -> World.load("segments: { id: x }"))
        .hasMessageContaining("'segments' must be a list, not a mapping");
  }
}
