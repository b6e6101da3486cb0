package io.kairos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.journey.Journey;
import io.kairos.simulation.Simulator;
import io.kairos.time.Timestamps;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Date triggers and scheduled occasions through the simulator, exact effects and times. */
class DateTriggersTest {

  static final String BIRTHDAY =
      """
      id: birthday
      goal: Greet customers on their birthday
      trigger: { date: profile.birthday, recurring: yearly, at: "10:00" }
      steps:
        - send: email
          template: happy-birthday
      """;

  static final String RENEWAL =
      """
      id: renewal
      goal: Keep subscribers subscribed
      trigger: { date: profile.subscription.renews_at, offset: -7d, at: "09:00" }
      exit_on: [Subscription Renewed]
      steps:
        - send: email
          template: renewal-in-7-days
        - wait: 6d
        - send: email
          template: renewal-tomorrow
      """;

  static final String XMAS =
      """
      id: xmas
      goal: Season's greetings to the newsletter audience
      trigger: { schedule: "2026-12-24T10:00", audience: newsletter }
      steps:
        - send: email
          template: xmas
      """;

  /** A simulator over the journeys, with effects as "time journey profile step summary". */
  static final class Run {
    final List<Effect> effects = new ArrayList<>();
    final Simulator sim;
    private int messages;

    Run(String... yamls) {
      List<Journey> journeys = new ArrayList<>();
      for (String y : yamls) {
        journeys.add(Harness.journey(y));
      }
      sim =
          new Simulator(
              new Engine(JourneySet.of(journeys), ZoneOffset.UTC),
              new Effects() {
                @Override
                public void emit(Effect effect) {
                  effects.add(effect);
                }

                @Override
                public void schedule(Timer timer) {}
              });
    }

    Run identify(String user, String zone, String time, Object... traits) {
      sim.accept(event(EventType.IDENTIFY, user, null, time, "Identify", Map.of(), traits, zone));
      return this;
    }

    Run anonymous(String anon, String zone, String time, Object... traits) {
      sim.accept(event(EventType.IDENTIFY, null, anon, time, "Identify", Map.of(), traits, zone));
      return this;
    }

    Run link(String user, String anon, String time) {
      sim.accept(
          event(EventType.TRACK, user, anon, time, "Signed In", Map.of(), new Object[0], null));
      return this;
    }

    Run track(String user, String time, String name) {
      sim.accept(event(EventType.TRACK, user, null, time, name, Map.of(), new Object[0], null));
      return this;
    }

    Run finish(String time) {
      sim.finish(Timestamps.parse(time));
      return this;
    }

    List<String> lines() {
      return effects.stream().map(Harness::line).toList();
    }

    List<String> reasons() {
      return effects.stream().map(e -> Harness.line(e) + " | " + e.reason()).toList();
    }

    private Event event(
        EventType type,
        String user,
        String anon,
        String time,
        String name,
        Map<String, Object> props,
        Object[] traits,
        String zone) {
      return new Event(
          type,
          "m-" + (++messages),
          user,
          anon,
          Timestamps.parse(time),
          name,
          JsonObject.of(props),
          JsonObject.of(Harness.map(traits)),
          zone == null
              ? EventContext.EMPTY
              : new EventContext(zone, null, null, null, JsonObject.of(Map.of("timezone", zone))),
          null,
          null);
    }
  }

  @Test
  void birthdayAtTenInTheCustomersZoneEveryYear() {
    Run r =
        new Run(BIRTHDAY)
            .identify("ana", "Europe/Berlin", "2026-03-01T12:00:00Z", "birthday", "1990-05-14")
            .finish("2027-06-01T00:00:00Z");
    assertThat(r.reasons())
        .containsExactly(
            "2026-03-01T12:00:00Z birthday ana trigger next at 2026-05-14T08:00:00Z"
                + " | profile.birthday 1990-05-14: yearly at 10:00 → 2026-05-14T10:00 Europe/Berlin",
            "2026-05-14T08:00:00Z birthday ana trigger enter"
                + " | profile.birthday 1990-05-14: yearly at 10:00 → 2026-05-14T10:00 Europe/Berlin",
            "2026-05-14T08:00:00Z birthday ana step-1 send email happy-birthday"
                + " | step step-1: marketing email with template 'happy-birthday'",
            "2026-05-14T08:00:00Z birthday ana end complete | reached the end of the journey",
            "2026-05-14T08:00:00Z birthday ana trigger next at 2027-05-14T08:00:00Z"
                + " | profile.birthday 1990-05-14: yearly at 10:00 → 2027-05-14T10:00 Europe/Berlin",
            "2027-05-14T08:00:00Z birthday ana trigger enter"
                + " | profile.birthday 1990-05-14: yearly at 10:00 → 2027-05-14T10:00 Europe/Berlin",
            "2027-05-14T08:00:00Z birthday ana step-1 send email happy-birthday"
                + " | step step-1: marketing email with template 'happy-birthday'",
            "2027-05-14T08:00:00Z birthday ana end complete | reached the end of the journey",
            "2027-05-14T08:00:00Z birthday ana trigger next at 2028-05-14T08:00:00Z"
                + " | profile.birthday 1990-05-14: yearly at 10:00 → 2028-05-14T10:00 Europe/Berlin");
  }

  @Test
  void aChangedDateMovesTheScheduleARemovedOneCancelsIt() {
    Run r =
        new Run(BIRTHDAY)
            .identify("ana", "Europe/Berlin", "2026-03-01T12:00:00Z", "birthday", "1990-05-14")
            .identify("ana", null, "2026-03-02T12:00:00Z", "birthday", "1990-06-20")
            .identify("ana", null, "2026-03-03T12:00:00Z", "birthday", "1990-06-20")
            .identify("ana", null, "2026-03-04T12:00:00Z", "birthday", "20 June")
            .identify("ana", null, "2026-03-05T12:00:00Z", "birthday", "1990-07-01")
            .identify("ana", null, "2026-03-06T12:00:00Z", "birthday", null)
            .identify("bob", "America/New_York", "2026-03-06T12:00:00Z", "birthday", "1985-04-02")
            .finish("2026-12-31T00:00:00Z");
    assertThat(r.reasons())
        .containsExactly(
            "2026-03-01T12:00:00Z birthday ana trigger next at 2026-05-14T08:00:00Z"
                + " | profile.birthday 1990-05-14: yearly at 10:00 → 2026-05-14T10:00 Europe/Berlin",
            "2026-03-02T12:00:00Z birthday ana trigger next at 2026-06-20T08:00:00Z"
                + " | profile.birthday 1990-06-20: yearly at 10:00 → 2026-06-20T10:00 Europe/Berlin"
                + " (moved from 2026-05-14T08:00:00Z)",
            "2026-03-04T12:00:00Z birthday ana trigger not scheduled"
                + " | profile.birthday '20 June' is not a date (write YYYY-MM-DD or ISO-8601);"
                + " ignored, schedule cancelled",
            "2026-03-05T12:00:00Z birthday ana trigger next at 2026-07-01T08:00:00Z"
                + " | profile.birthday 1990-07-01: yearly at 10:00 → 2026-07-01T10:00 Europe/Berlin",
            "2026-03-06T12:00:00Z birthday ana trigger not scheduled"
                + " | profile.birthday was removed; the schedule is cancelled",
            "2026-03-06T12:00:00Z birthday bob trigger next at 2026-04-02T14:00:00Z"
                + " | profile.birthday 1985-04-02: yearly at 10:00 → 2026-04-02T10:00"
                + " America/New_York",
            "2026-04-02T14:00:00Z birthday bob trigger enter"
                + " | profile.birthday 1985-04-02: yearly at 10:00 → 2026-04-02T10:00"
                + " America/New_York",
            "2026-04-02T14:00:00Z birthday bob step-1 send email happy-birthday"
                + " | step step-1: marketing email with template 'happy-birthday'",
            "2026-04-02T14:00:00Z birthday bob end complete | reached the end of the journey",
            "2026-04-02T14:00:00Z birthday bob trigger next at 2027-04-02T14:00:00Z"
                + " | profile.birthday 1985-04-02: yearly at 10:00 → 2027-04-02T10:00"
                + " America/New_York");
  }

  @Test
  void aNewTimeZoneRecomputesButAnOccurrenceNeverFiresTwice() {
    Run r =
        new Run(BIRTHDAY)
            .identify("cyrus", "Asia/Tehran", "2026-05-01T12:00:00Z", "birthday", "1990-05-14")
            // moves to New York before the birthday: 10:00 there
            .identify("cyrus", "America/New_York", "2026-05-02T12:00:00Z")
            // back to Tehran on the birthday, after its 10:00 there: nothing more this year
            .identify("cyrus", "Asia/Tehran", "2026-05-14T15:00:00Z")
            // and the same birthday set again
            .identify("cyrus", null, "2026-05-14T16:00:00Z", "birthday", "1990-05-14")
            .finish("2026-12-31T00:00:00Z");
    assertThat(r.lines())
        .containsExactly(
            "2026-05-01T12:00:00Z birthday cyrus trigger next at 2026-05-14T06:30:00Z",
            "2026-05-02T12:00:00Z birthday cyrus trigger next at 2026-05-14T14:00:00Z",
            "2026-05-14T14:00:00Z birthday cyrus trigger enter",
            "2026-05-14T14:00:00Z birthday cyrus step-1 send email happy-birthday",
            "2026-05-14T14:00:00Z birthday cyrus end complete",
            "2026-05-14T14:00:00Z birthday cyrus trigger next at 2027-05-14T14:00:00Z",
            "2026-05-14T15:00:00Z birthday cyrus trigger next at 2027-05-14T06:30:00Z");
  }

  @Test
  void aMergedVisitorsBirthdayFiresOnce() {
    Run r =
        new Run(BIRTHDAY)
            .anonymous(
                "a-1", "Australia/Lord_Howe", "2026-01-10T00:00:00Z", "birthday", "2000-01-14")
            .identify(
                "dora", "Australia/Lord_Howe", "2026-01-11T00:00:00Z", "birthday", "2000-01-14")
            .finish("2026-01-13T23:30:00Z")
            .link("dora", "a-1", "2026-01-14T01:00:00Z")
            .finish("2026-03-01T00:00:00Z");
    assertThat(r.lines())
        .containsExactly(
            "2026-01-10T00:00:00Z birthday a-1 trigger next at 2026-01-13T23:00:00Z",
            "2026-01-11T00:00:00Z birthday dora trigger next at 2026-01-13T23:00:00Z",
            "2026-01-13T23:00:00Z birthday a-1 trigger enter",
            "2026-01-13T23:00:00Z birthday a-1 step-1 send email happy-birthday",
            "2026-01-13T23:00:00Z birthday a-1 end complete",
            "2026-01-13T23:00:00Z birthday a-1 trigger next at 2027-01-13T23:00:00Z",
            "2026-01-13T23:00:00Z birthday dora trigger enter",
            "2026-01-13T23:00:00Z birthday dora step-1 send email happy-birthday",
            "2026-01-13T23:00:00Z birthday dora end complete",
            "2026-01-13T23:00:00Z birthday dora trigger next at 2027-01-13T23:00:00Z");
    // the merge carried the fired occurrence: nothing fires twice, the visitor's timer is stale
    assertThat(r.sim.find("dora").dateFired(0))
        .isEqualTo(java.time.LocalDate.parse("2026-01-14").toEpochDay());
  }

  @Test
  void aMergeBringsTheVisitorsBirthdayToTheCustomer() {
    Run r =
        new Run(BIRTHDAY)
            .anonymous("a-2", "Europe/Berlin", "2026-01-10T00:00:00Z", "birthday", "1999-02-01")
            .track("eli", "2026-01-11T00:00:00Z", "Signed Up")
            .link("eli", "a-2", "2026-01-12T00:00:00Z")
            .finish("2026-03-01T00:00:00Z");
    assertThat(r.lines())
        .containsExactly(
            "2026-01-10T00:00:00Z birthday a-2 trigger next at 2026-02-01T09:00:00Z",
            "2026-01-12T00:00:00Z birthday eli trigger next at 2026-02-01T09:00:00Z",
            "2026-02-01T09:00:00Z birthday eli trigger enter",
            "2026-02-01T09:00:00Z birthday eli step-1 send email happy-birthday",
            "2026-02-01T09:00:00Z birthday eli end complete",
            "2026-02-01T09:00:00Z birthday eli trigger next at 2027-02-01T09:00:00Z");
  }

  @Test
  void renewalSeriesStartsAWeekBeforeAndStopsOnRenewal() {
    Run r =
        new Run(RENEWAL)
            .identify(
                "fay",
                "Europe/Berlin",
                "2026-03-01T12:00:00Z",
                "subscription",
                Map.of("plan", "pro", "renews_at", "2026-04-02T00:00:00Z"))
            .identify(
                "gil",
                "America/New_York",
                "2026-03-01T12:00:00Z",
                "subscription",
                Map.of("plan", "pro", "renews_at", "2026-04-02"))
            .track("gil", "2026-03-27T12:00:00Z", "Subscription Renewed")
            .identify(
                "gil",
                null,
                "2026-03-27T12:00:01Z",
                "subscription",
                Map.of("plan", "pro", "renews_at", "2027-04-02"))
            .finish("2026-12-31T00:00:00Z");
    assertThat(r.lines())
        .containsExactly(
            "2026-03-01T12:00:00Z renewal fay trigger next at 2026-03-26T08:00:00Z",
            "2026-03-01T12:00:00Z renewal gil trigger next at 2026-03-26T13:00:00Z",
            "2026-03-26T08:00:00Z renewal fay trigger enter",
            "2026-03-26T08:00:00Z renewal fay step-1 send email renewal-in-7-days",
            "2026-03-26T08:00:00Z renewal fay step-2 wait until 2026-04-01T07:00:00Z",
            "2026-03-26T13:00:00Z renewal gil trigger enter",
            "2026-03-26T13:00:00Z renewal gil step-1 send email renewal-in-7-days",
            "2026-03-26T13:00:00Z renewal gil step-2 wait until 2026-04-01T13:00:00Z",
            "2026-03-27T12:00:00Z renewal gil step-2 exit exit_on",
            "2026-03-27T12:00:01Z renewal gil trigger next at 2027-03-26T13:00:00Z",
            "2026-04-01T07:00:00Z renewal fay step-3 send email renewal-tomorrow",
            "2026-04-01T07:00:00Z renewal fay end complete");
  }

  @Test
  void anUpdateStepMovesTheSchedule() {
    String setDate =
        """
        id: set-date
        goal: Set the renewal date on purchase
        trigger: { event: Subscribed }
        entry: parallel
        steps:
          - update:
              set:
                renews_at: timestamp(event.properties.renews_at)
        """;
    String reminder =
        """
        id: reminder
        goal: Remind the day before
        trigger: { date: profile.renews_at, offset: -1d, at: "18:00" }
        steps:
          - send: sms
            template: renews-tomorrow
        """;
    Run r = new Run(setDate, reminder);
    r.sim.accept(
        new Event(
            EventType.TRACK,
            "s-1",
            "hal",
            null,
            Timestamps.parse("2026-03-01T12:00:00Z"),
            "Subscribed",
            JsonObject.of(Map.of("renews_at", "2026-04-01T22:30:00Z")),
            JsonObject.EMPTY,
            new EventContext(
                "Asia/Tehran", null, null, null, JsonObject.of(Map.of("timezone", "Asia/Tehran"))),
            null,
            null));
    r.finish("2026-05-01T00:00:00Z");
    // 22:30Z on 1 April is 02:00 on 2 April in Tehran: the day before is 1 April, 18:00 there.
    assertThat(r.lines())
        .contains(
            "2026-03-01T12:00:00Z reminder hal trigger next at 2026-04-01T14:30:00Z",
            "2026-04-01T14:30:00Z reminder hal trigger enter",
            "2026-04-01T14:30:00Z reminder hal step-1 send sms renews-tomorrow");
  }

  @Test
  void occasionRollsAcrossZonesForTheAudienceOnly() {
    Run r = new Run(XMAS);
    String[][] people = {
      {"lh", "Australia/Lord_Howe"},
      {"teh", "Asia/Tehran"},
      {"ber", "Europe/Berlin"},
      {"nyc", "America/New_York"},
      {"out", "Europe/Berlin"},
      {"late", "Asia/Tehran"},
    };
    for (String[] p : people) {
      r.identify(p[0], p[1], "2026-12-01T00:00:00Z");
      if (!p[0].equals("out") && !p[0].equals("late")) {
        r.sim.find(p[0]).segments = new LinkedHashSet<>(List.of("newsletter"));
      }
    }
    // "late" joins the audience after 10:00 in Tehran: it missed the occasion
    r.finish("2026-12-24T07:00:00Z");
    r.sim.find("late").segments = new LinkedHashSet<>(List.of("newsletter"));
    r.finish("2027-01-31T00:00:00Z");
    assertThat(r.lines().stream().filter(l -> l.contains(" enter")))
        .containsExactly(
            "2026-12-23T23:00:00Z xmas lh trigger enter",
            "2026-12-24T06:30:00Z xmas teh trigger enter",
            "2026-12-24T09:00:00Z xmas ber trigger enter",
            "2026-12-24T15:00:00Z xmas nyc trigger enter");
    assertThat(r.effects.get(0).reason())
        .isEqualTo("occasion 2026-12-24 at 10:00 Australia/Lord_Howe, in audience newsletter");
  }

  @Test
  void aYearlyOccasionFromACalendarWithACondition() {
    String yearly =
        """
        id: new-year
        goal: Happy new year
        trigger:
          schedule: { yearly: "01-01", at: "10:00" }
          where: profile.country == "DE"
        steps:
          - send: push
            template: new-year
        """;
    Run r =
        new Run(yearly)
            .identify("de", "Europe/Berlin", "2026-12-01T00:00:00Z", "country", "DE")
            .identify("fr", "Europe/Paris", "2026-12-01T00:00:00Z", "country", "FR")
            .finish("2028-01-02T00:00:00Z");
    assertThat(r.reasons().stream().filter(l -> l.contains(" enter")))
        .containsExactly(
            "2027-01-01T09:00:00Z new-year de trigger enter | occasion 2027-01-01 at 10:00"
                + " Europe/Berlin, where profile.country == \"DE\" was true (profile.country = \"DE\")",
            "2028-01-01T09:00:00Z new-year de trigger enter | occasion 2028-01-01 at 10:00"
                + " Europe/Berlin, where profile.country == \"DE\" was true (profile.country = \"DE\")");
  }

  @Test
  void profilesFromAnImportAreArmedWhenTheRunStarts() {
    Run r = new Run(BIRTHDAY);
    ProfileState p = r.sim.profile("ivy");
    p.profile().setUserId("ivy");
    p.profile().setTrait("birthday", "1992-02-29");
    p.profile().setTimezone("America/New_York");
    r.sim.profileChanged(p);
    assertThat(r.effects).isEmpty();
    r.sim.start(Timestamps.parse("2026-01-01T00:00:00Z"));
    r.finish("2028-03-01T00:00:00Z");
    assertThat(r.lines().stream().filter(l -> l.contains(" enter")))
        .containsExactly(
            "2026-02-28T15:00:00Z birthday ivy trigger enter",
            "2027-02-28T15:00:00Z birthday ivy trigger enter",
            "2028-02-29T15:00:00Z birthday ivy trigger enter");
  }

  @Test
  void aJourneyPublishedLaterIsArmedOnTheProfilesNextInput() {
    Run r =
        new Run(XMAS)
            .identify("jo", "Europe/Berlin", "2026-03-01T00:00:00Z", "birthday", "1990-05-14");
    r.sim.find("jo").segments = new LinkedHashSet<>(List.of("newsletter"));
    Engine engine = engineOf(r);
    engine.publish(List.of(Harness.journey(XMAS), Harness.journey(BIRTHDAY)));
    r.finish("2026-05-20T00:00:00Z");
    assertThat(r.lines()).isEmpty(); // not seen since publication: nothing armed yet
    r.track("jo", "2026-05-21T00:00:00Z", "Page Viewed");
    r.finish("2027-01-01T00:00:00Z");
    assertThat(r.lines())
        .containsExactly(
            "2026-05-21T00:00:00Z birthday jo trigger next at 2027-05-14T08:00:00Z",
            "2026-12-24T09:00:00Z xmas jo trigger enter",
            "2026-12-24T09:00:00Z xmas jo step-1 send email xmas",
            "2026-12-24T09:00:00Z xmas jo end complete");
  }

  @Test
  void explicitEntryOnceRunsAYearlyJourneyOnce() {
    Run r =
        new Run(BIRTHDAY.replace("steps:", "entry: once\nsteps:"))
            .identify("kim", "UTC", "2026-01-01T00:00:00Z", "birthday", "1990-05-14")
            .finish("2027-06-01T00:00:00Z");
    assertThat(r.lines().stream().filter(l -> l.contains("trigger e")))
        .containsExactly(
            "2026-05-14T10:00:00Z birthday kim trigger enter",
            "2027-05-14T10:00:00Z birthday kim trigger entry refused");
  }

  private static Engine engineOf(Run r) {
    try {
      var f = Simulator.class.getDeclaredField("engine");
      f.setAccessible(true);
      return (Engine) f.get(r.sim);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
