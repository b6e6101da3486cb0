package io.kairos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.DefinitionLoader.Source;
import io.kairos.definition.Definitions;
import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.journey.Category;
import io.kairos.policy.QuietHours;
import io.kairos.simulation.Simulator;
import io.kairos.time.Span;
import io.kairos.time.Timestamps;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random timelines across zones and DST changes (Berlin and New York in March, Lord Howe's
 * half-hour change in April, Tehran without DST), checked against the policies' invariants: a
 * marketing message never goes out inside its channel's quiet hours, over a cap or inside a gap;
 * every deferred message is later sent or skipped with a reason, under the same id; transactional
 * messages are never held; and the same input gives the same output.
 */
class PolicyPropertyTest {

  static final List<String> ZONES =
      List.of("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Tehran", "UTC");
  static final QuietHours NIGHT = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0));
  static final QuietHours SMS_NIGHT = new QuietHours(LocalTime.of(20, 0), LocalTime.of(9, 0));
  static final Span WEEK = Span.parse("7d");
  static final Span DAY = Span.parse("1d");
  static final long GAP = 6 * 3_600_000L;
  static final Set<String> SKIP_CAUSES =
      Set.of("unsubscribed", "not_opted_in", "suppressed", "no_address", "expired");

  static final List<Source> FILES =
      List.of(
          new Source(
              "policies.yaml",
              """
              policies:
                quiet_hours: { from: "21:00", to: "08:00" }
                min_gap: 6h
                caps:
                  - { max: 3, per: 7d }
                  - { max: 1, per: 1d, channel: sms }
                channels:
                  sms: { quiet_hours: { from: "20:00", to: "09:00" } }
              """),
          new Source(
              "a.yaml",
              """
              id: promo
              goal: g
              trigger: { event: A }
              entry: parallel
              steps:
                - send: email
                  template: promo
                  topic: deals
              """),
          new Source(
              "b.yaml",
              """
              id: onboarding
              goal: g
              trigger: { event: B }
              entry: parallel
              steps:
                - send: sms
                  template: tip
                  category: lifecycle
                  expire_after: 2d
                - wait: 5h
                - send: push
                  template: tip-push
                  category: lifecycle
              """),
          new Source(
              "c.yaml",
              """
              id: receipt
              goal: g
              trigger: { event: C }
              entry: parallel
              steps:
                - send: email
                  template: receipt
                  category: transactional
              """));

  @Test
  void randomTimelinesKeepEveryPolicyInvariant() throws Exception {
    Definitions defs = new DefinitionLoader().load(FILES);
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    for (long seed = 1; seed <= 40; seed++) {
      List<Event> events = timeline(seed);
      List<Effect> first = run(defs, events);
      List<Effect> second = run(defs, events);
      assertThat(second).as("seed %d is deterministic", seed).isEqualTo(first);
      check(seed, first, events);
      for (Effect e : first) {
        String k =
            e instanceof Effect.Skipped s ? "skip " + s.cause() : e.getClass().getSimpleName();
        kinds.merge(k, 1, Integer::sum);
      }
    }
    // The timelines must exercise every path, or the invariants prove little.
    assertThat(kinds)
        .containsKeys("Deferred", "Send", "skip expired", "skip unsubscribed", "skip no_address");
    assertThat(kinds.get("Deferred")).isGreaterThan(100);
  }

  private static List<Effect> run(Definitions defs, List<Event> events) {
    List<Effect> out = new ArrayList<>();
    Simulator sim =
        new Simulator(
            new Engine(defs, ZoneOffset.UTC),
            new Effects() {
              @Override
              public void emit(Effect effect) {
                out.add(effect);
              }

              @Override
              public void schedule(Timer timer) {}
            });
    for (Event e : events) {
      sim.accept(e);
    }
    sim.finish(Timestamps.parse("2026-06-01T00:00:00Z"));
    return out;
  }

  private static List<Event> timeline(long seed) {
    Random r = new Random(seed);
    List<Event> events = new ArrayList<>();
    long start = Timestamps.parse("2026-03-01T00:00:00Z");
    int n = 0;
    List<long[]> times = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      String user = "u" + p;
      String zone = ZONES.get(r.nextInt(ZONES.size()));
      Map<String, Object> traits = new LinkedHashMap<>();
      traits.put("email", user + "@example.com");
      if (r.nextInt(4) > 0) {
        traits.put("phone", "+100" + p);
      }
      if (r.nextBoolean()) {
        traits.put("push_token", "tok-" + p);
      }
      long t = start + r.nextInt(3_600_000);
      events.add(event(++n, EventType.IDENTIFY, user, t, Event.IDENTIFY, Map.of(), traits, zone));
      int count = 10 + r.nextInt(25);
      for (int i = 0; i < count; i++) {
        t += (long) (r.nextDouble() * 2.5 * 86_400_000L);
        int k = r.nextInt(20);
        String name = k < 8 ? "A" : k < 14 ? "B" : k < 18 ? "C" : "Unsubscribed";
        Map<String, Object> props = new LinkedHashMap<>();
        if (name.equals("Unsubscribed")) {
          props.put("channel", List.of("email", "sms", "push").get(r.nextInt(3)));
          if (r.nextBoolean()) {
            props.put("topic", "deals");
          }
        }
        events.add(event(++n, EventType.TRACK, user, t, name, props, Map.of(), zone));
      }
    }
    events.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
    return events;
  }

  private static Event event(
      int n,
      EventType type,
      String user,
      long time,
      String name,
      Map<String, Object> props,
      Map<String, Object> traits,
      String zone) {
    return new Event(
        type,
        "m-" + n,
        user,
        null,
        time,
        name,
        JsonObject.of(props),
        JsonObject.of(traits),
        new EventContext(zone, null, null, null, JsonObject.of(Map.of("timezone", zone))),
        null,
        null);
  }

  private static void check(long seed, List<Effect> effects, List<Event> events) {
    Map<String, ZoneId> zones = new HashMap<>();
    for (Event e : events) {
      zones.putIfAbsent(e.userId(), ZoneId.of(e.context().timezone()));
    }
    Map<String, List<long[]>> marketing = new HashMap<>();
    Map<String, List<Long>> sms = new HashMap<>();
    Set<String> open = new HashSet<>();
    long end = Timestamps.parse("2026-06-01T00:00:00Z");
    Map<String, Long> lastDue = new HashMap<>();
    for (Effect e : effects) {
      String at = "seed " + seed + ": " + e;
      if (e instanceof Effect.Deferred d) {
        assertThat(d.category()).as(at).isNotEqualTo(Category.TRANSACTIONAL);
        assertThat(d.until()).as(at).isGreaterThan(d.time());
        open.add(d.messageId());
        lastDue.put(d.messageId(), d.until());
      } else if (e instanceof Effect.Skipped s) {
        assertThat(SKIP_CAUSES).as(at).contains(s.cause());
        assertThat(s.reason()).as(at).contains("not sent: ");
        open.remove(s.messageId());
      } else if (e instanceof Effect.Send s) {
        if (open.remove(s.messageId())) {
          assertThat(s.time()).as(at).isEqualTo(lastDue.get(s.messageId()));
        }
        if (!s.category().isMarketing()) {
          continue;
        }
        ZoneId zone = zones.get(s.profile());
        QuietHours q = s.channel().equals("sms") ? SMS_NIGHT : NIGHT;
        assertThat(q.contains(s.time(), zone)).as(at + " inside quiet hours in " + zone).isFalse();
        List<long[]> history = marketing.computeIfAbsent(s.profile(), k -> new ArrayList<>());
        if (!history.isEmpty()) {
          long last = history.get(history.size() - 1)[0];
          assertThat(s.time() - last).as(at + " inside the gap").isGreaterThanOrEqualTo(GAP);
        }
        int inWeek = 1;
        for (long[] h : history) {
          if (WEEK.addTo(h[0], zone) > s.time()) {
            inWeek++;
          }
        }
        assertThat(inWeek).as(at + " over the weekly cap").isLessThanOrEqualTo(3);
        history.add(new long[] {s.time()});
        if (s.channel().equals("sms")) {
          List<Long> texts = sms.computeIfAbsent(s.profile(), k -> new ArrayList<>());
          for (long t : texts) {
            assertThat(DAY.addTo(t, zone))
                .as(at + " over the sms cap")
                .isLessThanOrEqualTo(s.time());
          }
          texts.add(s.time());
        }
      }
    }
    // Nothing vanishes: a message still held at the end is due after the end of the run.
    for (String id : open) {
      assertThat(lastDue.get(id)).as("seed " + seed + ": " + id + " lost").isGreaterThan(end);
    }
  }
}
