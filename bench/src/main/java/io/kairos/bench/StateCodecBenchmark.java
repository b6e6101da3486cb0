package io.kairos.bench;

import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.ProfileState;
import io.kairos.engine.StateCodec;
import io.kairos.engine.Timer;
import io.kairos.event.EventParser;
import io.kairos.journey.JourneyLoadException;
import io.kairos.journeys.DefinitionFiles;
import io.kairos.simulation.Simulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The profile state codec ({@link StateCodec}), which the embedded server runs around every batch
 * of inputs: encode, decode, and both in a row (one load and one store). One ops/s is one state/s
 * on one thread.
 *
 * <p>The states are real: the benchmark workload ({@link EventGenerator}, seed 42: 200,000 events
 * of 20,000 customers, sign-ups, sessions, carts and orders with the Segment context a browser
 * sends) is played through every example definition at once ({@code examples/journeys}), and the
 * profiles are taken as they are after the last event, with journeys waiting, entry history,
 * scores, segments, consent, sends and deferred messages. {@code state}: {@code median}, the
 * profile whose encoded size is the median; {@code p99}, the 99th percentile; {@code waiting}, the
 * median of the profiles with a journey in flight (its trigger event is kept whole, context and
 * all); {@code deferring}, the profile with the most messages the policies hold back (each with its
 * event). The set-up prints the sizes in bytes.
 *
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/kairos-bench.jar StateCodecBenchmark -f 1 -wi 3 -i 5 -w 2s -r 3s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StateCodecBenchmark {

  @Param({"median", "p99", "waiting", "deferring"})
  String state;

  /** Events and customers played to build the states; smaller only in the smoke test. */
  int events = 200_000;

  int users = 20_000;

  StateCodec.Journeys journeys;
  ProfileState profile;
  byte[] bytes;

  /** Encoded sizes of every profile, ascending. */
  int[] sizes;

  @Setup(Level.Trial)
  public void setUp() throws IOException, JourneyLoadException {
    Path dir = Path.of("examples", "journeys");
    if (!Files.isDirectory(dir)) {
      dir = Path.of("..", "examples", "journeys");
    }
    Definitions defs = DefinitionFiles.load(dir);
    Engine engine = new Engine(defs, ZoneOffset.UTC);
    journeys = StateCodec.Journeys.of(engine);
    Simulator sim =
        new Simulator(
            engine,
            new Effects() {
              @Override
              public void emit(Effect effect) {}

              @Override
              public void schedule(Timer timer) {}
            });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventGenerator.generate(GeneratorOptions.of(events, users, 42), out);
    EventParser parser = new EventParser();
    List<String> ids = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      EventParser.Result r = parser.parse(line);
      if (!(r instanceof EventParser.Result.Parsed p)) {
        throw new IllegalStateException("generated line does not parse: " + line);
      }
      if (sim.find(p.event().profileKey()) == null) {
        ids.add(p.event().profileKey());
      }
      sim.accept(p.event());
    }
    record Sized(ProfileState state, int size) {}
    List<Sized> states = new ArrayList<>();
    long total = 0;
    for (String id : ids) {
      ProfileState s = sim.find(id);
      int size = StateCodec.encode(s, journeys).length;
      states.add(new Sized(s, size));
      total += size;
    }
    states.sort(Comparator.comparingInt(Sized::size));
    sizes = states.stream().mapToInt(Sized::size).toArray();
    List<Sized> waiting = states.stream().filter(x -> x.state().activeInstances() > 0).toList();
    profile =
        switch (state) {
          case "median" -> states.get(sizes.length / 2).state();
          case "p99" -> states.get((int) (sizes.length * 0.99)).state();
          case "waiting" -> waiting.get(waiting.size() / 2).state();
          case "deferring" ->
              states.stream()
                  .max(Comparator.comparingInt(x -> x.state().deferredCount()))
                  .orElseThrow()
                  .state();
          default -> throw new IllegalArgumentException("state: " + state);
        };
    bytes = StateCodec.encode(profile, journeys);
    System.out.printf(
        Locale.ROOT,
        "%n%d profiles (%d with journeys in flight), bytes per state: mean %d, median %d, p99 %d,"
            + " max %d; measuring %s (%d bytes, %d journeys in flight, %d messages deferred)%n",
        sizes.length,
        waiting.size(),
        total / sizes.length,
        sizes[sizes.length / 2],
        sizes[(int) (sizes.length * 0.99)],
        sizes[sizes.length - 1],
        state,
        bytes.length,
        profile.activeInstances(),
        profile.deferredCount());
  }

  @Benchmark
  public byte[] encode() {
    return StateCodec.encode(profile, journeys);
  }

  @Benchmark
  public ProfileState decode() {
    return StateCodec.decode(bytes, journeys);
  }

  /** A load and a store: what the server does around each batch of a profile's inputs. */
  @Benchmark
  public byte[] decodeAndEncode() {
    return StateCodec.encode(StateCodec.decode(bytes, journeys), journeys);
  }
}
