package io.kairos.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.engine.Effect;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SegmentMembershipTest {

  private static final String SEGMENTS =
      """
      segments:
        - id: repeat-buyer
          name: Repeat buyers
          description: Two orders within 30 days
          where: count("Order Completed", duration("30d")) >= 2
        - id: lapsed
          where: count("Order Completed") > 0 && last("Order Completed") < now - duration("90d")
        - id: thirty-plus
          where: has(profile.birthday) && age(profile.birthday) >= 30
        - id: pro
          where: has(profile.plan) && profile.plan == "pro"
        - id: pro-repeat
          where: in_segment("pro") && in_segment("repeat-buyer")
      """;

  @Test
  void aWindowedCountEntersOnTheSecondOrderAndExitsWhenTheFirstLeavesTheWindow() {
    World w =
        World.of(SEGMENTS)
            .track("ana", "2026-03-01T10:00:00Z", "Order Completed")
            .track("ana", "2026-03-20T09:00:00Z", "Order Completed")
            .finish("2026-05-01T00:00:00Z");
    assertThat(w.lines("segment/repeat-buyer"))
        .containsExactly(
            "2026-03-20T09:00:00Z segment/repeat-buyer ana where enter segment",
            // 30 days of 24 hours after the first order, it no longer counts
            "2026-03-31T10:00:00Z segment/repeat-buyer ana where exit segment");
    assertThat(w.of(Effect.SegmentEntered.class).get(0).reason())
        .isEqualTo(
            "after event 'Order Completed': count(\"Order Completed\", duration(\"30d\")) >= 2 is"
                + " true (count(\"Order Completed\", 30d) = 2)");
    assertThat(w.of(Effect.SegmentExited.class).get(0).reason())
        .isEqualTo(
            "as time passed: count(\"Order Completed\", duration(\"30d\")) >= 2 is false"
                + " (count(\"Order Completed\", 30d) = 1)");
  }

  @Test
  void recencyEntersTheMillisecondAfterNinetyDaysWithoutAnOrder() {
    World w =
        World.of(SEGMENTS)
            .track("bob", "2026-01-01T12:00:00Z", "Order Completed")
            .finish("2026-06-01T00:00:00Z");
    assertThat(w.lines("segment/lapsed"))
        .containsExactly("2026-04-01T12:00:00Z segment/lapsed bob where enter segment");
    assertThat(w.of(Effect.SegmentEntered.class).get(0).time())
        .isEqualTo(java.time.Instant.parse("2026-04-01T12:00:00.001Z").toEpochMilli());
  }

  @Test
  void ageGrowsAtMidnightOfTheBirthdayInTheProfilesZone() {
    World w =
        new World(ZoneId.of("UTC"), SEGMENTS)
            .identifyIn("cleo", "Asia/Tehran", "2026-01-10T08:00:00Z", "birthday", "1996-05-17")
            .finish("2027-01-01T00:00:00Z");
    // Midnight of 17 May in Tehran (UTC+03:30) is 20:30 UTC on 16 May.
    assertThat(w.lines("segment/thirty-plus"))
        .containsExactly("2026-05-16T20:30:00Z segment/thirty-plus cleo where enter segment");
  }

  @Test
  void aSegmentReadingAnotherFollowsIt() {
    World w =
        World.of(SEGMENTS)
            .identify("dan", null, "2026-03-01T09:00:00Z", "plan", "pro")
            .track("dan", "2026-03-02T10:00:00Z", "Order Completed")
            .track("dan", "2026-03-03T10:00:00Z", "Order Completed")
            .identify("dan", null, "2026-03-04T10:00:00Z", "plan", "free")
            .finish("2026-03-05T00:00:00Z");
    assertThat(w.lines("segment/"))
        .containsExactly(
            "2026-03-01T09:00:00Z segment/pro dan where enter segment",
            "2026-03-03T10:00:00Z segment/repeat-buyer dan where enter segment",
            "2026-03-03T10:00:00Z segment/pro-repeat dan where enter segment",
            "2026-03-04T10:00:00Z segment/pro dan where exit segment",
            "2026-03-04T10:00:00Z segment/pro-repeat dan where exit segment");
  }

  @Test
  void journeysTriggerOnEnteringAndLeavingAndWaitForIt() {
    String welcomeVip =
        """
        id: vip-welcome
        goal: thank repeat buyers
        trigger: { segment_entered: repeat-buyer }
        entry: parallel
        steps:
          - send: email
            template: thanks
        """;
    String winBack =
        """
        id: win-back
        goal: keep repeat buyers
        trigger: { segment_exited: repeat-buyer }
        steps:
          - wait_for: Segment Entered
            where: event.properties.segment == "repeat-buyer"
            within: 30d
            on_timeout: nudge
          - exit
          - id: nudge
            send: email
            template: we-miss-you
        """;
    World w =
        World.of(SEGMENTS, welcomeVip, winBack)
            .track("eve", "2026-03-01T10:00:00Z", "Order Completed")
            .track("eve", "2026-03-02T10:00:00Z", "Order Completed")
            .track("eve", "2026-04-05T10:00:00Z", "Order Completed")
            .track("eve", "2026-04-06T10:00:00Z", "Order Completed")
            .finish("2026-06-01T00:00:00Z");
    assertThat(w.lines("vip-welcome"))
        .containsExactly(
            "2026-03-02T10:00:00Z vip-welcome eve trigger enter",
            "2026-03-02T10:00:00Z vip-welcome eve step-1 send email thanks",
            "2026-03-02T10:00:00Z vip-welcome eve end complete",
            "2026-04-06T10:00:00Z vip-welcome eve trigger enter",
            "2026-04-06T10:00:00Z vip-welcome eve step-1 send email thanks",
            "2026-04-06T10:00:00Z vip-welcome eve end complete");
    assertThat(w.lines("win-back"))
        .containsExactly(
            "2026-03-31T10:00:00Z win-back eve trigger enter",
            "2026-03-31T10:00:00Z win-back eve step-1 wait until 2026-04-30T10:00:00Z",
            "2026-04-06T10:00:00Z win-back eve step-1 event arrived",
            "2026-04-06T10:00:00Z win-back eve step-2 exit exit_step",
            "2026-05-05T10:00:00Z win-back eve trigger entry refused");
    assertThat(w.of(Effect.Entered.class).get(0).reason())
        .isEqualTo("entered segment 'repeat-buyer'");
  }

  @Test
  void anAnonymousVisitorsHistoryCountsOnceMerged() {
    World w =
        World.of(SEGMENTS)
            .anonymous("anon-1", "2026-03-01T10:00:00Z", "Order Completed")
            .identify("fay", "anon-1", "2026-03-02T10:00:00Z")
            .track("fay", "2026-03-03T10:00:00Z", "Order Completed")
            .finish("2026-04-10T00:00:00Z");
    assertThat(w.lines("segment/repeat-buyer"))
        .containsExactly(
            "2026-03-03T10:00:00Z segment/repeat-buyer fay where enter segment",
            "2026-03-31T10:00:00Z segment/repeat-buyer fay where exit segment");
  }
}
