package io.kairos.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.JourneySet;
import io.kairos.engine.Timer;
import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.journey.Journey;
import io.kairos.journey.JourneyLoader;
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
 * Seeded random timelines (sign-ups, carts, orders, opens, answers, quiet gaps, same-moment ties,
 * anonymous visitors who identify, several time zones) through journeys that use every step kind,
 * checked against properties that must hold for any input.
 */
class RandomTimelinesTest {
  private static final String[] JOURNEYS = {
    """
    id: welcome
    goal: greet
    trigger: { event: Signed Up }
    conversion: { event: Order Completed, within: 7d, value: event.properties.revenue }
    steps:
      - send: email
        template: welcome
      - wait: 1d
      - branch:
          - if: '"Order Completed" in profile.events'
            goto: end
      - send: email
        template: tour
    """,
    """
    id: cart
    goal: recover carts
    trigger:
      event: Product Added
      where: event.properties.price >= 10
    entry: restart
    exit_on: [ { event: Order Completed } ]
    steps:
      - wait: 1h
      - split:
          holdout: 10
          arms:
            - { name: A, weight: 1 }
            - { name: B, weight: 1, goto: b }
      - send: email
        template: cart-a
      - goto: survey
      - id: b
        send: sms
        template: cart-b
      - id: survey
        wait_for: Survey Answered
        within: 2d
        on_timeout: end
      - update:
          set: { last_answer: event.properties.answer }
          add_tags: [answered]
      - emit: Cart Survey Done
    """,
    """
    id: after-survey
    goal: thank
    trigger: { event: Cart Survey Done }
    entry: { once_per: 3d }
    steps:
      - webhook: https://example.com/hook
        body: { answer: profile.last_answer }
    """,
    """
    id: quiet
    goal: win back
    trigger: { inactive_for: 5d }
    entry: parallel
    steps:
      - send: email
        template: miss-you
    """,
    """
    id: monthly
    goal: replenish
    trigger: { event: Order Completed }
    entry: parallel
    steps:
      - wait: 1 month
      - send: email
        template: reorder
    """
  };

  private static final String[] ZONES = {
    "Europe/Berlin", "America/New_York", "Asia/Tehran", "Australia/Lord_Howe", null
  };

  private static List<Journey> journeys() throws Exception {
    JourneyLoader loader = new JourneyLoader();
    List<Journey> list = new ArrayList<>();
    for (String yaml : JOURNEYS) {
      list.add(loader.load("random.yaml", yaml));
    }
    return list;
  }

  /** A timeline in time order; ties on purpose. */
  private static List<Event> timeline(long seed, int users, int events) {
    Random r = new Random(seed);
    List<Event> out = new ArrayList<>();
    long t = 1_772_323_200_000L; // 2026-03-01
    String[] names = {
      "Page Viewed", "Product Added", "Order Completed", "Survey Answered", "Application Opened"
    };
    Set<String> signedUp = new HashSet<>();
    for (int i = 0; i < events; i++) {
      int gap = r.nextInt(10);
      t += gap == 0 ? 0 : gap < 8 ? r.nextInt(3_600_000) : r.nextInt(6) * 86_400_000L;
      int u = r.nextInt(users);
      String user = "u" + u;
      boolean anonymous = u % 7 == 0 && !signedUp.contains(user) && r.nextBoolean();
      String name = signedUp.add(user) ? "Signed Up" : names[r.nextInt(names.length)];
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("price", (long) r.nextInt(40));
      props.put("revenue", r.nextInt(100) + 0.5);
      props.put("answer", r.nextBoolean() ? "price" : "shipping cost");
      String zone = ZONES[u % ZONES.length];
      out.add(
          new Event(
              EventType.TRACK,
              "m" + i,
              anonymous ? null : user,
              anonymous ? "a" + u : (u % 7 == 0 ? "a" + u : null),
              t,
              name,
              JsonObject.of(props),
              JsonObject.EMPTY,
              zone == null
                  ? EventContext.EMPTY
                  : new EventContext(zone, null, null, null, JsonObject.EMPTY),
              null,
              null));
    }
    return out;
  }

  private static List<Effect> run(List<Journey> journeys, List<Event> events, List<Long> fired) {
    return run(
        journeys, events, fired, events.get(events.size() - 1).timestamp() + 40L * 86_400_000L);
  }

  private static List<Effect> run(
      List<Journey> journeys, List<Event> events, List<Long> fired, long end) {
    List<Effect> effects = new ArrayList<>();
    Simulator sim =
        new Simulator(
            new Engine(JourneySet.of(journeys)),
            new Effects() {
              @Override
              public void emit(Effect effect) {
                effects.add(effect);
              }

              @Override
              public void schedule(Timer timer) {
                fired.add(timer.due());
              }
            });
    for (Event e : events) {
      sim.accept(e);
    }
    sim.finish(end);
    return effects;
  }

  @Test
  void propertiesHoldForRandomTimelines() throws Exception {
    List<Journey> journeys = journeys();
    for (long seed = 1; seed <= 12; seed++) {
      List<Event> events = timeline(seed, 40, 1_500);
      List<Effect> first = run(journeys, events, new ArrayList<>());
      List<Effect> again = run(journeys, events, new ArrayList<>());

      // The same input gives the same output.
      assertThat(again).as("seed " + seed).isEqualTo(first);

      long clock = Long.MIN_VALUE;
      Map<String, String> life = new HashMap<>(); // journey/profile/instance -> "open" | "closed"
      Map<String, Integer> welcomes = new HashMap<>();
      for (Effect e : first) {
        // Time never goes backwards: no timer fires early, no effect is stamped in the past.
        assertThat(e.time()).as("seed %d: %s", seed, e).isGreaterThanOrEqualTo(clock);
        clock = e.time();
        String key = instanceKey(e);
        if (e instanceof Effect.Entered) {
          assertThat(life.put(key, "open")).as("seed %d: entered twice %s", seed, e).isNull();
          if (e.journey().equals("welcome")) {
            welcomes.merge(e.profile(), 1, Integer::sum);
          }
        } else if (key != null && !(e instanceof Effect.Converted) && !merged(e.profile())) {
          // Every step effect belongs to an instance that entered and has not ended.
          assertThat(life.get(key)).as("seed %d: %s", seed, e).isEqualTo("open");
          if (e instanceof Effect.Completed || e instanceof Effect.Exited) {
            life.put(key, "closed");
          }
        }
      }
      // entry: once (the default) holds per profile.
      assertThat(welcomes.values()).allMatch(n -> n == 1);
    }
  }

  @Test
  void profilesAreIndependentSoEachProfileAloneGivesItsOwnEffects() throws Exception {
    List<Journey> journeys = journeys();
    List<Event> events = timeline(77, 30, 2_000);
    List<Effect> together = run(journeys, events, new ArrayList<>());
    for (String user : List.of("u1", "u2", "u5", "u11")) {
      List<Event> own = events.stream().filter(e -> user.equals(e.userId())).toList();
      long end = events.get(events.size() - 1).timestamp() + 40L * 86_400_000L;
      List<Effect> alone = run(journeys, own, new ArrayList<>(), end);
      assertThat(alone)
          .as(user)
          .isEqualTo(together.stream().filter(e -> e.profile().equals(user)).toList());
    }
  }

  /**
   * Every seventh user starts anonymous and is merged into the identified profile, which gives its
   * instances new numbers under the new id; their life is checked by the engine tests.
   */
  private static boolean merged(String profile) {
    return Integer.parseInt(profile.substring(1)) % 7 == 0;
  }

  private static String instanceKey(Effect e) {
    int instance;
    if (e instanceof Effect.Entered x) {
      instance = x.instance();
    } else if (e instanceof Effect.Waiting x) {
      instance = x.instance();
    } else if (e instanceof Effect.Resumed x) {
      instance = x.instance();
    } else if (e instanceof Effect.BranchTaken x) {
      instance = x.instance();
    } else if (e instanceof Effect.SplitAssigned x) {
      instance = x.instance();
    } else if (e instanceof Effect.Send x) {
      instance = x.instance();
    } else if (e instanceof Effect.ProfileUpdated x) {
      instance = x.instance();
    } else if (e instanceof Effect.Emitted x) {
      instance = x.instance();
    } else if (e instanceof Effect.WebhookCall x) {
      instance = x.instance();
    } else if (e instanceof Effect.Exited x) {
      instance = x.instance();
    } else if (e instanceof Effect.Completed x) {
      instance = x.instance();
    } else if (e instanceof Effect.Converted x) {
      instance = x.instance();
    } else {
      return null;
    }
    return e.journey() + "/" + e.profile() + "/" + instance;
  }
}
