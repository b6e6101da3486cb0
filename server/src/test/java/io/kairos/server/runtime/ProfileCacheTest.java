package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.engine.ProfileState;
import io.kairos.profile.Profile;
import org.junit.jupiter.api.Test;

class ProfileCacheTest {

  private static CachedProfile profile(String id, long heapBytes) {
    CachedProfile p =
        new CachedProfile(new ProfileKey("w", id), new ProfileState(new Profile(id)), null, null);
    p.heapBytes = heapBytes;
    return p;
  }

  private static long heap(long heapBytes) {
    return Math.max(ProfileCache.MIN_HEAP, heapBytes);
  }

  @Test
  void aStateWithoutAnEstimateCountsForTheLeast() {
    ProfileCache cache = new ProfileCache(1_000, Long.MAX_VALUE);
    cache.put(profile("a", 0));
    assertThat(cache.bytes()).isEqualTo(ProfileCache.MIN_HEAP);
  }

  @Test
  void evictsTheLeastRecentlyUsedWhenTheHeapBudgetIsReached() {
    ProfileCache cache = new ProfileCache(1_000, heap(1_000) * 3);
    cache.put(profile("a", 1_000));
    cache.put(profile("b", 1_000));
    cache.put(profile("c", 1_000));
    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.bytes()).isEqualTo(heap(1_000) * 3);
    cache.get(new ProfileKey("w", "a")); // a is now the most recently used
    cache.put(profile("d", 1_000));
    assertThat(cache.get(new ProfileKey("w", "b"))).isNull();
    assertThat(cache.get(new ProfileKey("w", "a"))).isNotNull();
    assertThat(cache.get(new ProfileKey("w", "c"))).isNotNull();
    assertThat(cache.get(new ProfileKey("w", "d"))).isNotNull();
    assertThat(cache.bytes()).isEqualTo(heap(1_000) * 3);
  }

  @Test
  void aStateThatGrewTakesTheRoomOfOthers() {
    ProfileCache cache = new ProfileCache(1_000, heap(1_000) * 4);
    for (String id : new String[] {"a", "b", "c", "d"}) {
      cache.put(profile(id, 1_000));
    }
    // The same profile committed again with a state three times the size: it is counted once,
    // at its new size, and the two least recently used make room.
    cache.put(profile("d", 3_000));
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get(new ProfileKey("w", "c"))).isNotNull();
    assertThat(cache.get(new ProfileKey("w", "a"))).isNull();
    assertThat(cache.bytes()).isEqualTo(heap(1_000) + heap(3_000));
    assertThat(cache.bytes()).isLessThanOrEqualTo(heap(1_000) * 4);
  }

  @Test
  void theCountBoundHoldsToo() {
    ProfileCache cache = new ProfileCache(2, Long.MAX_VALUE);
    cache.put(profile("a", 10));
    cache.put(profile("b", 10));
    cache.put(profile("c", 10));
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get(new ProfileKey("w", "a"))).isNull();
    assertThat(cache.bytes()).isEqualTo(heap(10) * 2);
  }

  @Test
  void aStateLargerThanTheWholeBudgetIsNotKeptAndLeavesNoStaleCopy() {
    ProfileCache cache = new ProfileCache(1_000, heap(1_000) * 2);
    cache.put(profile("a", 1_000));
    cache.put(profile("b", 1_000));
    cache.put(profile("a", 10_000));
    assertThat(cache.get(new ProfileKey("w", "a"))).isNull();
    assertThat(cache.get(new ProfileKey("w", "b"))).isNotNull();
    assertThat(cache.bytes()).isEqualTo(heap(1_000));
  }

  @Test
  void removalsAndClearKeepTheCountRightAndArePublished() {
    ProfileCache cache = new ProfileCache(1_000, Long.MAX_VALUE);
    cache.put(profile("a", 100));
    cache.put(profile("b", 200));
    cache.remove(new ProfileKey("w", "a"));
    cache.remove(new ProfileKey("w", "missing"));
    assertThat(cache.bytes()).isEqualTo(heap(200));
    assertThat(cache.sizeSeen()).isOne();
    assertThat(cache.bytesSeen()).isEqualTo(heap(200));
    cache.clear();
    assertThat(cache.bytesSeen()).isZero();
    assertThat(cache.sizeSeen()).isZero();
  }

  @Test
  void aZeroCapacityKeepsNothing() {
    ProfileCache cache = new ProfileCache(0, Long.MAX_VALUE);
    cache.put(profile("a", 100));
    assertThat(cache.size()).isZero();
    assertThat(cache.bytes()).isZero();
  }
}
