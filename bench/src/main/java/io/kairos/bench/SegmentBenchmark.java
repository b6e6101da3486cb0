package io.kairos.bench;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.Timer;
import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.simulation.Simulator;
import java.time.ZoneOffset;
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
 * Segment membership kept current: 1M events (views, cart adds, orders, identify calls with plan,
 * country and birthday) for {@code users} profiles over about 60 days, with 50 segments defined — a
 * realistic mix of traits (15), windowed counts (15), last-event recency (10), age (5) and segments
 * of segments (5) — and no journey. Reports events per second on one thread; every event
 * re-evaluates the segments it can affect, and segment timers fire as windows move on, recency
 * thresholds pass and birthdays come.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class SegmentBenchmark {
  static final int EVENTS = 1_000_000;

  @Param({"100000"})
  int users;

  /**
   * Adds lead scoring that watches two of the events: every {@code Order Completed} earns points, a
   * {@code Page Viewed} only on the pricing page (never, in these events). What a workspace with
   * both segments and scoring pays for segments read after scoring.
   */
  @Param({"false", "true"})
  boolean scoring;

  /** The scoring of the {@code scoring} variant, as YAML. */
  static final String SCORING =
      """
      scoring:
        interest:
          decay: { half_life: 14d }
          rules:
            - id: pricing-page
              event: Page Viewed
              where: has(event.properties.path) && event.properties.path == "/pricing"
              points: 10
            - id: order
              event: Order Completed
              points: 20
      """;

  Event[] events;
  Definitions definitions;

  /** The 50 segments, as YAML. */
  static String segments() {
    StringBuilder y = new StringBuilder("segments:\n");
    String[] plans = {"free", "basic", "pro", "team", "enterprise"};
    String[] countries = {"DE", "US", "IR", "AU", "FR"};
    for (int i = 0; i < 5; i++) {
      seg(y, "plan-" + plans[i], "has(profile.plan) && profile.plan == \"" + plans[i] + "\"");
      seg(
          y,
          "country-" + countries[i].toLowerCase(java.util.Locale.ROOT),
          "has(profile.country) && profile.country == \"" + countries[i] + "\"");
      seg(
          y,
          "plan-country-" + i,
          "has(profile.plan) && has(profile.country) && profile.plan == \""
              + plans[i]
              + "\" && profile.country != \""
              + countries[i]
              + "\"");
    }
    String[] names = {
      "Page Viewed", "Product Viewed", "Product Added", "Order Completed", "Signed Up"
    };
    int[] days = {1, 7, 30};
    for (String n : names) {
      for (int d : days) {
        seg(
            y,
            "active-" + n.toLowerCase().replace(' ', '-') + "-" + d + "d",
            "count(\"" + n + "\", duration(\"" + d + "d\")) >= " + (d == 1 ? 2 : 3));
      }
    }
    int[] recency = {3, 7, 14, 30, 60};
    for (int d : recency) {
      seg(
          y,
          "no-order-" + d + "d",
          "count(\"Order Completed\") > 0 && last(\"Order Completed\") < now - duration(\""
              + d
              + "d\")");
      seg(y, "seen-" + d + "d", "last(\"Page Viewed\") > now - duration(\"" + d + "d\")");
    }
    int[] ages = {18, 25, 30, 40, 65};
    for (int a : ages) {
      seg(y, "age-" + a, "has(profile.birthday) && age(profile.birthday) >= " + a);
    }
    seg(y, "pro-buyers", "in_segment(\"plan-pro\") && in_segment(\"active-order-completed-30d\")");
    seg(
        y,
        "young-shoppers",
        "in_segment(\"age-18\") && !in_segment(\"age-30\") && in_segment(\"active-product-viewed-7d\")");
    seg(y, "lapsed-pro", "in_segment(\"plan-pro\") && in_segment(\"no-order-30d\")");
    seg(y, "german-browsers", "in_segment(\"country-de\") && in_segment(\"seen-3d\")");
    seg(y, "at-risk", "in_segment(\"no-order-14d\") && !in_segment(\"seen-7d\")");
    return y.toString();
  }

  private static void seg(StringBuilder y, String id, String where) {
    y.append("  - id: ")
        .append(id)
        .append("\n    where: '")
        .append(where.replace("'", "''"))
        .append("'\n");
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    List<DefinitionLoader.Source> sources =
        new ArrayList<>(List.of(new DefinitionLoader.Source("segments.yaml", segments())));
    if (scoring) {
      sources.add(new DefinitionLoader.Source("scoring.yaml", SCORING));
    }
    definitions = new DefinitionLoader().load(sources);
    if (definitions.segments().size() != 50) {
      throw new IllegalStateException("expected 50 segments: " + definitions.segments().size());
    }
    String[] names = {"Page Viewed", "Product Viewed", "Product Added", "Order Completed"};
    String[] plans = {"free", "basic", "pro", "team", "enterprise"};
    String[] countries = {"DE", "US", "IR", "AU", "FR"};
    SplittableRandom r = new SplittableRandom(42);
    events = new Event[EVENTS];
    long t = 1_767_225_600_000L; // 2026-01-01
    boolean[] signed = new boolean[users];
    for (int i = 0; i < EVENTS; i++) {
      t += r.nextInt(0, 5_000);
      int u = r.nextInt(users);
      String user = ("u-" + u).intern();
      if (!signed[u]) {
        signed[u] = true;
        events[i] = Event.track("m" + i, user, t, "Signed Up", JsonObject.EMPTY);
      } else if (r.nextInt(20) == 0) {
        Map<String, Object> traits =
            Map.of(
                "plan", plans[r.nextInt(plans.length)],
                "country", countries[r.nextInt(countries.length)],
                "birthday",
                    (1950 + r.nextInt(55)) + "-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10));
        events[i] =
            new Event(
                EventType.IDENTIFY,
                "m" + i,
                user,
                null,
                t,
                Event.IDENTIFY,
                JsonObject.EMPTY,
                JsonObject.of(traits),
                EventContext.EMPTY,
                null,
                null);
      } else {
        events[i] = Event.track("m" + i, user, t, names[r.nextInt(names.length)], JsonObject.EMPTY);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long simulate(Blackhole bh) {
    return Replay.run(definitions, events, events[events.length - 1].timestamp(), bh);
  }

  /** One run with counts, for docs/benchmarks.md: effects, timers, wall time. */
  public static void main(String[] args) throws Exception {
    SegmentBenchmark b = new SegmentBenchmark();
    b.users = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    b.scoring = args.length > 1 && args[1].equals("scoring");
    b.setUp();
    for (int run = 0; run < 3; run++) {
      long[] counts = new long[2];
      Simulator sim =
          new Simulator(
              new Engine(b.definitions, ZoneOffset.UTC),
              new Effects() {
                @Override
                public void emit(Effect effect) {
                  counts[effect instanceof Effect.SegmentEntered ? 0 : 1]++;
                }

                @Override
                public void schedule(Timer timer) {}
              });
      long start = System.nanoTime();
      for (Event e : b.events) {
        sim.accept(e);
      }
      sim.finish(b.events[b.events.length - 1].timestamp());
      double s = (System.nanoTime() - start) / 1e9;
      System.gc();
      Runtime rt = Runtime.getRuntime();
      System.out.printf(
          "heap in use with %d profiles held: %d MB%n",
          sim.profileCount(), (rt.totalMemory() - rt.freeMemory()) >> 20);
      System.out.printf(
          "run %d: %d events in %.2f s = %.0f events/s; %d segment timers fired; %d entered, %d exited%n",
          run, EVENTS, s, EVENTS / s, sim.timersFired(), counts[0], counts[1]);
    }
  }
}
