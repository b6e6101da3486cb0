package io.kairos.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.engine.Timer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimerQueueTest {
  @Test
  void popsByDueTimeThenInTheOrderTimersWereSet() {
    Random r = new Random(21);
    TimerQueue q = new TimerQueue();
    List<long[]> model = new ArrayList<>(); // {due, order}
    long order = 0;
    for (int round = 0; round < 50_000; round++) {
      if (r.nextInt(3) > 0 || model.isEmpty()) {
        long due = r.nextInt(500);
        q.add(Timer.step("p", due, "j", (int) order, 0), null);
        model.add(new long[] {due, order++});
      } else {
        model.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
        long[] first = model.remove(0);
        assertThat(q.peekDue()).isEqualTo(first[0]);
        assertThat(q.peekTimer().instance()).isEqualTo((int) first[1]);
        q.removeFirst();
      }
      assertThat(q.size()).isEqualTo(model.size());
    }
  }
}
