package io.kairos.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.EventParser.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One parser shared by threads: the lock-free name cache must never hand out another name. */
class EventParserConcurrencyTest {

  private static final int THREADS = 4;
  private static final int MESSAGES = 20_000;

  @Test
  void sharedParserGivesEachMessageItsOwnNames() throws Exception {
    EventParser parser = new EventParser();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  int checked = 0;
                  for (int i = 0; i < MESSAGES; i++) {
                    // Far more distinct names than cache slots, so slots are overwritten while
                    // other threads read them.
                    String name = "Event " + ((i * 7919 + thread) % 5000);
                    String zone = i % 2 == 0 ? "Europe/Berlin" : "Asia/Tehran";
                    Result r =
                        parser.parse(
                            "{\"event\":\""
                                + name
                                + "\",\"userId\":\"u\",\"timestamp\":\"2026-01-01T00:00:00Z\","
                                + "\"context\":{\"timezone\":\""
                                + zone
                                + "\"}}");
                    Event e = ((Result.Parsed) r).event();
                    assertThat(e.name()).isEqualTo(name);
                    assertThat(e.context().timezone()).isEqualTo(zone);
                    checked++;
                  }
                  return checked;
                }));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get()).isEqualTo(MESSAGES);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
