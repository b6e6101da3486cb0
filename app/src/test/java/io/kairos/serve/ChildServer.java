package io.kairos.serve;

import io.kairos.cli.Main;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kairos server} in a child JVM, started the way an operator starts it ({@link Main} with
 * the {@code server} command) on the test classpath. Reads the child's output as it comes, finds
 * the port the command prints, and ends the process: {@link #kill} is SIGKILL, {@link #terminate}
 * SIGTERM (what {@link ProcessHandle#destroyForcibly} and {@link ProcessHandle#destroy} send on
 * Linux; the exit codes 137 and 143 without a drain say so). The signals go through the {@link
 * ProcessHandle}: {@link Process#destroy} would also close the pipes of the child's output at once,
 * losing what the drain logs and failing the child's writes. Use in try-with-resources: {@link
 * #close} kills a child that is still running.
 */
final class ChildServer implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("^Kairos is listening on http://(\\S+):(\\d+)$");
  private static final int KEPT_LINES = 100_000;

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Thread stdout;
  private final Thread stderr;

  private ChildServer(Process process) {
    this.process = process;
    this.stdout = reader(process.getInputStream(), "");
    this.stderr = reader(process.getErrorStream(), "[stderr] ");
  }

  /**
   * Starts {@code kairos server --port 0 ARGS} in {@code workDir}, with the {@code KAIROS_*}
   * variables of this JVM removed and {@code env} added.
   */
  static ChildServer start(Path workDir, List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Started four times per test run on two shared cores: start fast rather than run fast.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
            .replace(File.pathSeparator + File.pathSeparator, File.pathSeparator));
    command.add(Main.class.getName());
    command.add("server");
    command.add("--port");
    command.add("0");
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("KAIROS_"));
    pb.environment().putAll(env);
    try {
      return new ChildServer(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private Thread reader(InputStream in, String prefix) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (lines) {
                    if (lines.size() < KEPT_LINES) {
                      lines.add(prefix + line);
                    }
                  }
                  Matcher m = LISTENING.matcher(line);
                  if (prefix.isEmpty() && m.matches()) {
                    port.complete(Integer.parseInt(m.group(2)));
                  }
                }
              } catch (IOException e) {
                // The child was killed: its pipe closed.
              } finally {
                port.completeExceptionally(new IllegalStateException("the child's output ended"));
              }
            },
            "child-" + (prefix.isEmpty() ? "stdout" : "stderr"));
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Waits (at most {@code limit}) for the line {@code Kairos is listening on http://HOST:PORT}.
   *
   * @return the port it names
   * @throws AssertionError with the child's output when it did not come
   */
  int awaitListening(Duration limit) throws InterruptedException {
    try {
      return port.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(
          "the server did not print its port within " + limit + " (" + e + ")" + describe());
    }
  }

  /**
   * Polls the child's {@code /metrics} (bounded) until nothing acknowledged waits for the store
   * ({@code kairos_ingest_queue_depth} 0): a 200 stands on the ingest log, the {@code events} table
   * has the messages moments later.
   */
  void awaitStored(Duration limit) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest get =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + awaitListening(limit) + "/metrics"))
            .build();
    Pattern depth = Pattern.compile("(?m)^kairos_ingest_queue_depth ([0-9.eE+-]+)$");
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      String body = http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = depth.matcher(body);
      if (m.find() && Double.parseDouble(m.group(1)) == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("acknowledged messages not stored within " + limit + describe());
      }
      Thread.sleep(20);
    }
  }

  /** SIGKILL: no shutdown hook, no drain. Returns the exit code (137 on Linux). */
  int kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    return awaitExit(Duration.ofSeconds(30));
  }

  /** SIGTERM: the JVM runs the server's shutdown. Returns at once; see {@link #awaitExit}. */
  void terminate() {
    process.toHandle().destroy();
  }

  /**
   * Waits for the child to exit and for its output to be read to the end.
   *
   * @return the exit code, or -1 when it was still running after {@code limit}
   */
  int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      return -1;
    }
    stdout.join(10_000);
    stderr.join(10_000);
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Every line the child printed so far (stderr lines prefixed {@code [stderr] }). */
  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** The last lines of the child's output, for failure messages. */
  String describe() {
    List<String> all = lines();
    List<String> tail = all.subList(Math.max(0, all.size() - 60), all.size());
    return "\n--- child server pid "
        + process.pid()
        + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
        + ", last "
        + tail.size()
        + " of "
        + all.size()
        + " lines ---\n"
        + String.join("\n", tail)
        + "\n---";
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
