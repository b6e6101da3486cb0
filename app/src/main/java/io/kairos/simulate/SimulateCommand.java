package io.kairos.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.ProfileState;
import io.kairos.engine.Timer;
import io.kairos.journey.JourneyLoadException;
import io.kairos.journeys.DefinitionFiles;
import io.kairos.profile.Profile;
import io.kairos.simulation.Simulator;
import io.kairos.simulation.Summary;
import io.kairos.time.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kairos simulate}: runs a timeline of events through journeys on a virtual clock. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Runs events through journeys on a virtual clock and prints every effect with its time"
          + " and its reason.",
      "Clock: each event's timestamp; a timer due at T fires before any event stamped T;"
          + " the run ends at the last event (or --until) and later timers do not fire."
    })
public final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--journeys",
      required = true,
      paramLabel = "DIR",
      description = "Directory of journey YAML files.")
  Path journeys;

  @Option(
      names = "--events",
      required = true,
      paramLabel = "FILE",
      description = "Events as JSON Lines (Segment spec), in time order; '-' reads stdin.")
  String events;

  @Option(
      names = "--profiles",
      paramLabel = "FILE",
      description =
          "Profiles to start from, JSON Lines: {\"userId\":..,\"traits\":{..},"
              + "\"timezone\":..,\"locale\":..}; taken in at the first event's time"
              + " (date triggers are armed then).")
  Path profiles;

  @Option(
      names = "--catalog",
      paramLabel = "FILE",
      description =
          "Product catalogue, CSV with a header: id,name,price,category,url,image (default:"
              + " products.csv in the --journeys directory, if there is one).")
  Path catalog;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "End of the run (ISO-8601); later events are not read, timers up to it fire.")
  String until;

  @Option(
      names = "--format",
      defaultValue = "table",
      paramLabel = "FORMAT",
      description = "table (default), jsonl or csv (journey,profile,time,step,effect).")
  String format;

  @Option(
      names = "--summary",
      description = "Print counts per journey, step and day instead of every effect.")
  boolean summary;

  @Option(names = "--strict", description = "Stop at the first bad input line (exit code 2).")
  boolean strict;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "Parser threads (0 = one per core but one, which is left to the engine).")
  int threads;

  @Option(names = "--quiet", description = "No progress or totals on stderr.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    EffectFormat fmt;
    long end;
    try {
      fmt = EffectFormat.parse(format);
      end = until == null ? Long.MAX_VALUE : parseTime("--until", until);
      if (threads < 0) {
        throw new IllegalArgumentException("--threads: must be 0 or more");
      }
    } catch (IllegalArgumentException e) {
      err.println("kairos simulate: " + e.getMessage());
      return 2;
    }
    Definitions loaded;
    try {
      loaded = DefinitionFiles.load(journeys);
    } catch (JourneyLoadException e) {
      err.println("kairos simulate: invalid journeys");
      e.problems().forEach(p -> err.println("  " + p));
      return 2;
    } catch (IOException e) {
      err.println("kairos simulate: --journeys: " + e.getMessage());
      return 2;
    }
    if (catalog != null) {
      try {
        loaded = loaded.withCatalog(DefinitionFiles.catalog(catalog));
      } catch (JourneyLoadException e) {
        err.println("kairos simulate: invalid catalog");
        e.problems().forEach(p -> err.println("  " + p));
        return 2;
      } catch (IOException e) {
        err.println("kairos simulate: --catalog: " + e.getMessage());
        return 2;
      }
    }
    Writer out = spec.commandLine().getOut();
    Summary totals = summary ? new Summary() : null;
    EffectFormat.Scratch clock = new EffectFormat.Scratch();
    Effects sink =
        new Effects() {
          @Override
          public void emit(Effect effect) {
            if (totals != null) {
              totals.record(effect);
              return;
            }
            try {
              fmt.write(effect, out, clock);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }

          @Override
          public void schedule(Timer timer) {}
        };
    Simulator sim = new Simulator(new Engine(loaded, ZoneOffset.UTC), sink);
    if (profiles != null) {
      try {
        loadProfiles(sim, profiles);
      } catch (IllegalArgumentException | IOException e) {
        err.println("kairos simulate: --profiles: " + e.getMessage());
        return 2;
      }
    }
    if (!summary) {
      fmt.header(out);
    }
    Progress progress = new Progress(err, quiet, sim);
    EventPipeline.Outcome outcome;
    try (InputStream in = open(events)) {
      // The engine thread needs a core of its own; parsers get the rest (measured in
      // docs/benchmarks.md: on 2 cores one parser beats two).
      int n = threads == 0 ? Math.max(1, Runtime.getRuntime().availableProcessors() - 1) : threads;
      outcome = new EventPipeline(n).run(in, sim, end, strict, err, progress);
    } catch (IOException e) {
      err.println("kairos simulate: --events: " + e.getMessage());
      return 2;
    }
    long finish = end != Long.MAX_VALUE ? end : sim.clock();
    if (finish != Long.MIN_VALUE) {
      sim.finish(finish);
    }
    if (totals != null) {
      out.write(fmt == EffectFormat.CSV ? totals.toCsv() : totals.toTable());
    }
    out.flush();
    progress.done(outcome);
    if (strict && outcome.badLines() > 0) {
      return 2;
    }
    return 0;
  }

  private static InputStream open(String file) throws IOException {
    if ("-".equals(file)) {
      return System.in;
    }
    return Files.newInputStream(Path.of(file));
  }

  static long parseTime(String option, String text) {
    try {
      return Timestamps.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not ISO-8601");
    }
  }

  @SuppressWarnings("unchecked")
  private static void loadProfiles(Simulator sim, Path file) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      String at = file + ":" + (i + 1) + ": ";
      Map<String, Object> m;
      try {
        m = mapper.readValue(line, Map.class);
      } catch (IOException e) {
        throw new IllegalArgumentException(at + "not a JSON object");
      }
      Object id = m.containsKey("userId") ? m.get("userId") : m.get("id");
      if (!(id instanceof String || id instanceof Number)) {
        throw new IllegalArgumentException(at + "userId: required");
      }
      ProfileState state = sim.profile(id.toString());
      Profile p = state.profile();
      p.setUserId(id.toString());
      Object traits = m.get("traits");
      if (traits instanceof Map<?, ?> t) {
        ((Map<String, Object>) t).forEach(p::setTrait);
      } else if (traits != null) {
        throw new IllegalArgumentException(at + "traits: must be an object");
      }
      Object tz = m.get("timezone");
      if (tz != null && !(tz instanceof String s && p.setTimezone(s))) {
        throw new IllegalArgumentException(at + "timezone: not an IANA time zone: " + tz);
      }
      if (m.get("locale") instanceof String loc) {
        p.setLocale(loc);
      }
      sim.profileChanged(state);
    }
  }
}
