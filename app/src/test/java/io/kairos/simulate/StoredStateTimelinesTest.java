package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.StateCodec;
import io.kairos.engine.Timer;
import io.kairos.event.Event;
import io.kairos.event.EventParser;
import io.kairos.event.JsonObject;
import io.kairos.journeys.DefinitionFiles;
import io.kairos.simulate.StoredRuntime.Keep;
import io.kairos.simulation.Simulator;
import io.kairos.time.Timestamps;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The strong property of {@link StateCodec}: a profile state written, dropped and read back after
 * every single input continues exactly as the state that never left memory. Seeded random timelines
 * through every example definition at once (see {@link WorkspaceRandomTimelinesTest}), with
 * anonymous visitors who identify later (merges), are run by the simulator, and by a runtime that
 * keeps each profile only as bytes between inputs; the two must print the same effects, every field
 * of every effect.
 */
class StoredStateTimelinesTest {

  @Test
  void aStateStoredAndReadBackAfterEveryInputContinuesExactlyAsTheOriginal() throws Exception {
    Definitions defs = DefinitionFiles.load(Path.of("..", "examples", "journeys"));
    for (long seed = 1; seed <= 6; seed++) {
      // The workspace test's timelines; a few customers with many events each, so windowed counts
      // fill up and segments change with time; and busy customers who shop from the catalogue,
      // start trials and earn points fast enough to be assigned to a rep.
      List<String> lines =
          switch ((int) (seed % 3)) {
            case 1 -> WorkspaceRandomTimelinesTest.timeline(seed);
            case 2 -> WorkspaceRandomTimelinesTest.timeline(seed, 4, 700);
            default -> busy(seed);
          };
      List<Event> events = events(withVisitors(lines, seed));
      long end = events.get(events.size() - 1).timestamp() + 40L * 86_400_000L;

      List<String> simulated = trace(out -> simulate(defs, events, end, out));
      List<String> inMemory = trace(out -> stored(defs, events, end, Keep.OBJECTS, out));
      StoredRuntime[] runtime = new StoredRuntime[1];
      List<String> throughBytes =
          trace(out -> runtime[0] = stored(defs, events, end, Keep.BYTES, out));
      List<String> encodedAndKept =
          trace(out -> stored(defs, events, end, Keep.ENCODED_AND_OBJECTS, out));

      assertThat(simulated).as("seed %d: something happened", seed).hasSizeGreaterThan(300);
      assertThat(simulated)
          .as("seed %d: visitors merged", seed)
          .anyMatch(l -> l.contains("visitor-"));
      assertThat(inMemory)
          .as("seed %d: the stored runtime is the simulator", seed)
          .isEqualTo(simulated);
      assertThat(throughBytes)
          .as("seed %d: encoded and decoded after every input", seed)
          .isEqualTo(simulated);
      assertThat(encodedAndKept)
          .as("seed %d: encoded after every input, and the same object kept", seed)
          .isEqualTo(simulated);
      assertThat(runtime[0].encoded)
          .as("seed %d: states stored", seed)
          .isGreaterThan(events.size());
    }
  }

  /**
   * Three customers browse anonymously first: their lines up to a random one carry an anonymousId
   * instead of the userId, and that line carries both, which merges the visitor into the customer.
   */
  private static List<String> withVisitors(List<String> lines, long seed) {
    Random rnd = new Random(seed * 31 + 7);
    List<String> out = new ArrayList<>(lines);
    List<Integer> users = new ArrayList<>();
    for (int u = 0; u < 12; u++) {
      String key = "\"userId\":\"u" + u + "\"";
      if (lines.stream().anyMatch(l -> l.contains(key))) {
        users.add(u);
      }
    }
    java.util.Collections.shuffle(users, rnd);
    for (int k = 0; k < Math.min(3, users.size() - 1); k++) {
      String user = "u" + users.get(k);
      String key = "\"userId\":\"" + user + "\"";
      List<Integer> at = new ArrayList<>();
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).contains(key)) {
          at.add(i);
        }
      }
      if (at.size() < 3) {
        continue;
      }
      int cut = 1 + rnd.nextInt(at.size() - 1);
      String visitor = "\"anonymousId\":\"visitor-" + user + "\"";
      for (int j = 0; j < cut; j++) {
        out.set(at.get(j), out.get(at.get(j)).replace(key, visitor));
      }
      out.set(at.get(cut), out.get(at.get(cut)).replace(key, key + "," + visitor));
    }
    return out;
  }

  private static final String[] CATALOG = {
    "shoes-run", "jeans-slim", "shirt-oxford", "socks-sport", "belt-leather", "sofa-9", "lamp-3"
  };

  private static final String[] BUSY = {
    "Product Viewed",
    "Product Added",
    "Order Completed",
    "Trial Started",
    "Subscription Started",
    "Form Submitted",
    "Page Viewed",
    "Email Opened",
    "Chatbot Message Sent",
    "Opportunity Created",
    "Deal Won",
    "Deal Lost"
  };

  /** Six customers, hours apart at most, half of their events from {@link #BUSY}. */
  private static List<String> busy(long seed) {
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>();
    long t = Timestamps.parse("2026-03-02T08:00:00Z");
    int users = 6;
    for (int u = 0; u < users; u++) {
      out.add(
          WorkspaceRandomTimelinesTest.identify(rnd, "u" + u, t + u * 60_000L, "Europe/Berlin"));
    }
    for (int i = 0; i < 900; i++) {
      t += rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(180) * 60_000L;
      String user = "u" + rnd.nextInt(users);
      if (rnd.nextBoolean()) {
        out.add(WorkspaceRandomTimelinesTest.track(rnd, user, t));
        continue;
      }
      String name = BUSY[rnd.nextInt(BUSY.length)];
      String product = CATALOG[rnd.nextInt(CATALOG.length)];
      String props =
          switch (name) {
            case "Product Viewed", "Product Added" ->
                "\"product_id\":\"" + product + "\",\"price\":" + (10 + rnd.nextInt(200));
            case "Order Completed" ->
                "\"revenue\":"
                    + (10 + rnd.nextInt(300))
                    + ",\"products\":[{\"product_id\":\""
                    + product
                    + "\"},{\"product_id\":\""
                    + CATALOG[rnd.nextInt(CATALOG.length)]
                    + "\"}]";
            case "Subscription Started" -> "\"revenue\":" + (29 + rnd.nextInt(70));
            case "Page Viewed" -> "\"path\":\"/pricing\"";
            default -> "";
          };
      out.add(
          "{\"type\":\"track\",\"userId\":\""
              + user
              + "\",\"timestamp\":\""
              + Timestamps.format(t)
              + "\",\"event\":\""
              + name
              + "\",\"properties\":{"
              + props
              + "}}");
    }
    return out;
  }

  private static List<Event> events(List<String> lines) {
    EventParser parser = new EventParser();
    List<Event> events = new ArrayList<>();
    for (String line : lines) {
      EventParser.Result r = parser.parse(line);
      assertThat(r).as(line).isInstanceOf(EventParser.Result.Parsed.class);
      events.add(((EventParser.Result.Parsed) r).event());
    }
    return events;
  }

  private static void simulate(Definitions defs, List<Event> events, long end, Effects out) {
    Simulator sim = new Simulator(new Engine(defs, ZoneOffset.UTC), out);
    events.forEach(sim::accept);
    sim.finish(end);
  }

  private static StoredRuntime stored(
      Definitions defs, List<Event> events, long end, Keep keep, Effects out) {
    StoredRuntime runtime = new StoredRuntime(new Engine(defs, ZoneOffset.UTC), keep, out);
    events.forEach(runtime::accept);
    runtime.finish(end);
    return runtime;
  }

  /**
   * Every effect as the table format prints it, then every field of its record with the type of
   * every value (the JSONL format cannot print the Instant an update step may set).
   */
  private static List<String> trace(Consumer<Effects> run) {
    List<String> lines = new ArrayList<>();
    EffectFormat.Scratch scratch = new EffectFormat.Scratch();
    run.accept(
        new Effects() {
          @Override
          public void emit(Effect e) {
            StringWriter w = new StringWriter();
            try {
              EffectFormat.TABLE.write(e, w, scratch);
            } catch (IOException x) {
              throw new UncheckedIOException(x);
            }
            lines.add(w + describe(e));
          }

          @Override
          public void schedule(Timer timer) {}
        });
    return lines;
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Record r) {
      StringBuilder b = new StringBuilder(r.getClass().getSimpleName()).append('(');
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        try {
          b.append(c.getName()).append('=').append(describe(c.getAccessor().invoke(r))).append(' ');
        } catch (ReflectiveOperationException x) {
          throw new AssertionError(x);
        }
      }
      return b.append(')').toString();
    }
    if (v instanceof JsonObject o) {
      byte[] text = o.unparsedBytes();
      return text != null ? new String(text, StandardCharsets.UTF_8) : describe(o.asMap());
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      m.forEach((k, x) -> b.append(describe(k)).append('=').append(describe(x)).append(", "));
      return b.append('}').toString();
    }
    if (v instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      l.forEach(x -> b.append(describe(x)).append(", "));
      return b.append(']').toString();
    }
    if (v instanceof String || v instanceof Enum<?>) {
      return v.toString();
    }
    return v.getClass().getSimpleName() + ":" + v;
  }

  @Test
  void theTimelinesReachEveryKindOfState() throws Exception {
    // Guards the test above: timelines that never deferred a message, assigned a lead or converted
    // a held-out customer would not test that those survive the bytes.
    Definitions defs = DefinitionFiles.load(Path.of("..", "examples", "journeys"));
    List<String> kinds = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (List<String> lines :
        List.of(
            WorkspaceRandomTimelinesTest.timeline(1),
            WorkspaceRandomTimelinesTest.timeline(2, 4, 700),
            busy(3))) {
      List<Event> events = events(withVisitors(lines, 1));
      long end = events.get(events.size() - 1).timestamp() + 40L * 86_400_000L;
      simulate(
          defs,
          events,
          end,
          new Effects() {
            @Override
            public void emit(Effect e) {
              kinds.add(e.getClass().getSimpleName());
              reasons.add(e.reason());
            }

            @Override
            public void schedule(Timer timer) {}
          });
    }
    assertThat(kinds)
        .contains(
            "Waiting",
            "Resumed",
            "Deferred",
            "Send",
            "Scheduled",
            "ScoreChanged",
            "StageChanged",
            "OwnerAssigned",
            "OwnerReleased",
            "SegmentEntered",
            "SegmentExited",
            "LocationChanged",
            "Converted",
            "SplitAssigned");
    assertThat(reasons)
        .anyMatch(r -> r.contains("(holdout group)"))
        .anyMatch(r -> r.startsWith("as time passed"))
        .anyMatch(r -> r.contains("after merging profile visitor-"));
  }
}
