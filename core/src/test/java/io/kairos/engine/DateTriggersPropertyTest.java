package io.kairos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.time.Timestamps;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random timelines across zones, DST transitions and leap years: customers change their
 * birthday, their monthly date and their time zone at random moments over four years. A brute-force
 * oracle, which walks every calendar day, says when each occurrence must fire; the engine must fire
 * exactly those, each at exactly its instant, never early, never twice.
 */
class DateTriggersPropertyTest {
  private static final String[] ZONES = {
    "Europe/Berlin", "America/New_York", "Asia/Tehran", "Australia/Lord_Howe", "UTC", null
  };
  // Times that fall in DST gaps or overlaps somewhere among the zones, and ordinary ones.
  private static final String[] TIMES = {"02:30", "01:45", "02:15", "00:30", "23:30", "10:00"};
  private static final String[] OFFSETS = {"", "-7d", "+1d", "-1d 2h"};
  private static final long START = Timestamps.parse("2026-01-01T00:00:00Z");
  private static final long END = Timestamps.parse("2030-01-01T00:00:00Z");

  /** One profile's data from a moment on. */
  record State(long from, LocalDate birthday, LocalDate monthly, String zone) {}

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void everyOccurrenceFiresOnceAtItsInstant(long seed) {
    Random rnd = new Random(seed);
    String birthdayAt = TIMES[rnd.nextInt(TIMES.length)];
    String monthlyAt = TIMES[rnd.nextInt(TIMES.length)];
    String occasionAt = TIMES[rnd.nextInt(TIMES.length)];
    String offset = OFFSETS[rnd.nextInt(OFFSETS.length)];
    DayOfWeek weekday = DayOfWeek.of(1 + rnd.nextInt(7));
    DateTriggersTest.Run run =
        new DateTriggersTest.Run(
            "id: bday\ngoal: g\ntrigger: { date: profile.birthday, recurring: yearly, at: \""
                + birthdayAt
                + "\""
                + (offset.isEmpty() ? "" : ", offset: \"" + offset + "\"")
                + " }\nsteps: [exit]\n",
            "id: monthly\ngoal: g\ntrigger: { date: profile.billing_day, recurring: monthly, at: \""
                + monthlyAt
                + "\" }\nsteps: [exit]\n",
            "id: weekly\ngoal: g\ntrigger:\n  schedule: { weekly: "
                + weekday.name().toLowerCase()
                + ", yearly: \"02-29\", at: \""
                + occasionAt
                + "\" }\nsteps: [exit]\n");
    // Random changes, in time order across all profiles, at :17 seconds so none ties a timer.
    TreeMap<Long, List<Object[]>> changes = new TreeMap<>();
    List<List<State>> histories = new ArrayList<>();
    int profiles = 40;
    for (int p = 0; p < profiles; p++) {
      List<State> h = new ArrayList<>();
      long t = START + rnd.nextInt(200) * 86_400_000L + rnd.nextInt(1440) * 60_000L + 17_000;
      LocalDate birthday = randomDate(rnd);
      LocalDate monthly = randomDate(rnd);
      String zone = ZONES[rnd.nextInt(ZONES.length)];
      while (t < END) {
        h.add(new State(t, birthday, monthly, zone));
        changes
            .computeIfAbsent(t, k -> new ArrayList<>())
            .add(new Object[] {"p" + p, birthday, monthly, zone});
        t += (1 + rnd.nextInt(300)) * 86_400_000L / (1 + rnd.nextInt(4)) / 60_000 * 60_000;
        switch (rnd.nextInt(5)) {
          case 0 -> birthday = randomDate(rnd);
          case 1 -> monthly = rnd.nextInt(4) == 0 ? null : randomDate(rnd);
          case 2 -> {
            String z = ZONES[rnd.nextInt(ZONES.length - 1)];
            zone = z; // a zone, once known, is only ever changed
          }
          case 3 -> birthday = rnd.nextInt(3) == 0 ? null : birthday;
          default -> {} // the same values sent again
        }
      }
      histories.add(h);
    }
    for (var e : changes.entrySet()) {
      for (Object[] c : e.getValue()) {
        run.identify(
            (String) c[0],
            (String) c[3],
            Timestamps.formatSeconds(e.getKey()),
            "birthday",
            c[1] == null ? null : c[1].toString(),
            "billing_day",
            c[2] == null ? null : c[2].toString());
      }
    }
    run.finish(Timestamps.formatSeconds(END));

    List<String> expected = new ArrayList<>();
    for (int p = 0; p < profiles; p++) {
      List<State> h = histories.get(p);
      expected.addAll(oracle("bday", "p" + p, h, State::birthday, true, birthdayAt, offset));
      expected.addAll(oracle("monthly", "p" + p, h, State::monthly, false, monthlyAt, ""));
      expected.addAll(weekly("p" + p, h, weekday, occasionAt));
    }
    List<String> actual =
        run.effects.stream()
            .filter(x -> x instanceof Effect.Entered)
            .map(x -> Timestamps.formatSeconds(x.time()) + " " + x.journey() + " " + x.profile())
            .sorted()
            .toList();
    assertThat(actual).hasSizeGreaterThan(1_000); // 40 customers, 4 years: not vacuous
    assertThat(actual).isEqualTo(expected.stream().sorted().toList());
    assertThat(actual).doesNotHaveDuplicates();
  }

  private static LocalDate randomDate(Random rnd) {
    return switch (rnd.nextInt(6)) {
      case 0 -> LocalDate.of(1996, 2, 29);
      case 1 -> YearMonth.of(1992, 1 + rnd.nextInt(12)).atEndOfMonth(); // month ends
      case 2 -> LocalDate.of(1985, 3, 29); // Berlin spring gap days in several years
      case 3 -> LocalDate.of(1985, 10, 4); // Lord Howe's
      default -> LocalDate.ofEpochDay(rnd.nextInt(365 * 60));
    };
  }

  /** Brute force: every calendar day of every window of unchanged data. */
  private static List<String> oracle(
      String journey,
      String profile,
      List<State> h,
      java.util.function.Function<State, LocalDate> date,
      boolean yearly,
      String at,
      String offset) {
    List<String> out = new ArrayList<>();
    Set<LocalDate> fired = new HashSet<>();
    LocalDate lastFired = null;
    for (int i = 0; i < h.size(); i++) {
      State s = h.get(i);
      long from = s.from();
      long to = i + 1 < h.size() ? h.get(i + 1).from() : END;
      LocalDate d = date.apply(s);
      if (d == null) {
        continue;
      }
      ZoneId zone = s.zone() == null ? ZoneOffset.UTC : ZoneId.of(s.zone());
      LocalDate first =
          LocalDate.ofInstant(java.time.Instant.ofEpochMilli(from), zone).minusDays(40);
      LocalDate last = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(to), zone).plusDays(40);
      for (LocalDate b = first; !b.isAfter(last); b = b.plusDays(1)) {
        boolean base =
            yearly
                ? b.getYear() > d.getYear() && b.equals(dayIn(YearMonth.from(b), d, true))
                : YearMonth.from(b).isAfter(YearMonth.from(d))
                    && b.equals(dayIn(YearMonth.from(b), d, false));
        if (!base || fired.contains(b) || (lastFired != null && !b.isAfter(lastFired))) {
          continue;
        }
        LocalDateTime local = b.atTime(java.time.LocalTime.parse(at));
        local = io.kairos.dates.DateOffset.parse(offset.isEmpty() ? "0s" : offset).applyTo(local);
        long instant = ZonedDateTime.ofLocal(local, zone, null).toInstant().toEpochMilli();
        if (instant >= from && instant < to) {
          fired.add(b);
          lastFired = b;
          out.add(Timestamps.formatSeconds(instant) + " " + journey + " " + profile);
        }
      }
    }
    return out;
  }

  private static List<String> weekly(String profile, List<State> h, DayOfWeek day, String at) {
    List<String> out = new ArrayList<>();
    LocalDate lastFired = null;
    for (int i = 0; i < h.size(); i++) {
      State s = h.get(i);
      long from = s.from();
      long to = i + 1 < h.size() ? h.get(i + 1).from() : END;
      ZoneId zone = s.zone() == null ? ZoneOffset.UTC : ZoneId.of(s.zone());
      LocalDate first =
          LocalDate.ofInstant(java.time.Instant.ofEpochMilli(from), zone).minusDays(2);
      LocalDate last = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(to), zone).plusDays(2);
      for (LocalDate b = first; !b.isAfter(last); b = b.plusDays(1)) {
        boolean leapDayRule =
            b.getMonthValue() == 2 && b.getDayOfMonth() == (b.isLeapYear() ? 29 : 28);
        if (b.getDayOfWeek() != day && !leapDayRule
            || (lastFired != null && !b.isAfter(lastFired))) {
          continue;
        }
        long instant =
            ZonedDateTime.ofLocal(b.atTime(java.time.LocalTime.parse(at)), zone, null)
                .toInstant()
                .toEpochMilli();
        if (instant >= from && instant < to) {
          lastFired = b;
          out.add(Timestamps.formatSeconds(instant) + " weekly " + profile);
        }
      }
    }
    return out;
  }

  private static LocalDate dayIn(YearMonth m, LocalDate d, boolean yearly) {
    if (yearly && m.getMonthValue() != d.getMonthValue()) {
      return null;
    }
    return m.atDay(Math.min(d.getDayOfMonth(), m.lengthOfMonth()));
  }
}
