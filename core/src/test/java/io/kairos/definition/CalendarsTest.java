package io.kairos.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.journey.JourneyLoadException;
import io.kairos.journey.Trigger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code calendars:} section and schedules that name its dates. */
class CalendarsTest {
  private static final String CALENDARS =
      """
      calendars:
        holidays:
          christmas-eve: "12-24"
          new-year: "01-01"
        launches:
          app-v2: 2026-09-15
          black-friday: ["2026-11-27", "2027-11-26"]
      """;

  private static String journey(String calendar) {
    return "id: a\ngoal: g\ntrigger:\n  schedule: { calendar: "
        + calendar
        + ", at: \"10:00\" }\nsteps: [exit]\n";
  }

  private static Definitions load(String... files) throws JourneyLoadException {
    List<DefinitionLoader.Source> sources = new java.util.ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      sources.add(new DefinitionLoader.Source("f" + i + ".yaml", files[i]));
    }
    return new DefinitionLoader().load(sources);
  }

  @Test
  void aScheduleTakesTheDatesItsCalendarNames() throws Exception {
    Definitions d = load(CALENDARS, journey("[holidays, launches.black-friday]"));
    assertThat(d.calendars()).containsOnlyKeys("holidays", "launches");
    Trigger.Schedule s = (Trigger.Schedule) d.journeys().get(0).trigger();
    assertThat(s.occasions().refs()).isEmpty();
    assertThat(s.occasions()).hasToString("12-24, 01-01, 2026-11-27, 2027-11-26 at 10:00");
  }

  @Test
  void reportsReferencesToNothingAndBadCalendars() {
    assertThatThrownBy(() -> load(CALENDARS, journey("holidays.easter")))
        .isInstanceOf(JourneyLoadException.class)
        .hasMessageContaining(
            "f1.yaml:4:25: no calendar date 'holidays.easter' for 'calendar'; calendars: holidays"
                + " (christmas-eve, new-year); launches (app-v2, black-friday)");
    assertThatThrownBy(() -> load(journey("holidays")))
        .hasMessageContaining(
            "f0.yaml:4:25: no calendar date 'holidays' for 'calendar'; no calendars are defined");
    assertThatThrownBy(
            () ->
                load(
                    "calendars:\n  Holidays:\n    x: 12-24\n  ok:\n    xmas: 24.12.\n"
                        + "    easter: []\n"))
        .isInstanceOf(JourneyLoadException.class)
        .satisfies(
            e ->
                assertThat(((JourneyLoadException) e).problems().stream().map(Object::toString))
                    .containsExactly(
                        "f0.yaml:2:3: invalid calendar name 'Holidays': use lowercase letters,"
                            + " digits, '-' and '_', starting with a letter or digit",
                        "f0.yaml:5:11: invalid date '24.12.': expected MM-DD (every year) or"
                            + " YYYY-MM-DD",
                        "f0.yaml:6:13: 'ok.easter' must name at least one date"));
  }
}
