package io.kairos.bench;

import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.Timer;
import io.kairos.event.Event;
import io.kairos.simulation.Simulator;
import java.time.ZoneOffset;
import org.openjdk.jmh.infra.Blackhole;

/** Plays events through a fresh simulator, every effect to the blackhole: the JMH workloads. */
final class Replay {
  private Replay() {}

  /** Plays {@code events}, then fires the timers due up to {@code end}; returns timers fired. */
  static long run(Definitions definitions, Event[] events, long end, Blackhole bh) {
    Simulator sim =
        new Simulator(
            new Engine(definitions, ZoneOffset.UTC),
            new Effects() {
              @Override
              public void emit(Effect effect) {
                bh.consume(effect);
              }

              @Override
              public void schedule(Timer timer) {}
            });
    for (Event e : events) {
      sim.accept(e);
    }
    sim.finish(end);
    return sim.timersFired();
  }
}
