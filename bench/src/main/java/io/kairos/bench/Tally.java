package io.kairos.bench;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts what goes into the file while it is written, including what the benchmark journeys should
 * make of it, so a simulation run can be checked against numbers known in advance.
 */
final class Tally {

  private static final int WEEK = 7 * 86_400;
  private static final int MONTH = 30 * 86_400;
  private static final int HOUR = 3600;

  private final long startEpochSecond;
  private final long[] byName = new long[EventName.values().length];
  private final int[] perUser;
  private final long[] lastSeen;
  private final long[] lastOrder;
  private final boolean[] wentQuiet;
  private long events;
  private long firstSecond = -1;
  private long lastSecond = -1;
  private int lastUser = -1;
  private long tied;
  private long tiedAcross;
  private long quietPeriods;
  private long comebacks;
  private long abandoned;
  private long bought;
  // Product Added not yet an hour old, as (second << 31 | user), oldest first: a ring buffer
  private long[] pending = new long[1024];
  private int head;
  private int size;

  Tally(int users, long startEpochSecond) {
    this.startEpochSecond = startEpochSecond;
    this.perUser = new int[users];
    this.lastSeen = new long[users];
    this.lastOrder = new long[users];
    this.wentQuiet = new boolean[users];
    Arrays.fill(lastSeen, -1);
    Arrays.fill(lastOrder, -1);
  }

  void add(Draft d) {
    long now = d.second;
    int u = d.user;
    settleCarts(now);
    events++;
    byName[d.name.ordinal()]++;
    if (firstSecond < 0) {
      firstSecond = now;
    }
    if (now == lastSecond) {
      tied++;
      if (u != lastUser) {
        tiedAcross++;
      }
    }
    lastSecond = now;
    lastUser = u;
    perUser[u]++;
    if (lastSeen[u] >= 0) {
      long gap = now - lastSeen[u];
      if (gap >= WEEK) {
        quietPeriods++;
        wentQuiet[u] = true;
      }
      if (gap >= MONTH) {
        comebacks++;
      }
    }
    lastSeen[u] = now;
    if (d.name == EventName.PRODUCT_ADDED) {
      push(ShopperQueue.key(now, u));
    } else if (d.name == EventName.ORDER_COMPLETED) {
      lastOrder[u] = now;
    }
  }

  /** Decides every Product Added whose reminder is due at or before {@code now}. */
  private void settleCarts(long now) {
    while (size > 0) {
      long key = pending[head];
      long added = key >>> ShopperQueue.USER_BITS;
      if (added + HOUR > now) {
        return;
      }
      if (lastOrder[(int) (key & ShopperQueue.USER_MASK)] >= added) {
        bought++;
      } else {
        abandoned++;
      }
      head = (head + 1) % pending.length;
      size--;
    }
  }

  private void push(long key) {
    if (size == pending.length) {
      long[] grown = new long[pending.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = pending[(head + i) % pending.length];
      }
      pending = grown;
      head = 0;
    }
    pending[(head + size) % pending.length] = key;
    size++;
  }

  Summary summary(double gapScale) {
    long open = 0;
    long boughtAll = bought;
    for (int i = 0; i < size; i++) {
      long key = pending[(head + i) % pending.length];
      if (lastOrder[(int) (key & ShopperQueue.USER_MASK)] >= key >>> ShopperQueue.USER_BITS) {
        boughtAll++;
      } else {
        open++;
      }
    }
    long periods = quietPeriods;
    int quietUsers = 0;
    for (int u = 0; u < lastSeen.length; u++) {
      boolean quietAtEnd = lastSeen[u] >= 0 && lastSecond - lastSeen[u] >= WEEK;
      if (quietAtEnd) {
        periods++;
      }
      if (wentQuiet[u] || quietAtEnd) {
        quietUsers++;
      }
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (EventName name : EventName.values()) {
      counts.put(name.text(), byName[name.ordinal()]);
    }
    return new Summary(
        events,
        (int) byName[EventName.SIGNED_UP.ordinal()],
        Instant.ofEpochSecond(startEpochSecond + Math.max(0, firstSecond)),
        Instant.ofEpochSecond(startEpochSecond + Math.max(0, lastSecond)),
        Collections.unmodifiableMap(counts),
        tied,
        tiedAcross,
        periods,
        quietUsers,
        comebacks,
        abandoned,
        boughtAll,
        open,
        spread(),
        gapScale);
  }

  private Summary.Spread spread() {
    int[] active = Arrays.stream(perUser).filter(n -> n > 0).sorted().toArray();
    if (active.length == 0) {
      return new Summary.Spread(0, 0, 0, 0);
    }
    return new Summary.Spread(
        active[active.length / 2],
        active[(int) (active.length * 0.9)],
        active[(int) (active.length * 0.99)],
        active[active.length - 1]);
  }
}
