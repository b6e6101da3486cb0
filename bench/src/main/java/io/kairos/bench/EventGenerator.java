package io.kairos.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Generates a seeded, deterministic workload of Segment {@code track} events as JSON Lines, in
 * non-decreasing timestamp order, for the benchmark journeys in {@code bench/journeys}.
 *
 * <h2>The model</h2>
 *
 * <ul>
 *   <li><b>Customers</b> sign up at times spread uniformly over the first 85% of the period ({@code
 *       --days}, 75 by default, from 2026-01-01T00:00:00Z); {@code Signed Up} is each customer's
 *       first event, followed within seconds by their first session.
 *   <li><b>Tiers</b> give the skew: 8% heavy (a session every half day or so), 62% moderate (every
 *       few days), 30% light (every few weeks), the means scaled by one calibrated factor.
 *   <li><b>Sessions</b> open with {@code Application Opened} (app users, 35%) or {@code Page
 *       Viewed} (web), browse pages and products, and in 35% of sessions fill a cart ({@code
 *       Product Added}, one to three items, sometimes a {@code Product Removed}). 45% of carts are
 *       bought in the session ({@code Order Completed} with revenue and products); a left cart is
 *       come back for in 35% of cases, between 10 minutes and 2 days later (log-uniform), and then
 *       mostly bought.
 *   <li><b>Quiet spells</b>: after a session, 2% of the time a break of 30–45 days, else 5% of the
 *       time one of 7–21 days, on top of the tier's gap; light customers go quiet for weeks anyway.
 *   <li><b>Ties</b>: timestamps have whole seconds; a fifth of the clicks in a session land in the
 *       same second as the one before, and at millions of events different customers share seconds
 *       all the time. Sessions start in the customer's daytime (their zone's offset).
 * </ul>
 *
 * <h2>Streaming</h2>
 *
 * One cursor per customer (their next event second) sits in a primitive min-heap; the generator
 * repeatedly takes the earliest, lets that customer's state machine decide the event and its next
 * second, and writes the line. Memory is a few tens of bytes per customer, whatever the number of
 * events. The number of events is exact; the mean gap between sessions is calibrated beforehand on
 * a pilot population so that the file ends near the end of the period.
 */
@Command(
    name = "generate-events",
    mixinStandardHelpOptions = true,
    description = "Writes a deterministic workload of Segment track events as JSON Lines.")
public final class EventGenerator implements Callable<Integer> {

  @Option(names = "--events", description = "Events to write (default: ${DEFAULT-VALUE}).")
  long events = 2_000_000;

  @Option(names = "--users", description = "Customers (default: ${DEFAULT-VALUE}).")
  int users = 100_000;

  @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--days", description = "Simulated period in days (default: ${DEFAULT-VALUE}).")
  int days = GeneratorOptions.DEFAULT_DAYS;

  @Option(
      names = "--start",
      description = "Start of the period, ISO-8601 UTC (default: 2026-01-01T00:00:00Z).")
  Instant start = GeneratorOptions.DEFAULT_START;

  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "File to write, or - for stdout.")
  String out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EventGenerator()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    GeneratorOptions options;
    try {
      options = new GeneratorOptions(events, users, seed, start, days);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    long began = System.nanoTime();
    Summary summary;
    if ("-".equals(out)) {
      summary = generate(options, System.out);
    } else {
      try (OutputStream file = new FileOutputStream(Path.of(out).toFile())) {
        summary = generate(options, file);
      }
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    summary.print(System.err);
    System.err.printf(
        "generated in      %.1f s (%,.0f events/s)%n", seconds, summary.events() / seconds);
    warnIfOffPeriod(summary, options);
    return 0;
  }

  // Calibration has bounds: a sign-up and a first session are already about five events, and
  // sessions are at least half an hour apart.
  private static void warnIfOffPeriod(Summary summary, GeneratorOptions options) {
    double spanDays =
        (summary.last().getEpochSecond() - summary.first().getEpochSecond()) / 86_400.0;
    if (Math.abs(spanDays - options.days()) > 0.15 * options.days()) {
      System.err.printf(
          "warning: the events span %.1f days instead of %d (%d of %d users signed up): the model"
              + " fills a period with roughly 8 to 200 events per user%n",
          spanDays, options.days(), summary.users(), options.users());
    }
  }

  /**
   * Writes {@code options.events()} lines to {@code out} (buffered here; pass the raw stream) and
   * returns what they hold. Does not close {@code out}.
   */
  public static Summary generate(GeneratorOptions options, OutputStream out) {
    double gapScale = Calibration.gapScale(options);
    Population people = new Population(options.users(), options.seed());
    Timeline timeline =
        new Timeline(
            people, options.seed(), gapScale, options.startEpochSecond(), options.spanSeconds());
    Tally tally = new Tally(options.users(), options.startEpochSecond());
    Draft draft = new Draft();
    try (JsonLines lines = new JsonLines(out, people, options)) {
      for (long i = 0; i < options.events(); i++) {
        timeline.next(draft);
        lines.write(draft);
        tally.add(draft);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tally.summary(gapScale);
  }
}
