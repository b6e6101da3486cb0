package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Runs the command line in-process and keeps what it printed. */
record Cli(int exitCode, String out, String err) {

  /**
   * The output lines of a successful {@code kairos simulate} of an example timeline against every
   * example definition, as they would all be live in one workspace.
   *
   * @param more further options, e.g. {@code --format jsonl} (the default is {@code csv})
   */
  static List<String> example(String timeline, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "simulate",
                "--journeys",
                "../examples/journeys",
                "--events",
                "../examples/timelines/" + timeline,
                "--quiet"));
    args.addAll(List.of(more));
    if (!args.contains("--format")) {
      args.addAll(List.of("--format", "csv"));
    }
    Cli cli = run(args.toArray(new String[0]));
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err()).isEmpty();
    return List.of(cli.out().split("\n"));
  }

  /** The CSV lines whose journey column is one of {@code journeys}. */
  static List<String> ofJourneys(List<String> csv, String... journeys) {
    Set<String> wanted = Set.of(journeys);
    return csv.stream().filter(l -> wanted.contains(l.substring(0, l.indexOf(',')))).toList();
  }

  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Cli(code, out.toString(), err.toString());
  }
}
