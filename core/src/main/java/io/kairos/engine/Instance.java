package io.kairos.engine;

import io.kairos.event.Event;
import io.kairos.journey.Journey;
import io.kairos.journey.Step;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One profile's pass through one journey version. Mutated only by the engine. */
final class Instance {
  final Journey journey;
  final int slot;
  int seq; // renumbered when its profile is merged into another
  final long enteredAt;
  final Event trigger;
  private InstanceState state = InstanceState.RUNNING;
  int step;
  long timerDue;
  int timerToken;
  boolean converted;
  boolean holdout;
  String arm;

  Instance(Journey journey, int slot, int seq, long enteredAt, Event trigger) {
    this.journey = journey;
    this.slot = slot;
    this.seq = seq;
    this.enteredAt = enteredAt;
    this.trigger = trigger;
  }

  InstanceState state() {
    return state;
  }

  void moveTo(InstanceState to) {
    state = state.checkTransition(to);
  }

  /** Puts a decoded instance back in the state it was stored in (see {@link StateCodec}). */
  void restore(InstanceState stored) {
    state = stored;
  }

  Step currentStep() {
    return journey.steps().get(step);
  }

  String stepId() {
    return step < journey.steps().size() ? currentStep().info().id() : "end";
  }

  boolean isActive() {
    return !state.isFinal();
  }

  /** The instance's variables as expressions see them under {@code journey}. */
  Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", journey.id());
    m.put("version", journey.version());
    m.put("entered_at", Instant.ofEpochMilli(enteredAt));
    m.put("converted", converted);
    m.put("step", stepId());
    if (arm != null) {
      m.put("arm", arm);
    }
    // The event that started the instance stays readable after waits: a reminder an hour later
    // still knows which product was added.
    m.put("trigger", trigger == null ? Map.of() : trigger.properties().asMap());
    return m;
  }
}
