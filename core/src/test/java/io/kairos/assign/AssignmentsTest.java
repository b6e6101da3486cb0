package io.kairos.assign;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.time.Timestamps;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AssignmentsTest {

  private static final WorkingHours WEEKDAYS =
      new WorkingHours(
          EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
          LocalTime.of(9, 0),
          LocalTime.of(17, 0),
          false);

  private static Rep rep(String id, int weight, int capacity) {
    return new Rep(id, id, weight, capacity, ZoneOffset.UTC, null, List.of());
  }

  private static long t(String iso) {
    return Timestamps.parse(iso);
  }

  private static List<String> picks(Assignments a, String pool, long now, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Assignments.Decision d = a.assign(pool, now);
      out.add(d.rep() == null ? "-" : d.rep().id());
    }
    return out;
  }

  @Test
  void smoothWeightedRoundRobinInterleavesAsNginxDoes() {
    Assignments a =
        new Assignments(
            List.of(
                new Pool("p", List.of(rep("a", 5, 0), rep("b", 1, 0), rep("c", 1, 0)), List.of())));
    assertThat(picks(a, "p", 0, 14))
        .containsExactly("a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a");
  }

  @Test
  void repsAtCapacityAreSkippedAndAFullPoolAssignsNobody() {
    Assignments a =
        new Assignments(List.of(new Pool("p", List.of(rep("a", 2, 2), rep("b", 1, 1)), List.of())));
    assertThat(picks(a, "p", 0, 4)).containsExactly("a", "b", "a", "-");
    Assignments.Decision d = a.assign("p", 0);
    assertThat(d.reason())
        .isEqualTo("nobody can take the lead: rep a at capacity 2/2; rep b at capacity 1/1");
    a.release("p", "b");
    assertThat(a.open("p", "b")).isZero();
    assertThat(picks(a, "p", 0, 1)).containsExactly("b");
  }

  @Test
  void outOfOfficeAndWorkingHoursInTheRepsOwnZoneAreExplained() {
    Rep berlin =
        new Rep(
            "rita",
            "Rita",
            1,
            0,
            ZoneId.of("Europe/Berlin"),
            WEEKDAYS,
            List.of(new Rep.Absence(t("2026-03-09T00:00:00Z"), t("2026-03-11T08:00:00Z"))));
    Rep newYork = new Rep("sam", "Sam", 1, 0, ZoneId.of("America/New_York"), WEEKDAYS, List.of());
    Assignments a = new Assignments(List.of(new Pool("p", List.of(berlin, newYork), List.of())));
    // Tuesday 10 March, 15:00Z: Rita is away, Sam (11:00 in New York, summer time since 8 March)
    // works.
    Assignments.Decision d = a.assign("p", t("2026-03-10T15:00:00Z"));
    assertThat(d.rep().id()).isEqualTo("sam");
    assertThat(d.reason())
        .isEqualTo(
            "rep sam: the only rep available, open leads 1; rep rita out of office until"
                + " 2026-03-11T08:00:00Z");
    // Wednesday 11 March 07:00Z: nobody works yet; Rita is back at 08:00Z (09:00 Berlin).
    d = a.assign("p", t("2026-03-11T07:00:00Z"));
    assertThat(d.rep().id()).isEqualTo("rita");
    assertThat(d.availableAt()).isEqualTo(t("2026-03-11T08:00:00Z"));
    assertThat(d.reason())
        .isEqualTo(
            "nobody is available now; rep rita: the first rep available, at 2026-03-11T08:00:00Z,"
                + " open leads 1; rep sam outside working hours (mon-fri 09:00-17:00"
                + " America/New_York), available from 2026-03-11T13:00:00Z");
  }

  @Test
  void workingHoursSkipTheWeekendAndMayEndAtMidnight() {
    WorkingHours late =
        new WorkingHours(
            EnumSet.of(DayOfWeek.FRIDAY), LocalTime.of(20, 0), LocalTime.MIDNIGHT, true);
    ZoneId utc = ZoneOffset.UTC;
    assertThat(late.nextOpen(t("2026-03-06T23:59:00Z"), utc)).isEqualTo(t("2026-03-06T23:59:00Z"));
    assertThat(late.nextOpen(t("2026-03-07T00:00:00Z"), utc)).isEqualTo(t("2026-03-13T20:00:00Z"));
    assertThat(WEEKDAYS.nextOpen(t("2026-03-07T12:00:00Z"), utc))
        .isEqualTo(t("2026-03-09T09:00:00Z"));
    assertThat(late.describe()).isEqualTo("fri 20:00-24:00");
  }

  @Test
  void seededRunsAreDeterministicAndKeepEveryRule() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      List<Rep> reps = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        reps.add(rep("r" + i, 1 + r.nextInt(4), r.nextInt(4)));
      }
      Pool pool = new Pool("p", reps, List.of());
      List<String> first = new ArrayList<>();
      List<String> second = new ArrayList<>();
      Assignments a = new Assignments(List.of(pool));
      Assignments b = new Assignments(List.of(pool));
      SplittableRandom ops = new SplittableRandom(seed * 31);
      for (int step = 0; step < 200; step++) {
        if (ops.nextInt(3) == 0) {
          String id = "r" + ops.nextInt(4);
          a.release("p", id);
          b.release("p", id);
          continue;
        }
        Assignments.Decision d = a.assign("p", 0);
        first.add(d.rep() == null ? "-" : d.rep().id());
        Assignments.Decision e = b.assign("p", 0);
        second.add(e.rep() == null ? "-" : e.rep().id());
        for (Rep x : reps) {
          if (x.capacity() > 0) {
            assertThat(a.open("p", x.id())).isLessThanOrEqualTo(x.capacity());
          }
        }
        if (d.rep() == null) {
          assertThat(reps).allMatch(x -> x.capacity() > 0 && a.open("p", x.id()) == x.capacity());
        }
      }
      assertThat(first).isEqualTo(second);
    }
  }
}
