package io.kairos.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.engine.ProfileState;
import io.kairos.event.Event;
import io.kairos.event.EventType;
import io.kairos.expr.Bindings;
import io.kairos.expr.ProfileFacts;
import io.kairos.profile.Profile;
import io.kairos.time.Timestamps;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Seeded random timelines across time zones: after any event sequence and at any moment, the
 * membership the engine keeps incrementally equals a from-scratch evaluation of every segment's
 * condition at that moment, computed from a log of the raw events; and the same input gives the
 * same output.
 */
class MembershipPropertyTest {

  static final String SEGMENTS =
      """
      segments:
        - id: busy
          where: count("A", duration("1d")) >= 2
        - id: weekly
          where: count("B", duration("7d")) >= 1 && count("A", duration("90m")) == 0
        - id: recent-a
          where: last("A") > now - duration("2h")
        - id: lapsed-b
          where: count("B") > 0 && last("B") <= now - duration("2d")
        - id: adult
          where: has(profile.birthday) && age(profile.birthday) >= 30
        - id: new-member
          where: has(profile.signed_up) && now - timestamp(profile.signed_up) < duration("3d")
        - id: gold
          where: '"gold" in profile.tags || (has(profile.plan) && profile.plan == "pro")'
        - id: quiet
          where: profile.last_seen < now - duration("1d12h")
        - id: busy-adult
          where: in_segment("busy") && in_segment("adult")
        - id: not-busy-gold
          where: in_segment("gold") && !in_segment("busy")
      """;

  static final String UPGRADE =
      """
      id: upgrade
      goal: tag customers who do C
      trigger: { event: C }
      entry: parallel
      steps:
        - update:
            add_tags: [gold]
        - wait: 5h
        - update:
            remove_tags: [gold]
      """;

  static final List<String> ZONES =
      List.of("Europe/Berlin", "America/New_York", "Asia/Tehran", "Australia/Lord_Howe");

  @Test
  void incrementalMembershipEqualsAFromScratchEvaluationAtEveryMoment() {
    for (long seed = 1; seed <= 25; seed++) {
      run(seed, true);
    }
  }

  @Test
  void theSameInputGivesTheSameOutput() {
    for (long seed = 100; seed < 105; seed++) {
      assertThat(run(seed, false)).isEqualTo(run(seed, false));
    }
  }

  /** One random timeline; returns every effect with its reason. */
  private List<String> run(long seed, boolean check) {
    Random r = new Random(seed);
    ZoneId fallback = ZoneId.of(r.nextBoolean() ? "UTC" : "Europe/Berlin");
    World w = new World(fallback, SEGMENTS, UPGRADE);
    SegmentSet set = new SegmentSet(World.load(SEGMENTS).segments());
    Log log = new Log();
    int users = 3 + r.nextInt(5);
    long t = Timestamps.parse("2026-01-01T00:00:00Z");
    for (int step = 0; step < 250; step++) {
      t += 60_000L * (1 + r.nextInt(r.nextInt(10) == 0 ? 6000 : 240));
      int u = r.nextInt(users);
      String user = "u" + u;
      String time = Timestamps.format(t);
      int kind = r.nextInt(20);
      if (kind < 7) {
        w.track(user, time, "A");
        log.add(user, "A", t);
      } else if (kind < 10) {
        w.track(user, time, "B");
        log.add(user, "B", t);
      } else if (kind < 11) {
        w.track(user, time, "C");
        log.add(user, "C", t);
      } else if (kind < 13) {
        String zone = ZONES.get(r.nextInt(ZONES.size()));
        w.trackIn(user, zone, time, "A");
        log.add(user, "A", t);
      } else if (kind < 15) {
        int year = 1990 + r.nextInt(10);
        String birthday =
            year
                + "-"
                + pad(1 + r.nextInt(12))
                + "-"
                + pad(1 + r.nextInt(r.nextBoolean() ? 28 : 29));
        if (r.nextInt(4) == 0) {
          birthday = "1996-02-29";
        }
        w.identify(user, null, time, "birthday", birthday);
        log.add(user, Event.IDENTIFY, t);
      } else if (kind < 16) {
        w.identify(user, null, time, "plan", r.nextBoolean() ? "pro" : "free");
        log.add(user, Event.IDENTIFY, t);
      } else if (kind < 17) {
        w.identify(
            user, null, time, "signed_up", Timestamps.format(t - 3_600_000L * r.nextInt(80)));
        log.add(user, Event.IDENTIFY, t);
      } else if (kind < 19) {
        // an anonymous visitor, who may identify later
        String anon = "anon-" + u;
        w.anonymous(anon, time, "A");
        log.add(log.route(anon), "A", t);
      } else {
        String anon = "anon-" + u;
        ProfileState before = w.sim.find(anon);
        boolean merges =
            before != null
                && before.profile().userId() == null
                && before.profile().id().equals(anon);
        w.identify(user, anon, time);
        if (merges) {
          log.merge(anon, user);
        } else {
          log.alias(anon, user);
        }
        log.add(user, Event.IDENTIFY, t);
      }
      if (check) {
        verify(w, set, log, t, fallback, seed);
        // and at a random later moment, before the next event
        long probe = t + 60_000L * r.nextInt(3000);
        w.finish(Timestamps.format(probe));
        verify(w, set, log, Math.max(probe, t), fallback, seed);
        t = Math.max(t, probe);
      }
    }
    List<String> out = new ArrayList<>();
    w.effects.forEach(e -> out.add(World.line(e) + " " + e.reason()));
    return out;
  }

  private static void verify(
      World w, SegmentSet set, Log log, long now, ZoneId fallback, long seed) {
    for (String id : log.profiles()) {
      ProfileState state = w.sim.find(id);
      if (state == null || !state.profile().id().equals(id)) {
        continue;
      }
      Set<String> expected = fromScratch(set, state.profile(), log.events(id), now, fallback);
      assertThat(new TreeSet<>(state.segments()))
          .as("seed %d, profile %s at %s", seed, id, Timestamps.format(now))
          .isEqualTo(new TreeSet<>(expected));
    }
  }

  /** Every segment evaluated at {@code now} over the raw event log, with no state of its own. */
  static Set<String> fromScratch(
      SegmentSet set, Profile profile, List<long[]> events, long now, ZoneId fallback) {
    Set<String> members = new LinkedHashSet<>();
    for (int i = 0; i < set.size(); i++) {
      Scratch b = new Scratch(profile, events, members, now, fallback);
      try {
        if (set.get(i).where().test(b)) {
          members.add(set.get(i).id());
        }
      } catch (RuntimeException e) {
        // a failed condition is false
      }
    }
    return members;
  }

  private static String pad(int n) {
    return n < 10 ? "0" + n : Integer.toString(n);
  }

  /** Raw events per profile id, following merges and aliases as the simulator does. */
  static final class Log {
    private final Map<String, List<long[]>> byProfile = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private static final Map<String, Long> NAMES = Map.of("A", 1L, "B", 2L, "C", 3L);

    String route(String id) {
      return aliases.getOrDefault(id, id);
    }

    void add(String id, String name, long t) {
      long code = NAMES.getOrDefault(name, 0L);
      byProfile.computeIfAbsent(route(id), k -> new ArrayList<>()).add(new long[] {code, t});
    }

    void merge(String anon, String user) {
      List<long[]> moved = byProfile.remove(anon);
      if (moved != null) {
        byProfile.computeIfAbsent(user, k -> new ArrayList<>()).addAll(moved);
      }
      aliases.put(anon, user);
    }

    void alias(String anon, String user) {
      if (!byProfile.containsKey(anon)) {
        aliases.put(anon, user);
      }
    }

    Set<String> profiles() {
      return byProfile.keySet();
    }

    List<long[]> events(String id) {
      return byProfile.getOrDefault(id, List.of());
    }

    static long code(String name) {
      return NAMES.getOrDefault(name, -1L);
    }
  }

  /** Bindings over the raw log: counts and times are computed from it on every call. */
  static final class Scratch implements Bindings, ProfileFacts {
    private final Profile profile;
    private final List<long[]> events;
    private final Set<String> members;
    private final long now;
    private final ZoneId fallback;

    Scratch(Profile profile, List<long[]> events, Set<String> members, long now, ZoneId fallback) {
      this.profile = profile;
      this.events = events;
      this.members = members;
      this.now = now;
      this.fallback = fallback;
    }

    @Override
    public Map<String, Object> event() {
      return Map.of();
    }

    @Override
    public Map<String, Object> profile() {
      return profile.view();
    }

    @Override
    public Map<String, Object> journey() {
      return Map.of();
    }

    @Override
    public long now() {
      return now;
    }

    @Override
    public ProfileFacts facts() {
      return this;
    }

    @Override
    public long count(String name) {
      return events.stream().filter(e -> e[0] == Log.code(name)).count();
    }

    @Override
    public long countAfter(String name, long after) {
      return events.stream().filter(e -> e[0] == Log.code(name) && e[1] > after).count();
    }

    @Override
    public long firstAfter(String name, long after) {
      return events.stream()
          .filter(e -> e[0] == Log.code(name) && e[1] > after)
          .mapToLong(e -> e[1])
          .min()
          .orElse(Long.MAX_VALUE);
    }

    @Override
    public long last(String name) {
      return events.stream()
          .filter(e -> e[0] == Log.code(name))
          .mapToLong(e -> e[1])
          .max()
          .orElse(Long.MIN_VALUE);
    }

    @Override
    public ZoneId zone() {
      return profile.zone() != null ? profile.zone() : fallback;
    }

    @Override
    public boolean inSegment(String id) {
      return members.contains(id);
    }
  }

  static {
    // Touch the type so an unused import of EventType stays meaningful to readers.
    EventType.values();
  }
}
