package io.kairos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.profile.Profile;
import io.kairos.time.Timestamps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Engine#onHistoricalEvent}: the profile learns from an old event, nothing acts on it. */
class HistoricalEventTest {

  private static final String WELCOME =
      """
      id: welcome
      goal: welcome sign-ups
      trigger:
        event: Signed Up
      steps:
        - send: email
          template: welcome
      """;

  private static final String CART =
      """
      id: cart
      goal: recover carts
      trigger:
        event: Product Added
      conversion:
        event: Order Completed
        within: 7d
      steps:
        - wait_for: Order Completed
          within: 2d
          on_timeout: remind
        - exit: true
        - id: remind
          send: email
          template: cart-reminder
      """;

  private final List<Effect> effects = new ArrayList<>();
  private final List<Timer> timers = new ArrayList<>();
  private final Effects out =
      new Effects() {
        @Override
        public void emit(Effect effect) {
          effects.add(effect);
        }

        @Override
        public void schedule(Timer timer) {
          timers.add(timer);
        }
      };
  private final Engine engine =
      new Engine(JourneySet.of(List.of(Harness.journey(WELCOME), Harness.journey(CART))));

  @Test
  void anOldEventUpdatesTheProfileButStartsNoJourney() {
    ProfileState state = new ProfileState(new Profile("u1"));
    long now = Timestamps.parse("2026-03-10T12:00:00Z");
    engine.onHistoricalEvent(
        state,
        event(
            EventType.IDENTIFY,
            "2026-03-01T09:00:00Z",
            Event.IDENTIFY,
            Map.of("plan", "pro"),
            "Europe/Berlin"),
        now,
        out);
    engine.onHistoricalEvent(
        state,
        event(EventType.TRACK, "2026-03-01T09:05:00Z", "Signed Up", Map.of(), null),
        now,
        out);

    Profile p = state.profile();
    assertThat(p.userId()).isEqualTo("u1");
    assertThat(p.trait("plan")).isEqualTo("pro");
    assertThat(p.timezone()).isEqualTo("Europe/Berlin");
    assertThat(p.eventCount("Signed Up")).isEqualTo(1);
    assertThat(p.lastSeen()).isEqualTo(Timestamps.parse("2026-03-01T09:05:00Z"));
    assertThat(effects).isEmpty();
    assertThat(timers).isEmpty();
    assertThat(state.activeInstances()).isZero();

    // The same event live starts the journey: the historical one was held back on purpose.
    engine.onEvent(
        state,
        event(EventType.TRACK, "2026-03-10T12:00:00Z", "Signed Up", Map.of(), null),
        now,
        out);
    assertThat(effects).extracting(Effect::summary).contains("enter", "send email welcome");
  }

  @Test
  void anOldEventResolvesNoWaitAndCountsNoConversion() {
    ProfileState state = new ProfileState(new Profile("u1"));
    long t0 = Timestamps.parse("2026-03-10T12:00:00Z");
    engine.onEvent(
        state,
        event(EventType.TRACK, "2026-03-10T12:00:00Z", "Product Added", Map.of(), null),
        t0,
        out);
    assertThat(state.activeInstances()).isEqualTo(1);
    effects.clear();

    long t1 = Timestamps.parse("2026-03-10T13:00:00Z");
    engine.onHistoricalEvent(
        state,
        event(EventType.TRACK, "2026-03-06T10:00:00Z", "Order Completed", Map.of(), null),
        t1,
        out);
    assertThat(effects).isEmpty();
    assertThat(state.activeInstances()).isEqualTo(1);
    assertThat(state.profile().eventCount("Order Completed")).isEqualTo(1);

    engine.onEvent(
        state,
        event(EventType.TRACK, "2026-03-10T14:00:00Z", "Order Completed", Map.of(), null),
        Timestamps.parse("2026-03-10T14:00:00Z"),
        out);
    assertThat(effects).extracting(Effect::summary).contains("convert", "event arrived");
    assertThat(state.activeInstances()).isZero();
  }

  private static Event event(
      EventType type, String time, String name, Map<String, Object> traits, String zone) {
    return new Event(
        type,
        "m-" + name + time,
        "u1",
        null,
        Timestamps.parse(time),
        name,
        JsonObject.EMPTY,
        JsonObject.of(traits),
        zone == null
            ? EventContext.EMPTY
            : new EventContext(zone, null, null, null, JsonObject.of(Map.of("timezone", zone))),
        null,
        null);
  }
}
