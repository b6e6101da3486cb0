package io.kairos.cli;

import io.kairos.serve.ImportCommand;
import io.kairos.serve.KeysCommand;
import io.kairos.serve.ServerCommand;
import io.kairos.simulate.SimulateCommand;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code kairos} command line. */
@Command(
    name = "kairos",
    mixinStandardHelpOptions = true,
    version = "kairos 0.1.0",
    description = "Triggered messaging and marketing automation.",
    subcommands = {
      SimulateCommand.class,
      ServerCommand.class,
      KeysCommand.class,
      ImportCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    // A large buffer and no autoflush: the simulator may print millions of lines.
    // (The encoder buffers already; a BufferedWriter in front of it would copy every char twice.)
    PrintWriter out =
        new PrintWriter(
            new OutputStreamWriter(
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                StandardCharsets.UTF_8),
            false);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the CLI with the given streams and returns its exit code; used by tests. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
