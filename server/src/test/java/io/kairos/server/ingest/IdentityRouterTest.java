package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.JourneySet;
import io.kairos.engine.ProfileState;
import io.kairos.engine.Timer;
import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.simulation.Simulator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdentityRouterTest {

  private static Accepted event(EventType type, String userId, String anon, String previousId) {
    return new Accepted("ws", "m", type, "x", userId, anon, previousId, 0, 0, new byte[0]);
  }

  @Test
  void anIdentifyMergesTheAnonymousProfileOnceAndLaterAnonymousEventsFollow() {
    IdentityRouter r = new IdentityRouter(Map.of());
    assertThat(r.route(event(EventType.TRACK, null, "a1", null)).profile()).isEqualTo("a1");
    IdentityRouter.Route identify = r.route(event(EventType.IDENTIFY, "u1", "a1", null));
    assertThat(identify.profile()).isEqualTo("u1");
    assertThat(identify.merged()).containsExactly("a1");
    assertThat(r.route(event(EventType.TRACK, null, "a1", null)).profile()).isEqualTo("u1");
    // Already merged: not again.
    assertThat(r.route(event(EventType.TRACK, "u1", "a1", null)).merged()).isEmpty();
    // A merged anonymous id seen with another user is re-pointed, not merged (as the simulator).
    IdentityRouter.Route other = r.route(event(EventType.TRACK, "u2", "a1", null));
    assertThat(other.merged()).isEmpty();
    assertThat(r.route(event(EventType.TRACK, null, "a1", null)).profile()).isEqualTo("u2");
  }

  @Test
  void anAliasMergesItsPreviousIdAndAnIdentifiedProfileIsNeverMerged() {
    IdentityRouter r = new IdentityRouter(Map.of());
    r.route(event(EventType.TRACK, null, "a1", null));
    r.route(event(EventType.TRACK, null, "a2", null));
    r.route(event(EventType.TRACK, "u9", null, null));
    IdentityRouter.Route alias = r.route(event(EventType.ALIAS, "u1", "a1", "a2"));
    assertThat(alias.merged()).containsExactly("a1", "a2");
    assertThat(r.route(event(EventType.ALIAS, "u1", null, "u9")).merged()).isEmpty();
    assertThat(r.route(event(EventType.TRACK, null, "u9", null)).profile()).isEqualTo("u9");
    // A previousId never seen leads to the user from now on.
    r.route(event(EventType.ALIAS, "u1", null, "fresh"));
    assertThat(r.route(event(EventType.TRACK, null, "fresh", null)).profile()).isEqualTo("u1");
    assertThat(r.changed())
        .containsEntry(new IdentityRouter.Key("ws", false, "a1"), "u1")
        .containsEntry(new IdentityRouter.Key("ws", true, "u1"), "u1");
  }

  /**
   * The router, fed random events in random commit groups with the identities carried over as the
   * writer stores them, sends every event to the profile the simulator's resolve/link would: an
   * event's final holder (after the merges that follow it) is the profile whose counts have it.
   */
  @Test
  void routesLikeTheSimulatorOnRandomTimelines() {
    for (int seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      List<Accepted> events = new ArrayList<>();
      List<Event> engineEvents = new ArrayList<>();
      String[] anon = {"a1", "a2", "a3", "a4", "u1"};
      String[] users = {"u1", "u2", "u3", "a4"};
      for (int i = 0; i < 40; i++) {
        int kind = random.nextInt(4);
        String a = random.nextInt(4) == 0 ? null : anon[random.nextInt(anon.length)];
        String u = kind == 0 ? null : users[random.nextInt(users.length)];
        if (u == null && a == null) {
          a = anon[random.nextInt(anon.length)];
        }
        EventType type = kind == 3 && u != null ? EventType.ALIAS : EventType.TRACK;
        String prev = type == EventType.ALIAS ? anon[random.nextInt(anon.length)] : null;
        String name = "e" + i;
        events.add(new Accepted("ws", name, type, name, u, a, prev, i, i, new byte[0]));
        engineEvents.add(
            new Event(
                type,
                name,
                u,
                a,
                1_000L * (i + 1),
                name,
                JsonObject.EMPTY,
                JsonObject.EMPTY,
                EventContext.EMPTY,
                prev,
                null));
      }

      Simulator sim = new Simulator(new Engine(JourneySet.of(List.of())), new Discard());
      engineEvents.forEach(sim::accept);

      Map<IdentityRouter.Key, String> stored = new HashMap<>();
      List<String> routed = new ArrayList<>();
      List<String[]> merges = new ArrayList<>(); // {index, from, into}
      int i = 0;
      while (i < events.size()) {
        int group = 1 + random.nextInt(6);
        IdentityRouter router = new IdentityRouter(stored);
        for (int k = 0; k < group && i < events.size(); k++, i++) {
          IdentityRouter.Route route = router.route(events.get(i));
          routed.add(route.profile());
          for (String from : route.merged()) {
            merges.add(new String[] {Integer.toString(i), from, route.profile()});
          }
        }
        stored.putAll(router.changed());
      }

      Map<ProfileState, Boolean> live = new IdentityHashMap<>();
      for (String id : List.of("a1", "a2", "a3", "a4", "u1", "u2", "u3")) {
        ProfileState s = sim.find(id);
        if (s != null) {
          live.put(s, true);
        }
      }
      for (int e = 0; e < events.size(); e++) {
        String holder = routed.get(e);
        int after = e;
        for (String[] m : merges) {
          int at = Integer.parseInt(m[0]);
          if (at > after && m[1].equals(holder)) {
            holder = m[2];
            after = at;
          }
        }
        String name = "e" + e;
        List<String> holders = new ArrayList<>();
        for (ProfileState s : live.keySet()) {
          if (s.profile().eventCount(name) > 0) {
            holders.add(s.profile().id());
          }
        }
        assertThat(holders)
            .as("seed %d, event %d: %s", seed, e, events.get(e))
            .containsExactly(holder);
      }
    }
  }

  private static final class Discard implements Effects {
    @Override
    public void emit(Effect effect) {}

    @Override
    public void schedule(Timer timer) {}
  }
}
