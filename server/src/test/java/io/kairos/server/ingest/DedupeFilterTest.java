package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dedupe filter never answers "absent" for an id it was given within the window, answers
 * "maybe" for few new ids, forgets slices older than the window, and stays within its memory.
 */
class DedupeFilterTest {
  /** The memory tests give the ingest writer's filter. */
  static final long MEMORY = 64L << 20;

  private static final long WINDOW = Duration.ofDays(7).toMillis();
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  @Test
  void everyIdAddedWithinTheWindowIsAMaybeAndFewNewOnesAre() {
    DedupeFilter filter = new DedupeFilter(WINDOW, MEMORY);
    Random random = new Random(7);
    List<String> added = new ArrayList<>();
    // 400,000 ids over six days, so several slices each grow a chain of filters.
    for (int i = 0; i < 400_000; i++) {
      String id = new UUID(random.nextLong(), random.nextLong()).toString();
      added.add(id);
      filter.add("w" + (i % 3), id, T0 + i * (Duration.ofDays(6).toMillis() / 400_000));
    }
    long now = T0 + Duration.ofDays(6).toMillis();
    for (int i = 0; i < added.size(); i++) {
      assertThat(filter.mightContain("w" + (i % 3), added.get(i), now)).isTrue();
    }
    int maybes = 0;
    int fresh = 200_000;
    for (int i = 0; i < fresh; i++) {
      String id = new UUID(random.nextLong(), random.nextLong()).toString();
      if (filter.mightContain("w" + (i % 3), id, now)) {
        maybes++;
      }
    }
    // Each slice's chain stays under twice its first filter's rate (one in a million); a lookup
    // asks the live slices, seven here: about 1.4 in 100,000 at most.
    assertThat(maybes).isLessThanOrEqualTo(10);
  }

  @Test
  void anIdTakesAboutFiveToSevenBytes() {
    DedupeFilter filter = new DedupeFilter(WINDOW, MEMORY);
    Random random = new Random(3);
    for (int n = 1; n <= 3_000_000; n++) {
      filter.add("w", Long.toHexString(random.nextLong()), T0);
      if (n == 1_500_000 || n == 3_000_000) {
        // As docs/tracking.md says: 64 MB hold about 10 million.
        assertThat((double) filter.bytes() / n).as("bytes per id at %d", n).isBetween(4.0, 8.0);
      }
    }
  }

  @Test
  void theWorkspaceIsPartOfTheKey() {
    DedupeFilter filter = new DedupeFilter(WINDOW, MEMORY);
    filter.add("a", "m-1", T0);
    assertThat(filter.mightContain("a", "m-1", T0)).isTrue();
    assertThat(filter.mightContain("b", "m-1", T0)).isFalse();
    assertThat(filter.mightContain("a", "m-2", T0)).isFalse();
    // The separator keeps ("ab", "c") apart from ("a", "bc").
    filter.add("ab", "c", T0);
    assertThat(filter.mightContain("a", "bc", T0)).isFalse();
  }

  @Test
  void aSliceWhollyOlderThanTheWindowIsForgottenAndItsMemoryFreed() {
    DedupeFilter filter = new DedupeFilter(WINDOW, MEMORY);
    filter.add("w", "old", T0);
    long oneSlice = filter.bytes();
    filter.add("w", "new", T0 + WINDOW);
    assertThat(filter.bytes()).isEqualTo(2 * oneSlice);

    // Still inside the window at its end: kept.
    long slice = (WINDOW + DedupeFilter.SLICES - 1) / DedupeFilter.SLICES;
    filter.expire(T0 + WINDOW - 1);
    assertThat(filter.mightContain("w", "old", T0 + WINDOW - 1)).isTrue();

    long later = T0 + WINDOW + slice;
    assertThat(filter.mightContain("w", "old", later)).isFalse();
    filter.expire(later);
    assertThat(filter.bytes()).isEqualTo(oneSlice);
    assertThat(filter.mightContain("w", "new", later)).isTrue();
  }

  @Test
  void pastItsMemoryTheLastFilterTakesEveryIdAndStillAnswersMaybeForEach() {
    long first =
        DedupeFilter.bytesOf(DedupeFilter.FIRST_CAPACITY, DedupeFilter.FIRST_FALSE_POSITIVES);
    DedupeFilter filter = new DedupeFilter(WINDOW, first * 3);
    Random random = new Random(11);
    List<String> added = new ArrayList<>();
    for (int i = 0; i < 300_000; i++) {
      String id = Long.toHexString(random.nextLong());
      added.add(id);
      filter.add("w", id, T0);
    }
    assertThat(filter.bytes()).isLessThanOrEqualTo(first * 3);
    for (String id : added) {
      assertThat(filter.mightContain("w", id, T0)).isTrue();
    }
  }
}
