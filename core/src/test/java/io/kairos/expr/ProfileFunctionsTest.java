package io.kairos.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileFunctionsTest {
  private static final ExpressionCompiler COMPILER = new ExpressionCompiler();

  /** A profile with order times, a zone and a segment; listens to observations. */
  private static final class Facts implements ProfileFacts, Bindings {
    final long now;
    final long[] orders;
    final ZoneId zone;
    final List<String> observed = new ArrayList<>();
    long next = Long.MAX_VALUE;

    Facts(String now, ZoneId zone, String... orders) {
      this.now = Instant.parse(now).toEpochMilli();
      this.zone = zone;
      this.orders = new long[orders.length];
      for (int i = 0; i < orders.length; i++) {
        this.orders[i] = Instant.parse(orders[i]).toEpochMilli();
      }
    }

    public long count(String name) {
      return name.equals("Order Completed") ? orders.length : 0;
    }

    public long countAfter(String name, long after) {
      return java.util.Arrays.stream(orders).filter(t -> t > after).count();
    }

    public long firstAfter(String name, long after) {
      return java.util.Arrays.stream(orders).filter(t -> t > after).min().orElse(Long.MAX_VALUE);
    }

    public long last(String name) {
      return orders.length == 0 ? Long.MIN_VALUE : orders[orders.length - 1];
    }

    public ZoneId zone() {
      return zone;
    }

    public boolean inSegment(String id) {
      return id.equals("vip");
    }

    public boolean observing() {
      return true;
    }

    public boolean recording() {
      return true;
    }

    public void observe(String call, Object value, long nextChange) {
      observed.add(call + " = " + value);
      next = Math.min(next, nextChange);
    }

    public Map<String, Object> event() {
      return Map.of();
    }

    public Map<String, Object> profile() {
      return Map.of("birthday", "1996-02-29");
    }

    public Map<String, Object> journey() {
      return Map.of();
    }

    public long now() {
      return now;
    }

    public ProfileFacts facts() {
      return this;
    }
  }

  private static Object eval(String source, Bindings b) throws ExpressionException {
    return COMPILER.compile(source).evaluate(b);
  }

  @Test
  void durationsTakeDaysAndWeeksAsExactLengths() throws Exception {
    Facts f = new Facts("2026-03-01T00:00:00Z", ZoneId.of("UTC"));
    assertThat(eval("duration(\"90d\")", f)).isEqualTo(Duration.ofHours(2160));
    assertThat(eval("duration(\"2w\")", f)).isEqualTo(Duration.ofDays(14));
    assertThat(eval("duration(\"1d12h\")", f)).isEqualTo(Duration.ofHours(36));
    assertThat(eval("duration(\"-1.5d\")", f)).isEqualTo(Duration.ofHours(-36));
    assertThat(eval("duration(\"90m\")", f)).isEqualTo(Duration.ofMinutes(90));
    assertThat(eval("now - duration(\"1d\") == timestamp(\"2026-02-28T00:00:00Z\")", f))
        .isEqualTo(true);
  }

  @Test
  void aBadDurationLiteralIsAnErrorAtItsColumn() {
    assertThatThrownBy(() -> COMPILER.compile("now > now - duration(\"3dd\")"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo(
                      "invalid duration: invalid duration '3dd': expected e.g. 90d, 2w, 36h, 1d12h");
              assertThat(e.offset()).isEqualTo(21);
            });
  }

  @Test
  void countLastAgeAndInSegmentReadTheProfile() throws Exception {
    Facts f =
        new Facts(
            "2026-03-01T00:00:00Z",
            ZoneId.of("UTC"),
            "2026-01-10T00:00:00Z",
            "2026-02-10T00:00:00Z",
            "2026-02-20T00:00:00Z");
    assertThat(eval("count(\"Order Completed\")", f)).isEqualTo(3L);
    assertThat(eval("count(\"Order Completed\", duration(\"30d\"))", f)).isEqualTo(2L);
    // the 10 February order leaves the 30-day window 30 days later
    assertThat(f.next).isEqualTo(Instant.parse("2026-03-12T00:00:00Z").toEpochMilli());
    assertThat(eval("last(\"Order Completed\")", f))
        .isEqualTo(Instant.parse("2026-02-20T00:00:00Z"));
    assertThat(eval("last(\"Never\") < now - duration(\"90d\")", f)).isEqualTo(false);
    assertThat(eval("in_segment(\"vip\") && !in_segment(\"other\")", f)).isEqualTo(true);
    assertThat(f.observed)
        .contains(
            "count(\"Order Completed\") = 3",
            "count(\"Order Completed\", 30d) = 2",
            "in_segment(\"vip\") = true");
  }

  @Test
  void lastOfAnEventThatNeverHappenedIsTheEarliestTimestamp() throws Exception {
    Facts f = new Facts("2026-03-01T00:00:00Z", ZoneId.of("UTC"));
    assertThat(eval("last(\"Order Completed\")", f))
        .isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
    assertThat(eval("last(\"Order Completed\") < now - duration(\"90d\")", f)).isEqualTo(true);
  }

  @Test
  void ageCountsWholeYearsInTheProfilesZoneAndALeapDayBirthdayOnTheFirstOfMarch() throws Exception {
    // 29 Feb 1996; on 28 Feb 2026 (no 29th) the person is still 29, from 1 March 30.
    Facts before = new Facts("2026-02-28T23:00:00Z", ZoneId.of("UTC"));
    assertThat(eval("age(profile.birthday)", before)).isEqualTo(29L);
    assertThat(before.next).isEqualTo(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());
    // In Berlin it is already 1 March at 23:00 UTC.
    Facts berlin = new Facts("2026-02-28T23:00:00Z", ZoneId.of("Europe/Berlin"));
    assertThat(eval("age(profile.birthday)", berlin)).isEqualTo(30L);
    assertThat(eval("age(timestamp(\"1990-06-01T12:00:00Z\"))", berlin)).isEqualTo(35L);
    assertThatThrownBy(() -> COMPILER.compile("age(\"x\") > 1").evaluate(berlin))
        .hasMessageContaining("age: 'x' is not a date");
  }

  @Test
  void aWindowedCountNeedsLiteralsEverywhere() {
    assertThatThrownBy(() -> COMPILER.compile("count(event.name, duration(\"1d\")) > 1"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.getMessage()).startsWith("count with a window takes an event name");
              assertThat(e.offset()).isEqualTo(6);
            });
    assertThatThrownBy(() -> COMPILER.compile("count(\"A\", duration(\"1d\") * 2) > 1"))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.offset()).isEqualTo(26));
  }

  @Test
  void usageNamesWhatAnExpressionDependsOn() throws Exception {
    Usage u =
        COMPILER
            .compile(
                "count(\"A\", duration(\"30d\")) > 1 && count(\"A\", duration(\"2d\")) > 0"
                    + " && last(\"B\") > now && profile.plan == \"x\" && in_segment(\"vip\")")
            .usage();
    assertThat(u.names()).containsExactlyInAnyOrder("A", "B");
    assertThat(u.windows()).containsExactly(Map.entry("A", 30L * 86_400_000L));
    assertThat(u.segments()).containsExactly("vip");
    assertThat(u.profileData()).isTrue();
    assertThat(u.everyEvent()).isFalse();
    assertThat(u.now()).isTrue();
    assertThat(u.timeAware()).isTrue();
    assertThat(COMPILER.compile("profile.last_seen > now").usage().everyEvent()).isTrue();
    assertThat(COMPILER.compile("event.name == \"x\"").usage().profileFunctions()).isFalse();
  }

  @Test
  void aConditionKeptCurrentComparesNowOnlyWithATime() throws Exception {
    for (String ok :
        List.of(
            "last(\"A\") < now - duration(\"90d\")",
            "now - timestamp(profile.signed_up) > duration(\"7d\")",
            "timestamp(profile.trial_end) <= now",
            "now + duration(\"1d\") >= timestamp(profile.renews)",
            "profile.tags.exists(t, t == \"x\") && now > timestamp(profile.since)")) {
      assertThat(COMPILER.compileKeptCurrent(ok).usage().thresholds()).as(ok).hasSize(1);
    }
    record Bad(String source, int offset, String start) {}
    for (Bad bad :
        List.of(
            new Bad("now.getHours() > 12", 0, "a segment can compare now only with a time"),
            new Bad("now == timestamp(profile.t)", 0, "a segment can compare now only"),
            new Bad("profile.ts.exists(t, timestamp(t) < now)", 21, "a segment can compare now"),
            new Bad("event.name == \"A\"", 0, "a segment has no event"),
            new Bad("journey.step == \"A\"", 0, "a segment has no journey"),
            new Bad("\"vip\" in profile.segments", 9, "in a segment, read other segments"),
            new Bad("in_segment(profile.s)", 11, "in a segment, in_segment takes"))) {
      assertThatThrownBy(() -> COMPILER.compileKeptCurrent(bad.source()))
          .as(bad.source())
          .isInstanceOfSatisfying(
              ExpressionException.class,
              e -> {
                assertThat(e.getMessage()).startsWith(bad.start());
                assertThat(e.offset()).isEqualTo(bad.offset());
              });
    }
  }
}
