package io.kairos.simulation;

import io.kairos.engine.Effect;
import io.kairos.time.Timestamps;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what a run decided: per journey (entries, refusals, completions, exits, conversions and
 * revenue, split by treatment and holdout), per journey and step and kind of effect, and per
 * journey and day (UTC). This is the backtest: run last month's events through a new journey and
 * see how many customers would have entered, been sent to and converted.
 */
public final class Summary {

  /** Totals for one journey. */
  public static final class JourneyTotals {
    long entered;
    long refused;
    long completed;
    long exited;
    long sent;
    long converted;
    double revenue;
    long holdoutConverted;
    double holdoutRevenue;
    final Map<String, Long> exitsByCause = new TreeMap<>();
    final Map<String, Lift.Group> groups = new TreeMap<>();

    public long entered() {
      return entered;
    }

    public long refused() {
      return refused;
    }

    public long completed() {
      return completed;
    }

    public long exited() {
      return exited;
    }

    public long sent() {
      return sent;
    }

    /** Conversions of profiles that were not held out. */
    public long converted() {
      return converted;
    }

    public double revenue() {
      return revenue;
    }

    public long holdoutConverted() {
      return holdoutConverted;
    }

    public double holdoutRevenue() {
      return holdoutRevenue;
    }

    public Map<String, Long> exitsByCause() {
      return exitsByCause;
    }

    /**
     * Treated against held out, or null when nobody was held out. Treated are the profiles that
     * reached the journey's split and were given an arm; a conversion counts for the group of the
     * instance that converted.
     */
    public Lift lift() {
      Lift.Group held = groups.get(HOLDOUT);
      if (held == null) {
        return null;
      }
      Lift.Group treated = new Lift.Group();
      groups.forEach(
          (name, g) -> {
            if (!name.equals(HOLDOUT)) {
              treated.add(g);
            }
          });
      return Lift.of(treated, held);
    }
  }

  private static final String HOLDOUT = "\u0000holdout";

  private final Map<String, JourneyTotals> journeys = new TreeMap<>();
  private final Map<String, Long> byStep = new TreeMap<>();
  private final Map<String, long[]> byDay = new TreeMap<>();

  /** Split group of each instance that was given one: journey, profile, instance → group. */
  private final Map<String, Lift.Group> groupOf = new HashMap<>();

  /** Adds one effect to the counts. */
  public void record(Effect e) {
    JourneyTotals t = journeys.computeIfAbsent(e.journey(), k -> new JourneyTotals());
    String kind = kind(e);
    long[] day =
        byDay.computeIfAbsent(
            e.journey() + "\u0000" + Timestamps.formatSeconds(e.time()).substring(0, 10),
            k -> new long[4]);
    if (e instanceof Effect.Entered) {
      t.entered++;
      day[0]++;
    } else if (e instanceof Effect.EntryRefused) {
      t.refused++;
    } else if (e instanceof Effect.Completed) {
      t.completed++;
    } else if (e instanceof Effect.Exited x) {
      t.exited++;
      t.exitsByCause.merge(x.cause(), 1L, Long::sum);
      day[2]++;
    } else if (e instanceof Effect.Send) {
      t.sent++;
      day[1]++;
    } else if (e instanceof Effect.SplitAssigned a) {
      Lift.Group g =
          t.groups.computeIfAbsent(a.holdout() ? HOLDOUT : a.arm(), k -> new Lift.Group());
      // An instance passing two splits stays in the group of the first.
      if (groupOf.putIfAbsent(instanceKey(a.journey(), a.profile(), a.instance()), g) == null) {
        g.members++;
      }
    } else if (e instanceof Effect.Converted c) {
      double v = c.value() == null ? 0 : c.value();
      Lift.Group g = groupOf.get(instanceKey(c.journey(), c.profile(), c.instance()));
      if (g != null) {
        g.converted++;
        g.revenue += v;
        g.revenueSquares += v * v;
      }
      if (c.holdout()) {
        t.holdoutConverted++;
        t.holdoutRevenue += v;
      } else {
        t.converted++;
        t.revenue += v;
      }
      day[3]++;
    }
    byStep.merge(e.journey() + "\u0000" + e.step() + "\u0000" + kind, 1L, Long::sum);
  }

  private static String instanceKey(String journey, String profile, int instance) {
    return journey + "\u0000" + profile + "\u0000" + instance;
  }

  /** Totals per journey id, sorted by id. */
  public Map<String, JourneyTotals> journeys() {
    return journeys;
  }

  /** The summary as text tables. */
  public String toTable() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "%-28s %9s %9s %9s %9s %9s %9s %12s %9s%n",
            "journey",
            "entered",
            "refused",
            "sent",
            "completed",
            "exited",
            "converted",
            "revenue",
            "holdout"));
    journeys.forEach(
        (id, t) ->
            b.append(
                String.format(
                    java.util.Locale.ROOT,
                    "%-28s %9d %9d %9d %9d %9d %9d %12.2f %9d%n",
                    id,
                    t.entered,
                    t.refused,
                    t.sent,
                    t.completed,
                    t.exited,
                    t.converted,
                    t.revenue,
                    t.holdoutConverted)));
    b.append(String.format("%n%-28s %-24s %-14s %9s%n", "journey", "step", "effect", "count"));
    byStep.forEach(
        (k, v) -> {
          String[] p = k.split("\u0000");
          b.append(String.format("%-28s %-24s %-14s %9d%n", p[0], p[1], p[2], v));
        });
    b.append(
        String.format(
            "%n%-28s %-10s %9s %9s %9s %9s%n",
            "journey", "day", "entered", "sent", "exited", "converted"));
    byDay.forEach(
        (k, v) -> {
          String[] p = k.split("\u0000");
          b.append(
              String.format("%-28s %-10s %9d %9d %9d %9d%n", p[0], p[1], v[0], v[1], v[2], v[3]));
        });
    lifts(b);
    return b.toString();
  }

  private void lifts(StringBuilder b) {
    boolean header = false;
    for (Map.Entry<String, JourneyTotals> j : journeys.entrySet()) {
      Lift l = j.getValue().lift();
      if (l == null) {
        continue;
      }
      if (!header) {
        b.append(
            String.format(
                "%n%-28s %9s %9s %9s %9s %9s %-22s %9s %-26s%n",
                "journey (holdout lift)",
                "treated",
                "conv",
                "holdout",
                "conv",
                "diff",
                "95% interval",
                "rev/memb",
                "95% interval"));
        header = true;
      }
      b.append(
          String.format(
              Locale.ROOT,
              "%-28s %9d %8.2f%% %9d %8.2f%% %+8.2f%% [%+7.2f%%, %+7.2f%%]   %+9.2f [%+9.2f, %+9.2f]%n",
              j.getKey(),
              l.treated(),
              100 * l.treatedRate(),
              l.holdout(),
              100 * l.holdoutRate(),
              100 * l.rateDiff(),
              100 * l.rateDiffLow(),
              100 * l.rateDiffHigh(),
              l.treatedRevenuePerMember() - l.holdoutRevenuePerMember(),
              l.revenueDiffLow(),
              l.revenueDiffHigh()));
    }
  }

  /** The summary as CSV rows {@code section,journey,key,kind,count}, with a header. */
  public String toCsv() {
    StringBuilder b = new StringBuilder("section,journey,key,kind,count\n");
    journeys.forEach(
        (id, t) -> {
          row(b, "journey", id, "", "entered", t.entered);
          row(b, "journey", id, "", "refused", t.refused);
          row(b, "journey", id, "", "sent", t.sent);
          row(b, "journey", id, "", "completed", t.completed);
          row(b, "journey", id, "", "exited", t.exited);
          row(b, "journey", id, "", "converted", t.converted);
          b.append("journey,")
              .append(id)
              .append(",,revenue,")
              .append(String.format(java.util.Locale.ROOT, "%.2f", t.revenue))
              .append('\n');
          row(b, "journey", id, "", "holdout_converted", t.holdoutConverted);
          Lift l = t.lift();
          if (l != null) {
            row(b, "lift", id, "treated", "members", l.treated());
            row(b, "lift", id, "treated", "converted", l.treatedConverted());
            decimal(b, id, "treated", "revenue", l.treatedRevenue());
            row(b, "lift", id, "holdout", "members", l.holdout());
            row(b, "lift", id, "holdout", "converted", l.holdoutConverted());
            decimal(b, id, "holdout", "revenue", l.holdoutRevenue());
            decimal(b, id, "difference", "rate", l.rateDiff());
            decimal(b, id, "difference", "rate_low95", l.rateDiffLow());
            decimal(b, id, "difference", "rate_high95", l.rateDiffHigh());
            decimal(
                b,
                id,
                "difference",
                "revenue_per_member",
                l.treatedRevenuePerMember() - l.holdoutRevenuePerMember());
            decimal(b, id, "difference", "revenue_low95", l.revenueDiffLow());
            decimal(b, id, "difference", "revenue_high95", l.revenueDiffHigh());
          }
        });
    byStep.forEach(
        (k, v) -> {
          String[] p = k.split("\u0000");
          row(b, "step", p[0], p[1], p[2], v);
        });
    byDay.forEach(
        (k, v) -> {
          String[] p = k.split("\u0000");
          row(b, "day", p[0], p[1], "entered", v[0]);
          row(b, "day", p[0], p[1], "sent", v[1]);
          row(b, "day", p[0], p[1], "exited", v[2]);
          row(b, "day", p[0], p[1], "converted", v[3]);
        });
    return b.toString();
  }

  private static void decimal(StringBuilder b, String j, String k, String kind, double v) {
    b.append("lift,").append(j).append(',').append(k).append(',').append(kind).append(',');
    b.append(String.format(Locale.ROOT, "%.6f", v)).append('\n');
  }

  private static void row(StringBuilder b, String s, String j, String k, String kind, long n) {
    b.append(s).append(',').append(j).append(',').append(k).append(',').append(kind);
    b.append(',').append(n).append('\n');
  }

  /**
   * One word for the kind of effect: enter, refuse, wait, resume, branch, split, send, schedule,
   * ...
   */
  public static String kind(Effect e) {
    if (e instanceof Effect.Entered) {
      return "enter";
    } else if (e instanceof Effect.EntryRefused) {
      return "refuse";
    } else if (e instanceof Effect.Waiting) {
      return "wait";
    } else if (e instanceof Effect.Resumed) {
      return "resume";
    } else if (e instanceof Effect.BranchTaken) {
      return "branch";
    } else if (e instanceof Effect.SplitAssigned) {
      return "split";
    } else if (e instanceof Effect.Send) {
      return "send";
    } else if (e instanceof Effect.ProfileUpdated) {
      return "update";
    } else if (e instanceof Effect.Emitted) {
      return "emit";
    } else if (e instanceof Effect.WebhookCall) {
      return "webhook";
    } else if (e instanceof Effect.Converted) {
      return "convert";
    } else if (e instanceof Effect.Exited) {
      return "exit";
    } else if (e instanceof Effect.LocationChanged x) {
      return x.entered() ? "location_entered" : "location_exited";
    } else if (e instanceof Effect.Scheduled) {
      return "schedule";
    } else if (e instanceof Effect.ScoreChanged) {
      return "score";
    } else if (e instanceof Effect.StageChanged) {
      return "stage";
    } else if (e instanceof Effect.OwnerAssigned) {
      return "assign";
    } else if (e instanceof Effect.OwnerReleased) {
      return "release";
    } else if (e instanceof Effect.Deferred) {
      return "defer";
    } else if (e instanceof Effect.Skipped) {
      return "skip";
    } else if (e instanceof Effect.SegmentEntered) {
      return "segment_enter";
    } else if (e instanceof Effect.SegmentExited) {
      return "segment_exit";
    } else {
      return "complete";
    }
  }
}
