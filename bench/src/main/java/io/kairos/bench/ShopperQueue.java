package io.kairos.bench;

/**
 * A binary min-heap of primitive keys {@code (second << 31) | user}: the user whose next event is
 * earliest is on top, and equal seconds are broken by user index, so the order is total and the
 * output deterministic. Primitive keys keep 500k users in 4 MB and the heap free of boxing.
 */
final class ShopperQueue {

  static final int USER_BITS = 31;
  static final long USER_MASK = (1L << USER_BITS) - 1;

  private final long[] heap;

  /** Takes ownership of {@code keys} and heapifies it in place. */
  ShopperQueue(long[] keys) {
    this.heap = keys;
    for (int i = heap.length / 2 - 1; i >= 0; i--) {
      siftDown(i, heap[i]);
    }
  }

  static long key(long second, int user) {
    return (second << USER_BITS) | user;
  }

  long peek() {
    return heap[0];
  }

  /**
   * Replaces the smallest key. Every event re-schedules the user it came from, so pop-then-push
   * collapses into one sift.
   */
  void replaceTop(long key) {
    siftDown(0, key);
  }

  private void siftDown(int index, long key) {
    int n = heap.length;
    int half = n >>> 1;
    while (index < half) {
      int child = 2 * index + 1;
      int right = child + 1;
      if (right < n && heap[right] < heap[child]) {
        child = right;
      }
      if (key <= heap[child]) {
        break;
      }
      heap[index] = heap[child];
      index = child;
    }
    heap[index] = key;
  }
}
