package io.kairos.policy;

import io.kairos.time.Span;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

/**
 * The marketing messages a profile was sent recently, oldest first: what caps and gaps count.
 * Transactional messages are not kept (they neither count nor wait). Bounded: entries no rule can
 * count any more are pruned, and at most {@link #LIMIT} are kept.
 */
public final class SendLog {

  /** The most entries kept, whatever the caps say; the oldest go first. */
  public static final int LIMIT = 256;

  private long[] times = new long[4];
  private String[] channels = new String[4];
  private int size;

  /** Records a marketing send at {@code time} (not earlier than the last one). */
  public void add(long time, String channel) {
    if (size == times.length) {
      if (size == LIMIT) {
        drop(1);
      } else {
        times = Arrays.copyOf(times, size * 2);
        channels = Arrays.copyOf(channels, size * 2);
      }
    }
    int at = size;
    while (at > 0 && times[at - 1] > time) {
      at--;
    }
    System.arraycopy(times, at, times, at + 1, size - at);
    System.arraycopy(channels, at, channels, at + 1, size - at);
    times[at] = time;
    channels[at] = channel;
    size++;
  }

  /** Drops entries that no window in {@code windows} can count at {@code now} or later. */
  public void prune(long now, List<Span> windows, ZoneId zone) {
    int keepFrom = 0;
    while (keepFrom < size && !live(times[keepFrom], now, windows, zone)) {
      keepFrom++;
    }
    drop(keepFrom);
  }

  private static boolean live(long time, long now, List<Span> windows, ZoneId zone) {
    for (Span w : windows) {
      if (w.addTo(time, zone) > now) {
        return true;
      }
    }
    return false;
  }

  private void drop(int n) {
    if (n == 0) {
      return;
    }
    System.arraycopy(times, n, times, 0, size - n);
    System.arraycopy(channels, n, channels, 0, size - n);
    Arrays.fill(channels, size - n, size, null);
    size -= n;
  }

  /** Takes in another profile's history (a merged visitor). */
  public void absorb(SendLog other) {
    for (int i = 0; i < other.size; i++) {
      add(other.times[i], other.channels[i]);
    }
  }

  public int size() {
    return size;
  }

  public long time(int i) {
    return times[i];
  }

  public String channel(int i) {
    return channels[i];
  }

  /** The time of the latest send on {@code channel} (any when null), or Long.MIN_VALUE. */
  public long last(String channel) {
    for (int i = size - 1; i >= 0; i--) {
      if (channel == null || channel.equals(channels[i])) {
        return times[i];
      }
    }
    return Long.MIN_VALUE;
  }
}
