package io.kairos.recommend;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The scratch space of one recommendation, indexed by {@link ProductIndex} number and reused from
 * call to call (the recommender's lock guards it): each candidate's summed score, its best single
 * contribution in the current pass and the seed that gave it. Epoch stamps mark which slots belong
 * to the current call, so nothing is cleared or allocated per candidate; the top {@code n} are then
 * picked with a bounded heap instead of sorting every candidate.
 */
final class Candidates {
  private double[] score = new double[0];
  private double[] best = new double[0];
  private String[] because = new String[0];
  private int[] scoredIn = new int[0];
  private int[] bestIn = new int[0];
  private int[] touched = new int[0];
  private int count;
  private int epoch;
  private int call;
  private int pass;

  /** Starts a recommendation over a model of {@code products} products. */
  void start(int products) {
    if (score.length < products) {
      int size = Math.max(products, score.length * 2);
      score = Arrays.copyOf(score, size);
      best = Arrays.copyOf(best, size);
      because = Arrays.copyOf(because, size);
      scoredIn = Arrays.copyOf(scoredIn, size);
      bestIn = Arrays.copyOf(bestIn, size);
      touched = Arrays.copyOf(touched, size);
    }
    if (epoch > Integer.MAX_VALUE - 4) {
      Arrays.fill(scoredIn, 0);
      Arrays.fill(bestIn, 0);
      epoch = 0;
    }
    call = ++epoch;
    pass = call;
    count = 0;
  }

  /**
   * Starts scoring one kind: the seed each candidate is "because of" is the best within the pass,
   * and a later pass that reaches the candidate names its own best seed.
   */
  void nextPass() {
    pass = ++epoch;
  }

  void add(int product, double cos, String seed) {
    if (scoredIn[product] != call) {
      scoredIn[product] = call;
      score[product] = 0;
      touched[count++] = product;
    }
    score[product] += cos;
    if (bestIn[product] != pass || cos > best[product]) {
      bestIn[product] = pass;
      best[product] = cos;
      because[product] = seed;
    }
  }

  double score(int product) {
    return score[product];
  }

  String because(int product) {
    return because[product];
  }

  /**
   * The best {@code n} candidates not {@code excluded}, best first: highest score, ties by id.
   * {@code excluded} is asked only of candidates that would make the cut.
   */
  int[] top(int n, IntPredicate excluded, ProductIndex ids) {
    if (n <= 0 || count == 0) {
      return new int[0];
    }
    int[] heap = new int[Math.min(n, count)]; // worst kept candidate at the root
    int size = 0;
    for (int k = 0; k < count; k++) {
      int p = touched[k];
      if (size == heap.length && !before(p, heap[0], ids)) {
        continue;
      }
      if (excluded.test(p)) {
        continue;
      }
      if (size < heap.length) {
        heap[size] = p;
        up(heap, size++, ids);
      } else {
        heap[0] = p;
        down(heap, size, ids);
      }
    }
    int[] out = Arrays.copyOf(heap, size);
    for (int end = size - 1; end > 0; end--) { // heap sort: the worst goes last each time
      int worst = out[0];
      out[0] = out[end];
      out[end] = worst;
      down(out, end, ids);
    }
    return out;
  }

  /** Whether {@code a} ranks before {@code b}: a higher score, or the same and a smaller id. */
  private boolean before(int a, int b, ProductIndex ids) {
    int c = Double.compare(score[b], score[a]);
    return c != 0 ? c < 0 : ids.id(a).compareTo(ids.id(b)) < 0;
  }

  private void up(int[] heap, int i, ProductIndex ids) {
    int p = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(heap[parent], p, ids)) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = p;
  }

  private void down(int[] heap, int size, ProductIndex ids) {
    int p = heap[0];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && before(heap[child], heap[child + 1], ids)) {
        child++; // the worse of the two children
      }
      if (!before(p, heap[child], ids)) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = p;
  }
}
