package io.kairos.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.journey.JourneyLoadException;
import io.kairos.journey.Trigger;
import java.util.List;
import org.junit.jupiter.api.Test;

class AudienceTest {
  private static final String SEGMENTS =
      """
      segments:
        - id: newsletter
          where: has(profile.newsletter) && profile.newsletter == true
      """;

  private static String journey(String audience) {
    return """
        id: launch
        goal: g
        trigger:
          schedule: "2026-09-15T10:00"
          audience: %s
        steps: [exit]
        """
        .formatted(audience);
  }

  @Test
  void aScheduleAudienceIsADefinedSegment() throws Exception {
    Definitions d =
        new DefinitionLoader()
            .load(
                List.of(
                    new DefinitionLoader.Source("a.yaml", SEGMENTS),
                    new DefinitionLoader.Source("j.yaml", journey("newsletter"))));
    assertThat(((Trigger.Schedule) d.journeys().get(0).trigger()).audience())
        .isEqualTo("newsletter");
  }

  @Test
  void anUnknownAudienceIsReportedWhereItIsWritten() {
    assertThatThrownBy(
            () ->
                new DefinitionLoader()
                    .load(
                        List.of(
                            new DefinitionLoader.Source("a.yaml", SEGMENTS),
                            new DefinitionLoader.Source("j.yaml", journey("newsleter")))))
        .isInstanceOf(JourneyLoadException.class)
        .hasMessage(
            "j.yaml:5:13: no segment with id 'newsleter' for 'audience'; the segments are"
                + " newsletter");
  }
}
