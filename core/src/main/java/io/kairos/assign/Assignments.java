package io.kairos.assign;

import io.kairos.time.Timestamps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workspace-wide ledger of lead assignment: per pool, the position of the weighted rotation and
 * the number of open leads per rep. It is the one piece of engine state that is not per profile.
 *
 * <p>The rotation is nginx's <em>smooth weighted round-robin</em>: at each pick every eligible
 * rep's current weight grows by its weight, the rep with the highest current weight wins (the first
 * in definition order on a tie) and its current weight drops by the total weight of the eligible
 * reps. With weights 2 and 1 the order is A, B, A, A, B, A, ...: deterministic and evenly
 * interleaved. Reps who are not eligible keep their current weight untouched.
 *
 * <p>Deterministic: the same sequence of calls gives the same assignments. Thread-safe: each pool
 * is locked for the length of one call, so concurrent callers are serialised per pool — but then
 * the order of their calls, and so the assignments, depends on scheduling. A runtime that processes
 * profiles in parallel partitions and wants reproducible assignments must serialise the assignments
 * of a pool (for instance, route assign requests to one partition keyed by pool id).
 */
public final class Assignments {

  /** The outcome of one pick. {@code rep} is null when nobody could take the lead. */
  public record Decision(Rep rep, long availableAt, String reason) {}

  private final Map<String, PoolState> pools = new LinkedHashMap<>();

  public Assignments(List<Pool> pools) {
    for (Pool p : pools) {
      this.pools.put(p.id(), new PoolState(p));
    }
  }

  /** The pool named {@code id}, or null. */
  public Pool pool(String id) {
    PoolState s = pools.get(id);
    return s == null ? null : s.pool;
  }

  /** The leads rep {@code repId} holds open in pool {@code poolId}. */
  public int open(String poolId, String repId) {
    PoolState s = pools.get(poolId);
    if (s == null) {
      return 0;
    }
    synchronized (s) {
      int i = s.pool.indexOf(repId);
      return i < 0 ? 0 : s.open[i];
    }
  }

  /**
   * Picks the rep for a new lead at {@code now} and counts the lead as open for them. Eligible are
   * the reps below capacity, not out of office and within working hours; the rotation chooses among
   * them. When nobody is eligible now, the rotation chooses among the reps below capacity who
   * become available first (the lead is theirs at once, to work when they start). When every rep is
   * at capacity, nobody gets the lead.
   *
   * @throws IllegalArgumentException for an unknown pool
   */
  public Decision assign(String poolId, long now) {
    PoolState s = pools.get(poolId);
    if (s == null) {
      throw new IllegalArgumentException("no pool '" + poolId + "'");
    }
    synchronized (s) {
      return s.pick(now);
    }
  }

  /** A lead of {@code repId} is closed: it no longer counts against their capacity. */
  public void release(String poolId, String repId) {
    PoolState s = pools.get(poolId);
    if (s == null) {
      return;
    }
    synchronized (s) {
      int i = s.pool.indexOf(repId);
      if (i >= 0 && s.open[i] > 0) {
        s.open[i]--;
      }
    }
  }

  private static final class PoolState {
    final Pool pool;
    final long[] current;
    final int[] open;

    PoolState(Pool pool) {
      this.pool = pool;
      this.current = new long[pool.reps().size()];
      this.open = new int[pool.reps().size()];
    }

    Decision pick(long now) {
      List<Rep> reps = pool.reps();
      int n = reps.size();
      boolean[] eligible = new boolean[n];
      long[] from = new long[n];
      List<String> notes = new ArrayList<>();
      boolean any = false;
      for (int i = 0; i < n; i++) {
        Rep r = reps.get(i);
        if (r.capacity() > 0 && open[i] >= r.capacity()) {
          from[i] = Long.MAX_VALUE;
          notes.add("rep " + r.id() + " at capacity " + open[i] + "/" + r.capacity());
          continue;
        }
        from[i] = r.availableFrom(now);
        if (from[i] == now) {
          eligible[i] = true;
          any = true;
          continue;
        }
        Rep.Absence away = r.awayAt(now);
        String note =
            away != null
                ? "rep " + r.id() + " out of office until " + iso(away.until())
                : "rep "
                    + r.id()
                    + " outside working hours ("
                    + r.hours().describe()
                    + " "
                    + r.zone()
                    + ")";
        if (from[i] != Long.MAX_VALUE && (away == null || from[i] != away.until())) {
          note += ", available from " + iso(from[i]);
        }
        notes.add(note);
      }
      long at = now;
      String lead;
      if (!any) {
        at = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
          at = Math.min(at, from[i]);
        }
        if (at == Long.MAX_VALUE) {
          return new Decision(null, 0, "nobody can take the lead: " + String.join("; ", notes));
        }
        for (int i = 0; i < n; i++) {
          eligible[i] = from[i] == at;
        }
        lead = "nobody is available now; ";
      } else {
        lead = "";
      }
      int total = 0;
      int candidates = 0;
      for (int i = 0; i < n; i++) {
        if (eligible[i]) {
          current[i] += reps.get(i).weight();
          total += reps.get(i).weight();
          candidates++;
        }
      }
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (eligible[i] && (best < 0 || current[i] > current[best])) {
          best = i;
        }
      }
      current[best] -= total;
      open[best]++;
      Rep chosen = reps.get(best);
      StringBuilder why = new StringBuilder(lead).append("rep ").append(chosen.id()).append(": ");
      if (candidates == 1) {
        why.append(any ? "the only rep available" : "the first rep available, at " + iso(at));
      } else {
        why.append("next in weighted rotation (weight ")
            .append(chosen.weight())
            .append(" of ")
            .append(total)
            .append(any ? "" : ", available at " + iso(at))
            .append(')');
      }
      why.append(", open leads ").append(open[best]);
      if (chosen.capacity() > 0) {
        why.append('/').append(chosen.capacity());
      }
      for (String note : notes) {
        if (!any && note.startsWith("rep " + chosen.id() + " ")) {
          continue;
        }
        why.append("; ").append(note);
      }
      return new Decision(chosen, at, why.toString());
    }
  }

  private static String iso(long t) {
    return Timestamps.formatSeconds(t);
  }
}
