package io.kairos.simulate;

import io.kairos.event.Event;
import io.kairos.simulation.Simulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads, parses and simulates in a pipeline: a reader cuts the file into chunks of whole lines,
 * parser threads parse chunks in parallel, and the calling thread feeds the parsed events to the
 * simulator strictly in file order. Parsing is the costly part, so it gets the spare cores; the
 * engine stays single-threaded, which keeps the run deterministic.
 */
final class EventPipeline {
  private static final int CHUNK_BYTES = 1 << 20;
  private final int parsers;

  /**
   * What happened to the input. {@code waitedNanos} is how long the engine thread waited for parsed
   * chunks: near zero means the engine is the bottleneck, large means parsing is.
   */
  record Outcome(
      long lines, long events, long badLines, long skippedAfterUntil, long waitedNanos) {}

  EventPipeline(int parsers) {
    this.parsers = Math.max(1, parsers);
  }

  Outcome run(
      InputStream in, Simulator sim, long end, boolean strict, PrintWriter err, Progress progress)
      throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            parsers,
            r -> {
              Thread t = new Thread(r, "kairos-parser");
              t.setDaemon(true);
              return t;
            });
    BlockingQueue<CompletableFuture<ParsedChunk>> queue = new ArrayBlockingQueue<>(parsers * 3);
    ThreadLocal<ChunkParser> parser = ThreadLocal.withInitial(ChunkParser::new);
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              LineChunks chunks = new LineChunks(in, CHUNK_BYTES);
              try {
                LineChunks.Chunk c;
                while ((c = chunks.next()) != null) {
                  LineChunks.Chunk chunk = c;
                  queue.put(CompletableFuture.supplyAsync(() -> parser.get().parse(chunk), pool));
                }
                queue.put(CompletableFuture.completedFuture(null));
              } catch (IOException e) {
                queue.add(CompletableFuture.failedFuture(e));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "kairos-reader");
                  t.setDaemon(true);
                  return t;
                }));
    long lineBase = 0;
    long events = 0;
    long bad = 0;
    long skipped = 0;
    long waited = 0;
    try {
      while (true) {
        ParsedChunk chunk;
        long t0 = System.nanoTime();
        try {
          chunk = queue.take().get();
          waited += System.nanoTime() - t0;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof IOException io) {
            throw io;
          }
          throw new IllegalStateException(e.getCause());
        }
        if (chunk == null) {
          break;
        }
        for (ParsedChunk.LineError error : chunk.errors()) {
          bad++;
          err.println("line " + (lineBase + error.line() + 1) + ": " + error.message());
          if (strict) {
            return new Outcome(lineBase + error.line() + 1, events, bad, skipped, waited);
          }
        }
        Object[] inputs = chunk.inputs();
        for (int i = 0; i < chunk.count(); i++) {
          Object input = inputs[i];
          if (input instanceof Event e) {
            if (e.timestamp() > end) {
              skipped++;
              continue;
            }
            sim.accept(e);
          } else {
            ParsedChunk.ApiTrigger t = (ParsedChunk.ApiTrigger) input;
            if (t.timestamp() > end) {
              skipped++;
              continue;
            }
            try {
              sim.trigger(t.userId(), t.journey(), t.data(), t.timestamp());
            } catch (IllegalArgumentException ex) {
              bad++;
              err.println("line " + (lineBase + chunk.lines()[i] + 1) + ": " + ex.getMessage());
              if (strict) {
                return new Outcome(lineBase + chunk.lines()[i] + 1, events, bad, skipped, waited);
              }
              continue;
            }
          }
          events++;
        }
        lineBase += chunk.lineCount();
        progress.tick(events);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      reader.cancel(true);
      pool.shutdownNow();
    }
    return new Outcome(lineBase, events, bad, skipped, waited);
  }
}
