package io.kairos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineTest {

  private static final String CART =
      """
      id: cart
      goal: recover carts
      trigger:
        event: Product Added
        where: event.properties.price >= 10
      entry: parallel
      exit_on:
        - event: Order Completed
      steps:
        - wait: 1h
        - send: email
          template: cart-reminder
      """;

  @Test
  void eventTriggerWithConditionEntersAndSendsAfterTheWait() {
    Harness h =
        Harness.of(CART)
            .track("u1", "2026-01-01T10:00:00Z", "Product Added", "price", 25.5)
            .track("u2", "2026-01-01T10:00:00Z", "Product Added", "price", 5)
            .finish("2026-01-01T12:00:00Z");
    assertThat(h.lines())
        .containsExactly(
            "2026-01-01T10:00:00Z cart u1 trigger enter",
            "2026-01-01T10:00:00Z cart u1 step-1 wait until 2026-01-01T11:00:00Z",
            "2026-01-01T11:00:00Z cart u1 step-2 send email cart-reminder",
            "2026-01-01T11:00:00Z cart u1 end complete");
    Effect.Entered entered = h.of(Effect.Entered.class).get(0);
    assertThat(entered.reason())
        .contains("event 'Product Added' matched where event.properties.price >= 10 was true");
  }

  @Test
  void aTimerDueAtTFiresBeforeAnEventStampedT() {
    Harness h =
        Harness.of(CART)
            .track("u1", "2026-01-01T10:00:00Z", "Product Added", "price", 20)
            .track("u1", "2026-01-01T11:00:00Z", "Order Completed")
            .finish("2026-01-02T00:00:00Z");
    assertThat(h.lines("send"))
        .containsExactly("2026-01-01T11:00:00Z cart u1 step-2 send email cart-reminder");
    assertThat(h.lines("exit")).isEmpty();
  }

  @Test
  void exitOnEndsEveryInstanceOfTheJourney() {
    Harness h =
        Harness.of(CART)
            .track("u1", "2026-01-01T10:00:00Z", "Product Added", "price", 20)
            .track("u1", "2026-01-01T10:20:00Z", "Product Added", "price", 30)
            .track("u1", "2026-01-01T10:59:59Z", "Order Completed")
            .finish("2026-01-02T00:00:00Z");
    assertThat(h.lines("exit"))
        .containsExactly(
            "2026-01-01T10:59:59Z cart u1 step-1 exit exit_on",
            "2026-01-01T10:59:59Z cart u1 step-1 exit exit_on");
    assertThat(h.lines("send")).isEmpty();
    assertThat(h.sim.find("u1").activeInstances()).isZero();
  }

  @Test
  void runEndsAtTheGivenTimeAndLaterTimersDoNotFire() {
    Harness h =
        Harness.of(CART)
            .track("u1", "2026-01-01T10:00:00Z", "Product Added", "price", 20)
            .finish("2026-01-01T10:59:59Z");
    assertThat(h.lines("send")).isEmpty();
    assertThat(h.sim.pendingTimers()).isEqualTo(1);
  }

  @Test
  void entryOnceRefusesASecondEntryAndSaysWhy() {
    Harness h =
        Harness.of(
                """
                id: welcome
                goal: greet
                trigger: { event: Signed Up }
                steps:
                  - send: email
                    template: welcome
                """)
            .track("u1", "2026-01-01T10:00:00Z", "Signed Up")
            .track("u1", "2026-01-02T10:00:00Z", "Signed Up");
    assertThat(h.lines("send")).hasSize(1);
    Effect.EntryRefused refused = h.of(Effect.EntryRefused.class).get(0);
    assertThat(refused.reason())
        .contains("refused by entry once: entered before at 2026-01-01T10:00:00Z");
  }

  @Test
  void entryRestartExitsTheInstanceInFlight() {
    Harness h =
        Harness.of(CART.replace("entry: parallel", "entry: restart"))
            .track("u1", "2026-01-01T10:00:00Z", "Product Added", "price", 20)
            .track("u1", "2026-01-01T10:30:00Z", "Product Added", "price", 20)
            .finish("2026-01-01T12:00:00Z");
    assertThat(h.lines("exit"))
        .containsExactly("2026-01-01T10:30:00Z cart u1 step-1 exit restarted");
    assertThat(h.lines("send"))
        .containsExactly("2026-01-01T11:30:00Z cart u1 step-2 send email cart-reminder");
  }

  @Test
  void entryOncePerWaitsForThePeriodAndForTheInstanceToFinish() {
    Harness h =
        Harness.of(
                """
                id: daily
                goal: at most once a day
                trigger: { event: Store Nearby }
                entry: { once_per: 1d }
                steps:
                  - send: push
                    template: nearby
                """)
            .track("u1", "2026-01-01T10:00:00Z", "Store Nearby")
            .track("u1", "2026-01-01T18:00:00Z", "Store Nearby")
            .track("u1", "2026-01-02T10:00:00Z", "Store Nearby");
    assertThat(h.lines("send"))
        .containsExactly(
            "2026-01-01T10:00:00Z daily u1 step-1 send push nearby",
            "2026-01-02T10:00:00Z daily u1 step-1 send push nearby");
    assertThat(h.of(Effect.EntryRefused.class).get(0).reason())
        .contains("eligible again at 2026-01-02T10:00:00Z");
  }

  @Test
  void waitForResumesOnItsEventOrTimesOut() {
    String yaml =
        """
        id: opened
        goal: follow up
        trigger: { event: Registered }
        entry: parallel
        steps:
          - send: email
            template: invite
          - wait_for: Email Opened
            where: event.properties.template == "invite"
            within: 3d
            on_timeout: resend
          - send: email
            template: agenda
          - exit
          - id: resend
            send: sms
            template: reminder
        """;
    Harness h =
        Harness.of(yaml)
            .track("a", "2026-01-01T09:00:00Z", "Registered")
            .track("b", "2026-01-01T09:00:00Z", "Registered")
            .track("a", "2026-01-02T09:00:00Z", "Email Opened", "template", "other")
            .track("a", "2026-01-02T10:00:00Z", "Email Opened", "template", "invite")
            .finish("2026-01-10T00:00:00Z");
    assertThat(h.lines("send"))
        .containsExactly(
            "2026-01-01T09:00:00Z opened a step-1 send email invite",
            "2026-01-01T09:00:00Z opened b step-1 send email invite",
            "2026-01-02T10:00:00Z opened a step-3 send email agenda",
            "2026-01-04T09:00:00Z opened b resend send sms reminder");
    assertThat(h.lines("timed out"))
        .containsExactly("2026-01-04T09:00:00Z opened b step-2 timed out");
  }

  @Test
  void branchTakesTheFirstCaseThatHoldsAndTreatsFailuresAsFalse() {
    String yaml =
        """
        id: b
        goal: route
        trigger: { event: Rated }
        entry: parallel
        steps:
          - branch:
              - if: event.properties.missing > 3
                goto: never
              - if: event.properties.rating <= 2
                goto: low
              - else: high
          - id: never
            send: email
            template: never
          - exit
          - id: low
            send: email
            template: sorry
          - exit
          - id: high
            send: email
            template: thanks
        """;
    Harness h =
        Harness.of(yaml)
            .track("u1", "2026-01-01T09:00:00Z", "Rated", "rating", 1)
            .track("u2", "2026-01-01T09:00:00Z", "Rated", "rating", 5);
    assertThat(h.lines("send"))
        .containsExactly(
            "2026-01-01T09:00:00Z b u1 low send email sorry",
            "2026-01-01T09:00:00Z b u2 high send email thanks");
    List<Effect.BranchTaken> branches = h.of(Effect.BranchTaken.class);
    assertThat(branches.get(0).reason())
        .contains("event.properties.missing > 3 failed")
        .contains("case 2 held: event.properties.rating <= 2 was true");
    assertThat(branches.get(1).reason()).contains("no case held").contains("took else");
  }

  @Test
  void splitIsStickyWeightedAndHoldsOutTheGivenShare() {
    String yaml =
        """
        id: ab
        goal: test subject lines
        trigger: { event: Go }
        entry: parallel
        steps:
          - split:
              holdout: 10
              arms:
                - { name: A, weight: 3, goto: a }
                - { name: B, weight: 1, goto: b }
          - id: a
            send: email
            template: subject-a
          - exit
          - id: b
            send: email
            template: subject-b
        """;
    Harness h = Harness.of(yaml);
    for (int i = 0; i < 4000; i++) {
      h.track("user-" + i, "2026-01-01T09:00:00Z", "Go");
    }
    long a = h.of(Effect.Send.class).stream().filter(s -> s.template().equals("subject-a")).count();
    long b = h.of(Effect.Send.class).stream().filter(s -> s.template().equals("subject-b")).count();
    long held =
        h.of(Effect.SplitAssigned.class).stream().filter(Effect.SplitAssigned::holdout).count();
    assertThat(held).isBetween(330L, 470L); // 10% of 4000, within ~3.5 sigma
    assertThat(a).isBetween(2550L, 2850L); // 75% of the 3600 treated
    assertThat(b).isEqualTo(4000 - held - a);

    // The same profile lands in the same arm every time it enters.
    Harness again = Harness.of(yaml);
    for (int i = 0; i < 5; i++) {
      again.track("user-7", "2026-01-0" + (i + 1) + "T09:00:00Z", "Go");
    }
    assertThat(
            again.of(Effect.SplitAssigned.class).stream()
                .map(Effect.SplitAssigned::summary)
                .distinct())
        .hasSize(1);
  }

  @Test
  void updateChangesTraitsAndTags() {
    Harness h =
        Harness.of(
                """
                id: u
                goal: tag
                trigger: { event: Visit }
                entry: parallel
                steps:
                  - update:
                      set: { plan: '"pro"', source: event.properties.source, vip: true }
                      increment: { visits: 1 }
                      add_tags: [visitor]
                  - update:
                      unset: [vip]
                      remove_tags: [visitor]
                      add_tags: [regular]
                """)
            .track("u1", "2026-01-01T09:00:00Z", "Visit", "source", "ads")
            .track("u1", "2026-01-02T09:00:00Z", "Visit", "source", "mail");
    var p = h.sim.find("u1").profile();
    assertThat(p.traits()).containsEntry("plan", "pro").containsEntry("source", "mail");
    assertThat(p.trait("visits")).isEqualTo(2L);
    assertThat(p.trait("vip")).isNull();
    assertThat(p.tags()).containsExactly("regular");
  }

  @Test
  void emittedEventsTriggerOtherJourneysForTheSameProfile() {
    Harness h =
        Harness.of(
                """
                id: first
                goal: emit
                trigger: { event: Go }
                steps:
                  - emit: Qualified
                    properties: { score: 'event.properties.score * 2', by: '"first"' }
                """,
                """
                id: second
                goal: react
                trigger:
                  event: Qualified
                  where: event.properties.score > 10
                steps:
                  - webhook: https://crm.example.com/leads
                    body: { score: event.properties.score }
                """)
            .track("u1", "2026-01-01T09:00:00Z", "Go", "score", 7);
    assertThat(h.lines())
        .containsExactly(
            "2026-01-01T09:00:00Z first u1 trigger enter",
            "2026-01-01T09:00:00Z first u1 step-1 emit Qualified",
            "2026-01-01T09:00:00Z first u1 end complete",
            "2026-01-01T09:00:00Z second u1 trigger enter",
            "2026-01-01T09:00:00Z second u1 step-1 webhook POST https://crm.example.com/leads",
            "2026-01-01T09:00:00Z second u1 end complete");
    assertThat(h.of(Effect.WebhookCall.class).get(0).body()).containsEntry("score", 14L);
    assertThat(h.sim.find("u1").profile().eventCount("Qualified")).isEqualTo(1);
  }

  @Test
  void journeysThatEmitToEachOtherAreStopped() {
    Harness h =
        Harness.of(
            """
            id: ping
            goal: loop
            trigger: { event: Ping }
            entry: parallel
            steps:
              - emit: Ping
            """);
    h.track("u1", "2026-01-01T09:00:00Z", "Ping");
    assertThat(h.lines("exit loop")).hasSize(1);
    assertThat(h.of(Effect.Emitted.class)).hasSize(Engine.MAX_EMITTED_PER_INPUT);
  }

  @Test
  void gotoLoopsWithoutAWaitAreRejectedWhenLoading() {
    assertThatThrownBy(
            () ->
                Harness.journey(
                    """
                    id: spin
                    goal: loop
                    trigger: { event: Go }
                    steps:
                      - id: top
                        goto: top
                    """))
        .hasMessageContaining("loop without waiting: top -> top");
  }

  @Test
  void conversionCountsOnceWithinTheWindowEvenAfterTheJourneyEnded() {
    String yaml =
        """
        id: conv
        goal: sell
        trigger: { event: Viewed }
        entry: parallel
        conversion:
          event: Order Completed
          within: 3d
          value: event.properties.revenue
        steps:
          - send: email
            template: offer
        """;
    Harness h =
        Harness.of(yaml)
            .track("u1", "2026-01-01T09:00:00Z", "Viewed")
            .track("u2", "2026-01-01T09:00:00Z", "Viewed")
            .track("u1", "2026-01-02T09:00:00Z", "Order Completed", "revenue", 42.5)
            .track("u1", "2026-01-02T10:00:00Z", "Order Completed", "revenue", 10)
            .track("u2", "2026-01-04T09:00:01Z", "Order Completed", "revenue", 99);
    List<Effect.Converted> conv = h.of(Effect.Converted.class);
    assertThat(conv).hasSize(1);
    assertThat(conv.get(0).profile()).isEqualTo("u1");
    assertThat(conv.get(0).value()).isEqualTo(42.5);
  }

  @Test
  void conversionWithExitEndsTheInstanceAndJourneyConvertedIsVisible() {
    String yaml =
        """
        id: nurture
        goal: demo
        trigger: { event: Downloaded }
        conversion: { event: Demo Requested, within: 30d }
        steps:
          - wait: 2d
          - branch:
              - if: journey.converted
                goto: end
          - send: email
            template: content
        """;
    Harness h =
        Harness.of(yaml)
            .track("a", "2026-01-01T09:00:00Z", "Downloaded")
            .track("b", "2026-01-01T09:00:00Z", "Downloaded")
            .track("a", "2026-01-02T09:00:00Z", "Demo Requested")
            .finish("2026-01-05T00:00:00Z");
    assertThat(h.lines("send"))
        .containsExactly("2026-01-03T09:00:00Z nurture b step-3 send email content");
    assertThat(h.of(Effect.Converted.class)).extracting(Effect::profile).containsExactly("a");
  }

  @Test
  void inactivityFiresOncePerQuietPeriodAndActivityPostponesIt() {
    String yaml =
        """
        id: quiet
        goal: win back
        trigger: { inactive_for: 7d }
        entry: parallel
        steps:
          - send: email
            template: we-miss-you
        """;
    Harness h =
        Harness.of(yaml)
            .track("u1", "2026-01-01T09:00:00Z", "Opened")
            .track("u1", "2026-01-05T09:00:00Z", "Opened") // postpones to the 12th
            .track("u2", "2026-01-01T09:00:00Z", "Opened")
            .track("u1", "2026-01-20T09:00:00Z", "Opened") // new quiet period from here
            .finish("2026-02-10T00:00:00Z");
    assertThat(h.lines("send"))
        .containsExactly(
            "2026-01-08T09:00:00Z quiet u2 step-1 send email we-miss-you",
            "2026-01-12T09:00:00Z quiet u1 step-1 send email we-miss-you",
            "2026-01-27T09:00:00Z quiet u1 step-1 send email we-miss-you");
    assertThat(h.of(Effect.Entered.class).get(0).reason())
        .isEqualTo("no event for 7d (last at 2026-01-01T09:00:00Z)");
  }

  @Test
  void apiTriggerStartsOnlyApiJourneys() {
    Harness h =
        Harness.of(
            """
            id: vip
            goal: onboard vips
            trigger: api
            steps:
              - send: email
                template: vip-welcome
            """,
            CART);
    h.trigger("u1", "vip", "2026-01-01T09:00:00Z", "source", "sales");
    assertThat(h.lines("send"))
        .containsExactly("2026-01-01T09:00:00Z vip u1 step-1 send email vip-welcome");
    assertThatThrownBy(() -> h.trigger("u1", "cart", "2026-01-01T09:00:00Z"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not triggered by the API");
    assertThatThrownBy(() -> h.trigger("u1", "nope", "2026-01-01T09:00:00Z"))
        .hasMessageContaining("no journey with id 'nope'");
  }

  @Test
  void calendarWaitsKeepTheLocalTimeAcrossDst() {
    String yaml =
        """
        id: cal
        goal: remind
        trigger: { event: Bought }
        entry: parallel
        steps:
          - wait: 1d
          - send: email
            template: day-later
          - wait: 6 months
          - send: email
            template: months-later
        """;
    Harness h =
        Harness.of(yaml)
            .track("utc", "2026-01-31T10:00:00Z", "Bought")
            // 28 March 2026, 09:00 in Berlin (UTC+1); DST starts the next night (UTC+2).
            .trackIn("berlin", "Europe/Berlin", "2026-03-28T08:00:00Z", "Bought")
            .finish("2027-01-01T00:00:00Z");
    assertThat(h.lines("send"))
        .containsExactly(
            "2026-02-01T10:00:00Z cal utc step-2 send email day-later",
            "2026-03-29T07:00:00Z cal berlin step-2 send email day-later",
            "2026-08-01T10:00:00Z cal utc step-4 send email months-later",
            "2026-09-29T07:00:00Z cal berlin step-4 send email months-later");
  }

  @Test
  void aNewVersionAffectsNewEntriesOnlyInstancesFinishOnTheirOwn() {
    Harness h = Harness.of(CART);
    h.track("u1", "2026-01-01T10:00:00Z", "Product Added", "price", 20);
    h.engine.publish(
        List.of(Harness.journey(CART.replace("template: cart-reminder", "template: cart-v2"))));
    h.track("u2", "2026-01-01T10:10:00Z", "Product Added", "price", 20)
        .finish("2026-01-02T00:00:00Z");
    assertThat(h.of(Effect.Send.class))
        .extracting(s -> s.profile() + ":" + s.template())
        .containsExactly("u1:cart-reminder", "u2:cart-v2");
    List<Effect.Send> sends = h.of(Effect.Send.class);
    assertThat(sends.get(0).version()).isNotEqualTo(sends.get(1).version());
  }

  @Test
  void messageIdsAreDeterministic() {
    Harness one =
        Harness.of(CART)
            .track("u1", "2026-01-01T10:00:00Z", "Product Added", "price", 20)
            .finish("2026-01-02T00:00:00Z");
    Harness two =
        Harness.of(CART)
            .track("u1", "2026-01-01T10:00:00Z", "Product Added", "price", 20)
            .finish("2026-01-02T00:00:00Z");
    assertThat(one.of(Effect.Send.class).get(0).messageId())
        .isEqualTo(two.of(Effect.Send.class).get(0).messageId())
        .hasSize(36);
  }

  @Test
  void anAnonymousVisitorWhoIdentifiesKeepsHistoryAndJourneys() {
    Harness h =
        Harness.of(
                """
                id: fifth
                goal: talk to regulars
                trigger:
                  event: Visit
                  where: profile.events["Visit"].count == 3
                steps:
                  - send: email
                    template: regular
                """,
                CART)
            .anonymous("anon-1", "2026-01-01T09:00:00Z", "Visit")
            .anonymous("anon-1", "2026-01-02T09:00:00Z", "Visit")
            .identify("walt", "anon-1", "2026-01-02T09:30:00Z", "email", "w@example.com");
    h.sim.accept(
        new io.kairos.event.Event(
            io.kairos.event.EventType.TRACK,
            "x",
            null,
            "anon-1",
            io.kairos.time.Timestamps.parse("2026-01-02T09:40:00Z"),
            "Product Added",
            io.kairos.event.JsonObject.of(Map.of("price", 50)),
            io.kairos.event.JsonObject.EMPTY,
            io.kairos.event.EventContext.EMPTY,
            null,
            null));
    h.track("walt", "2026-01-03T09:00:00Z", "Visit").finish("2026-01-04T00:00:00Z");
    var walt = h.sim.find("walt").profile();
    assertThat(walt.eventCount("Visit")).isEqualTo(3);
    assertThat(walt.lastEventTime("Visit"))
        .isEqualTo(io.kairos.time.Timestamps.parse("2026-01-03T09:00:00Z"));
    assertThat(walt.anonymousIds()).containsExactly("anon-1");
    assertThat(h.lines("send"))
        .containsExactly(
            "2026-01-02T10:40:00Z cart walt step-2 send email cart-reminder",
            "2026-01-03T09:00:00Z fifth walt step-1 send email regular");
  }
}
