package io.kairos.geo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workspace's geofences, indexed for the hot path: a grid of {@value #CELL_DEGREES}° cells maps
 * each cell to the fences whose box touches it, so a located event tests only the fences near it
 * (plus the few too large for the grid, and those the profile is inside). Immutable and
 * thread-safe; the per-profile state is a {@link Presence}.
 */
public final class Geofences {

  /** No fences at all. */
  public static final Geofences NONE = new Geofences(List.of());

  /** Grid cell size in degrees: about 11 km north-south, a city district. */
  static final double CELL_DEGREES = 0.1;

  /** A fence covering more cells than this is tested for every located event instead. */
  static final int MAX_CELLS_PER_FENCE = 400;

  private final List<Fence> fences;
  private final Map<String, Integer> byId;
  private final CellTable grid;
  private final int[] everywhere;

  /** The fences in definition order; ids must be unique. */
  public Geofences(List<Fence> fences) {
    this.fences = List.copyOf(fences);
    Map<String, Integer> ids = new LinkedHashMap<>();
    Map<Long, List<Integer>> cells = new HashMap<>();
    List<Integer> large = new ArrayList<>();
    for (int i = 0; i < this.fences.size(); i++) {
      Fence f = this.fences.get(i);
      if (ids.put(f.id(), i) != null) {
        throw new IllegalArgumentException("geofence '" + f.id() + "' is defined twice");
      }
      double[] b = f.bounds();
      if (b[0] < -90 || b[2] > 90 || b[1] < -180 || b[3] > 180) {
        large.add(i); // reaches over a pole or the antimeridian: not worth a wrapping grid
        continue;
      }
      long s = cell(b[0]);
      long n = cell(b[2]);
      long w = cell(b[1]);
      long e = cell(b[3]);
      if ((n - s + 1) * (e - w + 1) > MAX_CELLS_PER_FENCE) {
        large.add(i);
        continue;
      }
      for (long y = s; y <= n; y++) {
        for (long x = w; x <= e; x++) {
          cells.computeIfAbsent(key(y, x), k -> new ArrayList<>()).add(i);
        }
      }
    }
    this.byId = Map.copyOf(ids);
    this.grid = new CellTable(cells);
    this.everywhere = large.stream().mapToInt(Integer::intValue).toArray();
  }

  public List<Fence> fences() {
    return fences;
  }

  public boolean isEmpty() {
    return fences.isEmpty();
  }

  /** The fence with this id, or null. */
  public Fence get(String id) {
    Integer i = byId.get(id);
    return i == null ? null : fences.get(i);
  }

  /** A profile crossed a fence's boundary: {@code entered}, or left it. */
  public record Transition(Fence fence, boolean entered, Fence.Position position) {}

  /**
   * Moves the profile to a new location: updates {@code presence} and returns the fences it left
   * (first) and entered, each in definition order. Staying inside or outside is no transition.
   */
  public List<Transition> observe(Presence presence, double lat, double lon, long time) {
    int[] near = grid.get(key(cell(lat), cell(lon)));
    int[] candidates = merge(near, presence);
    List<Transition> exits = List.of();
    List<Transition> entries = List.of();
    for (int i : candidates) {
      Fence f = fences.get(i);
      boolean was = presence.contains(f.id());
      // The distance decides; the trace's phrase (number formatting) is built only on a crossing.
      double outside = f.outside(lat, lon);
      if (was && outside > f.exitMargin()) {
        presence.remove(f.id());
        exits = add(exits, new Transition(f, false, f.locate(lat, lon)));
      } else if (!was && outside <= 0) {
        presence.add(f.id());
        entries = add(entries, new Transition(f, true, f.locate(lat, lon)));
      }
    }
    presence.locatedAt = time;
    if (exits.isEmpty()) {
      return entries;
    }
    List<Transition> all = new ArrayList<>(exits);
    all.addAll(entries);
    return all;
  }

  static final int[] NO_FENCES = new int[0];

  private int[] merge(int[] near, Presence presence) {
    if (everywhere.length == 0 && presence.isEmpty()) {
      return near;
    }
    int[] all = Arrays.copyOf(near, near.length + everywhere.length + presence.size());
    System.arraycopy(everywhere, 0, all, near.length, everywhere.length);
    int n = near.length + everywhere.length;
    boolean stale = false;
    for (int k = 0; k < presence.size(); k++) {
      Integer i = byId.get(presence.get(k));
      if (i != null) {
        all[n++] = i;
      } else {
        stale = true; // a fence no longer defined: its state is dropped, silently
      }
    }
    if (stale) {
      presence.retain(byId.keySet());
    }
    Arrays.sort(all, 0, n);
    int distinct = 0;
    for (int k = 0; k < n; k++) {
      if (distinct == 0 || all[k] != all[distinct - 1]) {
        all[distinct++] = all[k];
      }
    }
    return Arrays.copyOf(all, distinct);
  }

  private static <T> List<T> add(List<T> list, T item) {
    List<T> l = list.isEmpty() ? new ArrayList<>(2) : list;
    l.add(item);
    return l;
  }

  private static long cell(double degrees) {
    return (long) Math.floor(degrees / CELL_DEGREES);
  }

  static long key(long latCell, long lonCell) {
    return (latCell << 32) ^ (lonCell & 0xffffffffL);
  }
}
