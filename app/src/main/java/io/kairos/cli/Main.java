package io.kairos.cli;

import io.kairos.simulate.SimulateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kairos} command line. */
@Command(
    name = "kairos",
    mixinStandardHelpOptions = true,
    version = "kairos 0.1.0",
    description = "Triggered messaging and marketing automation.",
    subcommands = {SimulateCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code; used by tests. */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
