package io.kairos.bench;

import java.time.Instant;

/**
 * What to generate.
 *
 * @param events exactly how many events to write
 * @param users how many customers sign up over the period
 * @param seed the same seed gives the same bytes
 * @param start the start of the simulated period (whole seconds)
 * @param days the length of the simulated period the events are spread over
 */
public record GeneratorOptions(long events, int users, long seed, Instant start, int days) {

  /** 2026-01-01T00:00:00Z: a fixed default, so a seed alone pins the file. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  public static final int DEFAULT_DAYS = 75;

  public GeneratorOptions {
    if (events < 1) {
      throw new IllegalArgumentException("--events must be at least 1, was " + events);
    }
    if (users < 1) {
      throw new IllegalArgumentException("--users must be at least 1, was " + users);
    }
    if (days < 1 || days > 3650) {
      throw new IllegalArgumentException("--days must be between 1 and 3650, was " + days);
    }
  }

  public static GeneratorOptions of(long events, int users, long seed) {
    return new GeneratorOptions(events, users, seed, DEFAULT_START, DEFAULT_DAYS);
  }

  long startEpochSecond() {
    return start.getEpochSecond();
  }

  long spanSeconds() {
    return days * 86_400L;
  }
}
