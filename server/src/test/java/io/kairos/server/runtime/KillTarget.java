package io.kairos.server.runtime;

import io.kairos.server.ops.Metrics;
import io.kairos.server.store.Database;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The runtime alone in a process of its own, for {@link KillTest}: applies the log in the given
 * store with the clock fixed at the given moment, prints {@code COMMIT} before each commit and
 * {@code IDLE} when it has nothing left to do, then waits to be killed.
 *
 * <p>Arguments: {@code sqlite FILE} or {@code postgres URL}, then the clock (ISO-8601).
 */
public final class KillTarget {
  private KillTarget() {}

  public static void main(String[] args) throws Exception {
    // Logs go to stdout as JSON lines; the protocol lines are told apart by their first word.
    PrintStream out = System.out;
    Database db =
        args[0].equals("sqlite")
            ? Database.sqlite(Path.of(args[1]), "FULL")
            : Database.postgres(args[1], "postgres", null);
    LiveRuntime runtime =
        new LiveRuntime(
            KillTest.SETTINGS,
            db,
            new TestDefinitions(KillTest.DEFINITIONS),
            new DirectInputLog(db, PartitionFunction.hashing(KillTest.SETTINGS.partitions())),
            InstantSource.fixed(Instant.parse(args[2])),
            new Metrics());
    runtime.commitHook(
        (partition, upTo) -> {
          synchronized (out) {
            out.println("COMMIT " + partition + " " + upTo);
            out.flush();
          }
        });
    runtime.start();
    if (runtime.awaitIdle(Duration.ofMinutes(5))) {
      synchronized (out) {
        out.println("IDLE");
        out.flush();
      }
    }
    Thread.currentThread().join(); // until killed
  }
}
