package io.kairos.bench;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.Definitions;
import io.kairos.event.Event;
import io.kairos.event.JsonObject;
import io.kairos.journey.JourneyLoadException;
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
 * Lead scoring through the whole engine (scenario S15, see docs/scoring.md): 500,000 pre-built
 * events of 50,000 B2B leads over about 60 days, then the simulator's clock runs on to the end so
 * every pending decay timer fires. ops/s = input events/s on one thread, effects to a Blackhole.
 *
 * <p>Event mix (seed 42): 40% {@code Page Viewed} (a third of them {@code /pricing}, 10 points),
 * 25% {@code Email Opened} (5 points, at most 10 a day, and 1 point of {@code engagement}, which
 * expires after 7 days), 15% {@code Chatbot Message Sent} (8 + 1), 3% {@code Form Submitted} (30),
 * 1% {@code Unsubscribed} (−25), 16% {@code Product Viewed} (no rule watches it).
 *
 * <p>{@code definitions}: {@code none} (no definitions: the same events through a bare engine, the
 * baseline), {@code scoring} ({@code examples/journeys/s15-scoring.yaml}: two scores with half-life
 * and expiry, thresholds, the lifecycle with its moves) and {@code s15} (all four S15 files: also
 * the pools and the MQL-nurture and SQL-handoff journeys with their sends, webhooks and {@code
 * assign} steps).
 *
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/kairos-bench.jar ScoringBenchmark -f 1 -wi 2 -i 4 -w 3s -r 5s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class ScoringBenchmark {
  static final int EVENTS = 500_000;
  static final int LEADS = 50_000;

  @Param({"none", "scoring", "s15"})
  String definitions;

  /** {@link #EVENTS}; smaller only in the smoke test (ops/s would then be wrong). */
  int eventCount = EVENTS;

  Event[] events;
  Definitions defs;

  @Setup(Level.Trial)
  public void setUp() throws IOException, JourneyLoadException {
    List<String> files =
        switch (definitions) {
          case "none" -> List.of();
          case "scoring" -> List.of("s15-scoring.yaml");
          case "s15" ->
              List.of(
                  "s15-mql-nurture.yaml",
                  "s15-pools.yaml",
                  "s15-scoring.yaml",
                  "s15-sql-handoff.yaml");
          default -> throw new IllegalArgumentException(definitions);
        };
    List<DefinitionLoader.Source> sources = new ArrayList<>();
    for (String name : files) {
      Path p = Path.of("examples", "journeys", name);
      if (!Files.exists(p)) {
        p = Path.of("..", "examples", "journeys", name);
      }
      sources.add(new DefinitionLoader.Source(name, Files.readString(p, StandardCharsets.UTF_8)));
    }
    defs = new DefinitionLoader().load(sources);

    SplittableRandom r = new SplittableRandom(42);
    events = new Event[eventCount];
    long t = 1_772_409_600_000L; // 2026-03-02, a Monday
    for (int i = 0; i < eventCount; i++) {
      t += r.nextInt(0, 20_000); // ~ 58 days, with same-millisecond ties
      String lead = ("lead-" + r.nextInt(LEADS)).intern();
      int dice = r.nextInt(100);
      String name;
      Map<String, Object> props;
      if (dice < 40) {
        name = "Page Viewed";
        props = Map.of("path", r.nextInt(3) == 0 ? "/pricing" : "/blog/" + r.nextInt(50));
      } else if (dice < 65) {
        name = "Email Opened";
        props = Map.of("campaign", "c" + r.nextInt(20));
      } else if (dice < 80) {
        name = "Chatbot Message Sent";
        props = Map.of();
      } else if (dice < 83) {
        name = "Form Submitted";
        props = Map.of("form", "demo");
      } else if (dice < 84) {
        name = "Unsubscribed";
        props = Map.of();
      } else {
        name = "Product Viewed";
        props = Map.of("product_id", "p-" + r.nextInt(100));
      }
      events[i] = Event.track("m" + i, lead, t, name, JsonObject.of(props));
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long simulate(Blackhole bh) {
    return Replay.run(defs, events, events[events.length - 1].timestamp() + 90L * 86_400_000L, bh);
  }
}
