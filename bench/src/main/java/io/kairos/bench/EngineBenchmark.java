package io.kairos.bench;

import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.JourneySet;
import io.kairos.engine.Timer;
import io.kairos.event.Event;
import io.kairos.event.JsonObject;
import io.kairos.journey.Journey;
import io.kairos.journey.JourneyLoader;
import io.kairos.simulation.Simulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engine alone, without parsing: 1M pre-built events (sign-ups, views, cart adds, orders, quiet
 * gaps) for {@code users} profiles through the three benchmark journeys. Reports events per second
 * on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class EngineBenchmark {
  static final int EVENTS = 1_000_000;

  @Param({"100000"})
  int users;

  Event[] events;
  List<Journey> journeys;

  @Setup(Level.Trial)
  public void setUp() throws IOException, io.kairos.journey.JourneyLoadException {
    journeys = new ArrayList<>();
    JourneyLoader loader = new JourneyLoader();
    for (String name : List.of("welcome", "abandoned_cart", "inactivity")) {
      Path p = Path.of("bench", "journeys", name + ".yaml");
      if (!Files.exists(p)) {
        p = Path.of("journeys", name + ".yaml");
      }
      journeys.add(loader.load(p.toString(), Files.readString(p, StandardCharsets.UTF_8)));
    }
    String[] names = {"Page Viewed", "Product Viewed", "Product Added", "Order Completed"};
    SplittableRandom r = new SplittableRandom(42);
    events = new Event[EVENTS];
    long t = 1_767_225_600_000L; // 2026-01-01
    boolean[] signed = new boolean[users];
    for (int i = 0; i < EVENTS; i++) {
      t += r.nextInt(0, 5_000); // ~ 60 days over 1M events, with same-millisecond ties
      int u = r.nextInt(users);
      String name = signed[u] ? names[r.nextInt(names.length)] : "Signed Up";
      signed[u] = true;
      events[i] =
          Event.track(
              "m" + i,
              ("u-" + u).intern(),
              t,
              name,
              JsonObject.of(Map.of("product_id", "p-" + r.nextInt(1000), "price", 20.0)));
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long simulate(Blackhole bh) {
    Simulator sim =
        new Simulator(
            new Engine(JourneySet.of(journeys)),
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
    sim.finish(events[events.length - 1].timestamp());
    return sim.timersFired();
  }
}
