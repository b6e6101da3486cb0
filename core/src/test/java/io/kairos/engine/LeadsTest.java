package io.kairos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.recommend.Catalog;
import io.kairos.simulation.Simulator;
import io.kairos.time.Timestamps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scoring, lifecycle and assignment through the engine, on the simulator's virtual clock. */
class LeadsTest {

  private static final String SCORING =
      """
      scoring:
        lead_score:
          decay: { half_life: 10d }
          rules:
            - id: form
              event: Form Submitted
              points: 40
            - id: open
              event: Email Opened
              points: 5
              max_per_day: 10
            - id: unsub
              event: Unsubscribed
              points: -30
        engagement:
          decay: { expire_after: 2d }
          thresholds: [2]
          rules:
            - event: Email Opened
              points: 1
      lifecycle:
        score: lead_score
        stages:
          - lead
          - { id: mql, min_score: 40 }
          - { id: sql, min_score: 80 }
          - customer
        moves:
          - { event: Deal Won, to: customer }
          - { event: Deal Lost, to: mql, backward: true }
          - { event: Demo Booked, to: mql }
      """;

  private static final String POOLS =
      """
      pools:
        team:
          reps:
            - { id: a, weight: 1, capacity: 1 }
            - { id: b, weight: 1, capacity: 1 }
      """;

  private static final String HANDOFF =
      """
      id: handoff
      goal: hand SQLs to sales
      trigger:
        event: Lifecycle Stage Changed
        where: event.properties.to == "sql"
      steps:
        - id: give
          assign: team
          on_unassigned: nobody
        - exit
        - id: nobody
          send: email
          template: manager-alert
      """;

  private static final String WATCH =
      """
      id: watch
      goal: notice cooling leads
      entry: parallel
      trigger:
        event: Lead Score Changed
        where: event.properties.direction == "down" && profile.lead_score < 40.0
      steps:
        - send: email
          template: cooling
      """;

  List<Effect> effects;
  Engine engine;
  Simulator sim;
  private int messages;

  private LeadsTest with(String... files) {
    String[] named = new String[files.length * 2];
    for (int i = 0; i < files.length; i++) {
      named[2 * i] = "f" + i + ".yaml";
      named[2 * i + 1] = files[i];
    }
    DefinitionsHarness h = DefinitionsHarness.of(Catalog.EMPTY, named);
    engine = h.engine;
    sim = h.sim;
    effects = h.effects;
    return this;
  }

  private LeadsTest track(String user, String time, String name) {
    return send(user, null, time, name);
  }

  private LeadsTest send(String user, String anon, String time, String name) {
    sim.accept(
        new Event(
            EventType.TRACK,
            "m-" + (++messages),
            user,
            anon,
            Timestamps.parse(time),
            name,
            JsonObject.EMPTY,
            JsonObject.EMPTY,
            EventContext.EMPTY,
            null,
            null));
    return this;
  }

  private List<String> lines() {
    return effects.stream().map(Harness::line).toList();
  }

  private Map<String, Object> view(String user, String time) {
    return engine.view(sim.find(user), Timestamps.parse(time));
  }

  @Test
  void pointsDecayOnReadAndThresholdsPromoteTheStage() {
    with(SCORING)
        .track("u", "2026-03-02T10:00:00Z", "Form Submitted")
        .track("u", "2026-03-12T10:00:00Z", "Form Submitted")
        .track("u", "2026-03-12T10:00:00Z", "Form Submitted");
    assertThat(lines())
        .containsExactly(
            "2026-03-02T10:00:00Z scoring/lead_score u form lead_score +40 = 40",
            "2026-03-02T10:00:00Z lifecycle u min_score stage lead -> mql",
            // exactly 40 is below 40 one millisecond later: decay is continuous
            "2026-03-02T10:00:00Z scoring/lead_score u decay lead_score decayed to 39.99",
            "2026-03-12T10:00:00Z scoring/lead_score u form lead_score +40 = 60",
            "2026-03-12T10:00:00Z scoring/lead_score u form lead_score +40 = 100",
            "2026-03-12T10:00:00Z lifecycle u min_score stage mql -> sql");
    assertThat(effects.get(2).time()).isEqualTo(Timestamps.parse("2026-03-02T10:00:00.001Z"));
    // 100 at 12 March, half-life 10 days: 50 on 22 March, 25 on 1 April, exactly.
    assertThat(view("u", "2026-03-22T10:00:00Z"))
        .containsEntry("lead_score", 50.0)
        .containsEntry("lifecycle_stage", "sql");
    assertThat(view("u", "2026-04-01T10:00:00Z")).containsEntry("lead_score", 25.0);
  }

  @Test
  void decayBelowAThresholdIsAnnouncedAtTheExactMillisecondAndNeverMovesTheStageBack() {
    with(SCORING, WATCH)
        .track("u", "2026-03-02T00:00:00Z", "Form Submitted")
        .track("u", "2026-03-02T00:00:00Z", "Email Opened")
        .track("u", "2026-03-02T00:00:00Z", "Email Opened");
    sim.finish(Timestamps.parse("2026-04-01T00:00:00Z"));
    // 50 points, half-life 10 days: below 40 after 10 * log2(50 / 40) days = 3.2193 days.
    long crossing =
        Timestamps.parse("2026-03-02T00:00:00Z")
            + (long) Math.floor(864_000_000.0 * Math.log(1.25) / Math.log(2))
            + 1;
    Effect decayed =
        effects.stream().filter(e -> e.step().equals("decay")).findFirst().orElseThrow();
    assertThat(decayed.time()).isEqualTo(crossing);
    assertThat(Timestamps.format(decayed.time())).isEqualTo("2026-03-05T05:15:45.874Z");
    assertThat((double) engine.view(sim.find("u"), crossing - 1).get("lead_score"))
        .isGreaterThanOrEqualTo(40.0);
    assertThat((double) engine.view(sim.find("u"), crossing).get("lead_score")).isLessThan(40.0);
    assertThat(lines())
        .contains(
            "2026-03-05T05:15:45Z watch u trigger enter",
            "2026-03-05T05:15:45Z watch u step-1 send email cooling")
        .noneMatch(l -> l.contains("stage mql -> lead"));
    assertThat(view("u", "2026-04-01T00:00:00Z")).containsEntry("lifecycle_stage", "mql");
  }

  @Test
  void aDailyCapResetsOnTheNextLocalDayAndExpiringPointsLeaveOnTime() {
    with(SCORING)
        .track("u", "2026-03-02T08:00:00Z", "Email Opened")
        .track("u", "2026-03-02T09:00:00Z", "Email Opened")
        .track("u", "2026-03-02T10:00:00Z", "Email Opened")
        .track("u", "2026-03-03T08:00:00Z", "Email Opened");
    sim.finish(Timestamps.parse("2026-03-04T09:59:59.999Z"));
    assertThat(view("u", "2026-03-04T09:59:59.999Z")).containsEntry("engagement", 2.0);
    sim.finish(Timestamps.parse("2026-03-04T10:00:00Z"));
    assertThat(view("u", "2026-03-04T10:00:00Z")).containsEntry("engagement", 1.0);
    sim.finish(Timestamps.parse("2026-03-10T00:00:00Z"));
    assertThat(lines().stream().filter(l -> l.contains("lead_score")))
        .containsExactly(
            "2026-03-02T08:00:00Z scoring/lead_score u open lead_score +5 = 5",
            "2026-03-02T09:00:00Z scoring/lead_score u open lead_score +5 = 9.98",
            "2026-03-02T10:00:00Z scoring/lead_score u open lead_score capped at 9.95",
            "2026-03-03T08:00:00Z scoring/lead_score u open lead_score +5 = 14.34");
    assertThat(lines().stream().filter(l -> l.contains("engagement")))
        .containsExactly(
            "2026-03-02T08:00:00Z scoring/engagement u rule-1 engagement +1 = 1",
            "2026-03-02T09:00:00Z scoring/engagement u rule-1 engagement +1 = 2",
            "2026-03-02T10:00:00Z scoring/engagement u rule-1 engagement +1 = 3",
            "2026-03-03T08:00:00Z scoring/engagement u rule-1 engagement +1 = 4",
            "2026-03-04T08:00:00Z scoring/engagement u expiry engagement -1 = 3 (expired)",
            "2026-03-04T09:00:00Z scoring/engagement u expiry engagement -1 = 2 (expired)",
            "2026-03-04T10:00:00Z scoring/engagement u expiry engagement -1 = 1 (expired)",
            "2026-03-05T08:00:00Z scoring/engagement u expiry engagement -1 = 0 (expired)");
    Effect.ScoreChanged fell =
        (Effect.ScoreChanged)
            effects.stream()
                .filter(e -> e.reason().endsWith("fell below 2"))
                .findFirst()
                .orElseThrow();
    assertThat(Timestamps.formatSeconds(fell.time())).isEqualTo("2026-03-04T10:00:00Z");
  }

  @Test
  void movesGoForwardOnlyUnlessTheyMayGoBack() {
    with(SCORING)
        .track("u", "2026-03-02T10:00:00Z", "Deal Won")
        .track("u", "2026-03-02T11:00:00Z", "Demo Booked")
        .track("u", "2026-03-02T12:00:00Z", "Deal Lost");
    assertThat(lines())
        .containsExactly(
            "2026-03-02T10:00:00Z lifecycle u move-1 stage lead -> customer",
            "2026-03-02T12:00:00Z lifecycle u move-2 stage customer -> mql");
  }

  @Test
  void anUpdateStepSetsTheScoreAndMayMoveTheStageBack() {
    String reset =
        """
        id: reset
        goal: recycle lost deals
        trigger: { event: Recycle }
        entry: parallel
        steps:
          - id: zero
            update:
              set: { lead_score: 0, lifecycle_stage: '"lead"' }
          - id: bonus
            update:
              increment: { lead_score: 45 }
        """;
    with(SCORING, reset)
        .track("u", "2026-03-02T10:00:00Z", "Form Submitted")
        .track("u", "2026-03-02T10:00:00Z", "Form Submitted")
        .track("u", "2026-03-02T11:00:00Z", "Recycle");
    assertThat(lines().subList(5, lines().size()))
        .containsExactly(
            "2026-03-02T11:00:00Z reset u trigger enter",
            "2026-03-02T11:00:00Z scoring/lead_score u zero lead_score -79.76 = 0 (update)",
            "2026-03-02T11:00:00Z lifecycle u zero stage sql -> lead",
            "2026-03-02T11:00:00Z reset u zero update lead_score lifecycle_stage",
            "2026-03-02T11:00:00Z scoring/lead_score u bonus lead_score +45 = 45 (update)",
            "2026-03-02T11:00:00Z lifecycle u min_score stage lead -> mql",
            "2026-03-02T11:00:00Z reset u bonus update lead_score",
            "2026-03-02T11:00:00Z reset u end complete");
  }

  @Test
  void anAnonymousVisitorsPointsAddUpWhenTheyIdentify() {
    with(SCORING)
        .send(null, "anon-1", "2026-03-02T10:00:00Z", "Form Submitted")
        .track("u", "2026-03-02T10:00:00Z", "Email Opened")
        .send("u", "anon-1", "2026-03-02T10:00:00Z", "Email Opened");
    assertThat(lines())
        .containsExactly(
            "2026-03-02T10:00:00Z scoring/lead_score anon-1 form lead_score +40 = 40",
            "2026-03-02T10:00:00Z lifecycle anon-1 min_score stage lead -> mql",
            "2026-03-02T10:00:00Z scoring/lead_score u open lead_score +5 = 5",
            "2026-03-02T10:00:00Z scoring/engagement u rule-1 engagement +1 = 1",
            "2026-03-02T10:00:00Z scoring/lead_score u merge lead_score +40 = 45 (merged)",
            "2026-03-02T10:00:00Z lifecycle u min_score stage lead -> mql",
            "2026-03-02T10:00:00Z scoring/lead_score u open lead_score +5 = 50",
            "2026-03-02T10:00:00Z scoring/engagement u rule-1 engagement +1 = 2");
    assertThat(view("u", "2026-03-02T10:00:00Z"))
        .containsEntry("lead_score", 50.0)
        .containsEntry("engagement", 2.0)
        .containsEntry("lifecycle_stage", "mql");
  }

  @Test
  void capacityIsFreedByReleaseAndAFullPoolTakesTheUnassignedPath() {
    with(SCORING, POOLS, HANDOFF);
    for (String u : List.of("p1", "p2", "p3")) {
      track(u, "2026-03-02T10:00:00Z", "Form Submitted");
      track(u, "2026-03-02T10:00:00Z", "Form Submitted");
    }
    track("p1", "2026-03-02T11:00:00Z", "Owner Released");
    track("p4", "2026-03-02T12:00:00Z", "Form Submitted");
    track("p4", "2026-03-02T12:00:00Z", "Form Submitted");
    assertThat(
            lines().stream()
                .filter(l -> l.contains(" give ") || l.contains("release") || l.contains("nobody")))
        .containsExactly(
            "2026-03-02T10:00:00Z handoff p1 give assign a (team)",
            "2026-03-02T10:00:00Z handoff p2 give assign b (team)",
            "2026-03-02T10:00:00Z handoff p3 give unassigned (team)",
            "2026-03-02T10:00:00Z handoff p3 nobody send email manager-alert",
            "2026-03-02T11:00:00Z pool/sales p1 release release a".replace("sales", "team"),
            "2026-03-02T12:00:00Z handoff p4 give assign a (team)");
    Effect.OwnerAssigned none =
        effects.stream()
            .filter(e -> e instanceof Effect.OwnerAssigned o && o.owner() == null)
            .map(Effect.OwnerAssigned.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(none.reason())
        .isEqualTo(
            "step give: nobody can take the lead: rep a at capacity 1/1; rep b at capacity 1/1");
    assertThat(sim.find("p4").profile().trait("owner")).isEqualTo("a");
    assertThat(engine.assignments().open("team", "a")).isEqualTo(1);
    assertThat(engine.assignments().open("team", "b")).isEqualTo(1);
  }
}
