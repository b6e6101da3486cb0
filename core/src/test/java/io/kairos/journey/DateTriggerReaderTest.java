package io.kairos.journey;

import static io.kairos.journey.JourneyLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.dates.OccasionRule;
import io.kairos.dates.Recurrence;
import org.junit.jupiter.api.Test;

/** Reading {@code date} and {@code schedule} triggers, and what is wrong with bad ones. */
class DateTriggerReaderTest {
  private static final String REST = "\ngoal: g\nsteps: [exit]\n";

  private static Journey load(String trigger) throws JourneyLoadException {
    return new JourneyLoader().load("j.yaml", "id: a\ntrigger: " + trigger + REST);
  }

  @Test
  void readsADateTrigger() throws Exception {
    Journey j =
        load("{ date: profile.subscription.renews_at, offset: -7d, at: \"09:00\", where: 'true' }");
    Trigger.OnDate d = (Trigger.OnDate) j.trigger();
    assertThat(d.path()).containsExactly("subscription", "renews_at");
    assertThat(d.rule().recurring()).isEqualTo(Recurrence.NONE);
    assertThat(d.rule().offset()).hasToString("-7d");
    assertThat(d.rule().at()).hasToString("09:00");
    assertThat(d.where()).isNotNull();
    // one entry per occurrence unless the journey says otherwise
    assertThat(j.entry()).isEqualTo(EntryPolicy.PARALLEL);
    assertThat(load("{ date: profile.birthday, recurring: yearly, at: 10:00 }").entry())
        .isEqualTo(EntryPolicy.PARALLEL);
  }

  @Test
  void readsScheduleTriggers() throws Exception {
    Trigger.Schedule s =
        (Trigger.Schedule)
            load("{ schedule: \"2026-12-24T10:00\", audience: newsletter }").trigger();
    assertThat(s.occasions()).hasToString("2026-12-24 at 10:00");
    assertThat(s.audience()).isEqualTo("newsletter");
    s =
        (Trigger.Schedule)
            load("\n  schedule:\n    yearly: [\"12-24\", \"02-29\"]\n    weekly: [mon, Friday]\n"
                    + "    on: 2026-09-15\n    calendar: holidays.christmas\n    at: \"10:00\"")
                .trigger();
    assertThat(s.occasions().rules())
        .hasSize(5)
        .hasAtLeastOneElementOfType(OccasionRule.Weekly.class);
    assertThat(s.occasions().refs()).hasSize(1);
    assertThat(s.occasions().refs().get(0).line()).isEqualTo(7);
  }

  @Test
  void reportsBadDateTriggers() {
    assertThat(problems("id: a\ntrigger: { date: birthday, at: \"10:00\" }" + REST))
        .containsExactly(
            "j.yaml:2:18: 'date' must name a profile attribute, e.g. profile.birthday or"
                + " profile.subscription.renews_at; not 'birthday'");
    assertThat(problems("id: a\ntrigger: { date: profile.birthday }" + REST))
        .containsExactly("j.yaml:2:10: missing required key 'at' in trigger");
    assertThat(
            problems(
                "id: a\ntrigger: { date: profile.birthday, recurring: weekly, at: \"25:00\","
                    + " offset: -7 days ago }"
                    + REST))
        .containsExactly(
            "j.yaml:2:47: unknown recurring 'weekly'; expected yearly, monthly or none",
            "j.yaml:2:59: invalid time '25:00' for 'at': expected HH:MM, e.g. \"10:00\"",
            "j.yaml:2:76: invalid duration '7 days ago': expected a number at position 8 (an"
                + " offset is e.g. -7d, +1d, -2h)");
    assertThat(problems("id: a\ntrigger: { event: A, at: \"10:00\", audience: x }" + REST))
        .containsExactly(
            "j.yaml:2:22: 'at' applies only to a date trigger",
            "j.yaml:2:35: 'audience' applies only to a schedule trigger");
  }

  @Test
  void reportsBadSchedules() {
    assertThat(problems("id: a\ntrigger: { schedule: \"2026-12-24\" }" + REST))
        .containsExactly(
            "j.yaml:2:22: invalid schedule '2026-12-24': expected a local date-time like"
                + " 2026-12-24T10:00, or a mapping with yearly, weekly, on or calendar, and at");
    assertThat(problems("id: a\ntrigger: { schedule: { at: \"10:00\" } }" + REST))
        .containsExactly("j.yaml:2:22: schedule needs one of yearly, weekly, on or calendar");
    assertThat(
            problems(
                "id: a\ntrigger: { schedule: { yearly: 2026-12-24, weekly: someday, on: 12-24,"
                    + " at: \"10:00\" } }"
                    + REST))
        .containsExactly(
            "j.yaml:2:32: invalid yearly date '2026-12-24': expected MM-DD, e.g. 12-24",
            "j.yaml:2:52: invalid day 'someday': expected monday, tuesday, ... or mon, tue, ...",
            "j.yaml:2:65: invalid date '12-24': expected YYYY-MM-DD (use yearly for MM-DD)");
  }
}
