package io.kairos.engine;

import io.kairos.assign.Assignments;
import io.kairos.assign.Pool;
import io.kairos.definition.Definitions;
import io.kairos.event.Event;
import io.kairos.journey.Step;
import io.kairos.scoring.Decay;
import io.kairos.scoring.Lifecycle;
import io.kairos.scoring.ScoreDefinition;
import io.kairos.scoring.ScoreRule;
import io.kairos.time.Timestamps;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Lead scoring, the lifecycle and sales assignment at run time: what an event, a timer, an {@code
 * update} or an {@code assign} step does to a profile's scores, stage and owner. One per engine;
 * the per-profile part lives in {@link LeadState}, the workspace-wide rotation in {@link
 * Assignments}. See docs/scoring.md.
 */
final class Leads {

  static final String LIFECYCLE_STAGE = "lifecycle_stage";
  static final String OWNER = "owner";
  static final String SCORE_CHANGED = "Lead Score Changed";
  static final String STAGE_CHANGED = "Lifecycle Stage Changed";
  static final String OWNER_ASSIGNED = "Owner Assigned";
  static final String ASSIGNMENT_FAILED = "Assignment Failed";
  static final String OWNER_RELEASED = "Owner Released";

  /** What one input gives the lead logic: the profile, the clock, and where effects go. */
  record Ctx(
      ProfileState state,
      long now,
      ZoneId zone,
      Effects out,
      BiConsumer<String, Map<String, Object>> derive) {}

  private final List<ScoreDefinition> scores;
  private final double[][] thresholds;
  private final Lifecycle lifecycle;
  private final int lifecycleScore;
  private final Assignments assignments;
  private final boolean active;

  /** The event names any rule or move reacts to, so other events cost one hash lookup. */
  private final java.util.Set<String> watched = new java.util.HashSet<>();

  Leads(Definitions d) {
    this.scores = d.scores();
    this.lifecycle = d.lifecycle();
    int ls = -1;
    for (int i = 0; i < scores.size(); i++) {
      if (scores.get(i).name().equals(lifecycle.score())) {
        ls = i;
      }
    }
    this.lifecycleScore = ls;
    this.thresholds = new double[scores.size()][];
    for (int i = 0; i < scores.size(); i++) {
      List<Double> all = new ArrayList<>(scores.get(i).thresholds());
      if (i == ls) {
        all.addAll(lifecycle.thresholds());
      }
      thresholds[i] = all.stream().distinct().sorted().mapToDouble(Double::doubleValue).toArray();
    }
    this.assignments = new Assignments(d.pools());
    this.active = !scores.isEmpty() || lifecycle.defined() || !d.pools().isEmpty();
    scores.forEach(sc -> sc.rules().forEach(r -> watched.add(r.event())));
    lifecycle.moves().forEach(m -> watched.add(m.event()));
    watched.add(OWNER_RELEASED);
  }

  Assignments assignments() {
    return assignments;
  }

  /** Whether the workspace defines scores, a lifecycle or pools at all. */
  boolean active() {
    return active;
  }

  /** Whether an event of this name can change a score, the stage or a lead. */
  boolean watches(ProfileState state, String eventName) {
    return watched.contains(eventName) || (state.leads != null && state.leads.pending != null);
  }

  // ---- the profile view ----------------------------------------------------------------------

  /** Adds every score (its value at {@code now}) and the lifecycle stage to a profile view. */
  void view(Map<String, Object> view, ProfileState state, long now) {
    LeadState ls = state.leads;
    for (int i = 0; i < scores.size(); i++) {
      LeadState.Score s = ls == null || ls.scores == null ? null : ls.scores[i];
      view.put(scores.get(i).name(), s == null ? 0.0 : valueAt(i, s, now));
    }
    if (lifecycle.defined()) {
      view.put(LIFECYCLE_STAGE, lifecycle.stages().get(ls == null ? 0 : ls.stage).id());
    }
  }

  private double valueAt(int i, LeadState.Score s, long now) {
    Decay decay = scores.get(i).decay();
    if (decay.kind() == Decay.Kind.EXPIRE) {
      double sum = 0;
      if (s.awards != null) {
        for (LeadState.Award a : s.awards) {
          if (a.expires() > now) {
            sum += a.points();
          }
        }
      }
      return sum;
    }
    return decay.valueAt(s.value, s.asOf, now);
  }

  // ---- events --------------------------------------------------------------------------------

  /**
   * Scores the event, applies lifecycle moves, and closes the lead on {@code Owner Released}.
   *
   * @return whether a score or the stage changed: points were awarded, or the lifecycle moved
   */
  boolean onEvent(Ctx c, Event e, EngineBindings bindings) {
    flushPending(c);
    String name = e.name();
    boolean changed = false;
    for (int i = 0; i < scores.size(); i++) {
      ScoreDefinition def = scores.get(i);
      for (int r = 0; r < def.rules().size(); r++) {
        ScoreRule rule = def.rules().get(r);
        if (!rule.event().equals(name)) {
          continue;
        }
        String why = "event '" + name + "'";
        if (rule.where() != null) {
          Conditions.Outcome o = Conditions.test(rule.where(), bindings);
          if (!o.value()) {
            continue;
          }
          why += " matched where " + o.explanation();
        }
        changed |= award(c, i, r, rule, why);
      }
    }
    for (Lifecycle.Move m : lifecycle.moves()) {
      if (!m.event().equals(name)) {
        continue;
      }
      String why = "event '" + name + "'";
      if (m.where() != null) {
        Conditions.Outcome o = Conditions.test(m.where(), bindings);
        if (!o.value()) {
          continue;
        }
        why += " matched where " + o.explanation();
      }
      int to = lifecycle.indexOf(m.to());
      int from = stage(c.state());
      if (to > from || (to < from && m.backward())) {
        moveStage(c, to, m.id(), why + (to < from ? " (move backward allowed)" : ""));
        changed = true;
      }
    }
    LeadState ls = c.state().leads;
    if (name.equals(OWNER_RELEASED) && ls != null && ls.owner != null) {
      release(c, "event '" + OWNER_RELEASED + "'");
    }
    return changed;
  }

  private void flushPending(Ctx c) {
    LeadState ls = c.state().leads;
    if (ls != null && ls.pending != null) {
      List<LeadState.Pending> p = ls.pending;
      ls.pending = null;
      for (LeadState.Pending x : p) {
        c.derive().accept(x.name(), x.properties());
      }
    }
  }

  private LeadState leads(ProfileState state) {
    if (state.leads == null) {
      state.leads = new LeadState();
    }
    return state.leads;
  }

  private int stage(ProfileState state) {
    return state.leads == null ? 0 : state.leads.stage;
  }

  /** Awards a rule's points; false when none were left to award (a daily cap). */
  private boolean award(Ctx c, int i, int r, ScoreRule rule, String why) {
    ScoreDefinition def = scores.get(i);
    LeadState.Score s = leads(c.state()).score(i, scores.size());
    double before = valueAt(i, s, c.now());
    double points = rule.points();
    String change = "points";
    if (rule.maxPerDay() != null) {
      if (s.capDay == null) {
        s.capDay = new long[def.rules().size()];
        s.capPoints = new double[def.rules().size()];
        java.util.Arrays.fill(s.capDay, Long.MIN_VALUE);
      }
      long day = Instant.ofEpochMilli(c.now()).atZone(c.zone()).toLocalDate().toEpochDay();
      if (s.capDay[r] != day) {
        s.capDay[r] = day;
        s.capPoints[r] = 0;
      }
      double left = rule.maxPerDay() - s.capPoints[r];
      if (left < points) {
        points = Math.max(0, left);
        why +=
            "; capped at "
                + fmt(rule.maxPerDay())
                + " points per day ("
                + fmt(s.capPoints[r])
                + " earned today)";
        change = points == 0 ? "capped" : "points";
      }
      s.capPoints[r] += points;
    }
    if (points == 0) {
      c.out()
          .emit(
              new Effect.ScoreChanged(
                  "scoring/" + def.name(),
                  c.state().profile().id(),
                  c.now(),
                  rule.id(),
                  def.name(),
                  change,
                  0,
                  before,
                  "rule " + rule.id() + ": " + why + "; no points"));
      return false;
    }
    add(c, i, s, before, points, rule.id());
    double after = valueAt(i, s, c.now());
    changed(
        c,
        i,
        s,
        before,
        after,
        rule.id(),
        change,
        points,
        "rule " + rule.id() + ": " + why + ", " + signed(points) + " points");
    return true;
  }

  /** Adds points at {@code now} to a score worth {@code before} at {@code now}. */
  private void add(Ctx c, int i, LeadState.Score s, double before, double points, String rule) {
    Decay decay = scores.get(i).decay();
    if (decay.kind() == Decay.Kind.EXPIRE) {
      if (s.awards == null) {
        s.awards = new ArrayList<>(4);
      }
      dropExpired(s, c.now());
      s.awards.add(new LeadState.Award(c.now(), decay.expiry(c.now(), c.zone()), points, rule));
    } else {
      s.value = before + points;
      s.asOf = c.now();
    }
  }

  private static void dropExpired(LeadState.Score s, long now) {
    if (s.awards != null) {
      s.awards.removeIf(a -> a.expires() <= now);
    }
  }

  /**
   * Reports a change of a score, announces threshold crossings, promotes the lifecycle when the
   * score reached a stage's min_score, and sets the timer for the next change by time alone.
   */
  private void changed(
      Ctx c,
      int i,
      LeadState.Score s,
      double before,
      double after,
      String step,
      String change,
      double points,
      String why) {
    ScoreDefinition def = scores.get(i);
    int band = band(i, after);
    String crossing = "";
    if (band != s.band) {
      crossing = "; " + crossing(i, s.band, band);
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("score", def.name());
      p.put("previous", before);
      p.put("value", after);
      p.put("direction", band > s.band ? "up" : "down");
      s.band = band;
      c.derive().accept(SCORE_CHANGED, p);
    }
    c.out()
        .emit(
            new Effect.ScoreChanged(
                "scoring/" + def.name(),
                c.state().profile().id(),
                c.now(),
                step,
                def.name(),
                change,
                points,
                after,
                why
                    + (change.equals("decayed") ? "" : ": " + fmt(before) + " -> " + fmt(after))
                    + crossing));
    if (i == lifecycleScore) {
      int target = -1;
      for (int k = 0; k < lifecycle.stages().size(); k++) {
        Double min = lifecycle.stages().get(k).minScore();
        if (min != null && after >= min) {
          target = k;
        }
      }
      if (target > stage(c.state())) {
        Lifecycle.Stage st = lifecycle.stages().get(target);
        moveStage(
            c,
            target,
            "min_score",
            def.name()
                + " reached "
                + fmt(after)
                + " >= "
                + fmt(st.minScore())
                + " (min_score of "
                + st.id()
                + ")");
      }
    }
    arm(c, i, s, after);
  }

  private int band(int i, double value) {
    int b = 0;
    for (double t : thresholds[i]) {
      if (value >= t) {
        b++;
      }
    }
    return b;
  }

  private String crossing(int i, int from, int to) {
    List<String> crossed = new ArrayList<>();
    for (int k = Math.min(from, to); k < Math.max(from, to); k++) {
      crossed.add(fmt(thresholds[i][k]));
    }
    return (to > from ? "reached " : "fell below ") + String.join(", ", crossed);
  }

  /** Sets the timer for the next change of the score by time alone, if there is one. */
  private void arm(Ctx c, int i, LeadState.Score s, double value) {
    Decay decay = scores.get(i).decay();
    long due = Long.MAX_VALUE;
    if (decay.kind() == Decay.Kind.HALF_LIFE) {
      int band = band(i, value);
      if (band > 0) {
        due = decay.firstBelow(s.value, s.asOf, thresholds[i][band - 1]);
      }
    } else if (decay.kind() == Decay.Kind.EXPIRE && s.awards != null) {
      for (LeadState.Award a : s.awards) {
        due = Math.min(due, a.expires());
      }
    }
    if (due == Long.MAX_VALUE) {
      if (s.timerDue != 0) {
        s.timerDue = 0;
        s.token++; // the pending timer is stale now
      }
      return;
    }
    if (due != s.timerDue) {
      s.timerDue = due;
      s.token++;
      c.out().schedule(Timer.score(c.state().profile().id(), due, scores.get(i).name(), s.token));
    }
  }

  // ---- timers --------------------------------------------------------------------------------

  /** Points expire, or half-life decay takes the score below a threshold. */
  void onTimer(Ctx c, Timer t) {
    flushPending(c);
    int i = indexOf(t.key());
    LeadState ls = c.state().leads;
    if (i < 0 || ls == null || ls.scores == null || ls.scores[i] == null) {
      return;
    }
    LeadState.Score s = ls.scores[i];
    if (s.token != t.token() || s.timerDue != t.due()) {
      return; // stale: the score changed since this timer was set
    }
    s.timerDue = 0;
    ScoreDefinition def = scores.get(i);
    long now = c.now();
    if (def.decay().kind() == Decay.Kind.EXPIRE) {
      double before = 0;
      double lost = 0;
      List<String> what = new ArrayList<>();
      for (Iterator<LeadState.Award> it = s.awards.iterator(); it.hasNext(); ) {
        LeadState.Award a = it.next();
        before += a.points();
        if (a.expires() <= now) {
          lost += a.points();
          what.add(signed(a.points()) + " from rule " + a.rule() + " (given " + iso(a.at()) + ")");
          it.remove();
        }
      }
      if (what.isEmpty()) {
        arm(c, i, s, before);
        return;
      }
      changed(
          c,
          i,
          s,
          before,
          before - lost,
          "expiry",
          "expired",
          -lost,
          def.decay().describe() + ": " + String.join(", ", what) + " expired");
    } else {
      double value = valueAt(i, s, now);
      int band = band(i, value);
      if (band == s.band) {
        arm(c, i, s, value);
        return;
      }
      changed(
          c,
          i,
          s,
          value,
          value,
          "decay",
          "decayed",
          0,
          def.decay().describe()
              + ": "
              + fmt(s.value)
              + " at "
              + iso(s.asOf)
              + " decays to "
              + fmt(value)
              + " by now");
    }
  }

  private int indexOf(String score) {
    for (int i = 0; i < scores.size(); i++) {
      if (scores.get(i).name().equals(score)) {
        return i;
      }
    }
    return -1;
  }

  // ---- update steps --------------------------------------------------------------------------

  /** Whether an {@code update} of this trait is a score or the lifecycle stage, handled here. */
  boolean owns(String trait) {
    return indexOf(trait) >= 0 || (lifecycle.defined() && trait.equals(LIFECYCLE_STAGE));
  }

  /**
   * An {@code update} step sets a score, adds to it ({@code increment}), or sets the lifecycle
   * stage (forward or back: an explicit update may move backward). Returns a problem for the trace,
   * or null.
   */
  String update(Ctx c, String trait, Object value, boolean increment, String step) {
    if (trait.equals(LIFECYCLE_STAGE) && indexOf(trait) < 0) {
      int to = value instanceof String v ? lifecycle.indexOf(v) : -1;
      if (to < 0) {
        return "set "
            + LIFECYCLE_STAGE
            + " failed: "
            + value
            + " is not a stage; the stages are "
            + String.join(", ", lifecycle.ids());
      }
      if (to != stage(c.state())) {
        moveStage(c, to, step, "step " + step + " set the stage");
      }
      return null;
    }
    if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      return "set " + trait + " failed: " + value + " is not a number";
    }
    int i = indexOf(trait);
    LeadState.Score s = leads(c.state()).score(i, scores.size());
    double before = valueAt(i, s, c.now());
    double points = increment ? n.doubleValue() : n.doubleValue() - before;
    if (!increment && scores.get(i).decay().kind() == Decay.Kind.EXPIRE) {
      s.awards = null; // a set value replaces the awards, and expires as one award
      add(c, i, s, 0, n.doubleValue(), step);
    } else {
      add(c, i, s, before, points, step);
    }
    changed(
        c,
        i,
        s,
        before,
        valueAt(i, s, c.now()),
        step,
        "update",
        points,
        "step " + step + (increment ? " incremented " : " set ") + trait);
    return null;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  private void moveStage(Ctx c, int to, String step, String why) {
    LeadState ls = leads(c.state());
    String from = lifecycle.stages().get(ls.stage).id();
    String target = lifecycle.stages().get(to).id();
    ls.stage = to;
    c.out()
        .emit(
            new Effect.StageChanged(
                "lifecycle", c.state().profile().id(), c.now(), step, from, target, why));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("from", from);
    p.put("to", target);
    c.derive().accept(STAGE_CHANGED, p);
    if (ls.owner != null) {
      Pool pool = assignments.pool(ls.pool);
      if (pool != null && pool.releaseAt().contains(target)) {
        release(c, "reached stage " + target + " (release_at of pool " + ls.pool + ")");
      }
    }
  }

  // ---- assignment ----------------------------------------------------------------------------

  /** Runs an {@code assign} step; returns the index of the step to go on with. */
  int assign(Ctx c, Instance in, Step.Assign a) {
    String profile = c.state().profile().id();
    String step = a.info().id();
    Pool pool = assignments.pool(a.pool());
    if (pool == null) {
      failed(c, in, a, "no pool '" + a.pool() + "' is defined");
      return a.onUnassigned();
    }
    LeadState ls = leads(c.state());
    String previous = null;
    if (ls.owner != null) {
      previous = ls.owner;
      release(c, "reassigned by step " + step + " of " + in.journey.id());
    }
    Assignments.Decision d = assignments.assign(pool.id(), c.now());
    if (d.rep() == null) {
      failed(c, in, a, d.reason());
      return a.onUnassigned();
    }
    ls.pool = pool.id();
    ls.owner = d.rep().id();
    c.state().profile().setTrait(OWNER, d.rep().id());
    c.out()
        .emit(
            new Effect.OwnerAssigned(
                in.journey.id(),
                profile,
                c.now(),
                step,
                in.seq,
                pool.id(),
                d.rep().id(),
                "step "
                    + step
                    + ": "
                    + d.reason()
                    + (previous == null ? "" : "; previously " + previous)));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("owner", d.rep().id());
    p.put("name", d.rep().name());
    p.put("pool", pool.id());
    p.put("available_at", Timestamps.format(d.availableAt()));
    c.derive().accept(OWNER_ASSIGNED, p);
    return a.next();
  }

  private void failed(Ctx c, Instance in, Step.Assign a, String why) {
    String step = a.info().id();
    c.out()
        .emit(
            new Effect.OwnerAssigned(
                in.journey.id(),
                c.state().profile().id(),
                c.now(),
                step,
                in.seq,
                a.pool(),
                null,
                "step " + step + ": " + why));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("pool", a.pool());
    p.put("reason", why);
    c.derive().accept(ASSIGNMENT_FAILED, p);
  }

  private void release(Ctx c, String why) {
    LeadState ls = c.state().leads;
    assignments.release(ls.pool, ls.owner);
    c.out()
        .emit(
            new Effect.OwnerReleased(
                "pool/" + ls.pool,
                c.state().profile().id(),
                c.now(),
                ls.pool,
                ls.owner,
                "lead closed: "
                    + why
                    + "; open leads of "
                    + ls.owner
                    + ": "
                    + assignments.open(ls.pool, ls.owner)));
    ls.pool = null;
    ls.owner = null;
  }

  // ---- merge ---------------------------------------------------------------------------------

  /**
   * Carries an anonymous profile's lead state into the identified one: scores add up (decayed to
   * {@code now}; expiring awards keep their own expiry), the later lifecycle stage wins, and an
   * open lead moves over unless the target has its own, in which case it is released. Events this
   * would derive are derived at the start of the target's next input.
   */
  void merge(ProfileState target, ProfileState source, long now, ZoneId zone, Effects out) {
    LeadState src = source.leads;
    source.leads = null;
    if (src == null) {
      return;
    }
    LeadState dst = leads(target);
    Ctx c = new Ctx(target, now, zone, out, dst::later);
    if (src.scores != null) {
      for (int i = 0; i < scores.size(); i++) {
        LeadState.Score from = src.scores[i];
        if (from == null) {
          continue;
        }
        LeadState.Score s = dst.score(i, scores.size());
        double before = valueAt(i, s, now);
        double extra = valueAt(i, from, now);
        if (scores.get(i).decay().kind() == Decay.Kind.EXPIRE) {
          dropExpired(s, now);
          dropExpired(from, now);
          if (from.awards != null && !from.awards.isEmpty()) {
            if (s.awards == null) {
              s.awards = new ArrayList<>();
            }
            s.awards.addAll(from.awards);
            s.awards.sort((x, y) -> Long.compare(x.at(), y.at()));
          }
        } else {
          s.value = before + extra;
          s.asOf = now;
        }
        if (from.capDay != null) {
          if (s.capDay == null) {
            s.capDay = from.capDay.clone();
            s.capPoints = from.capPoints.clone();
          } else {
            for (int r = 0; r < s.capDay.length; r++) {
              if (from.capDay[r] == s.capDay[r]) {
                s.capPoints[r] += from.capPoints[r];
              } else if (from.capDay[r] > s.capDay[r]) {
                s.capDay[r] = from.capDay[r];
                s.capPoints[r] = from.capPoints[r];
              }
            }
          }
        }
        if (extra != 0) {
          changed(
              c,
              i,
              s,
              before,
              valueAt(i, s, now),
              "merge",
              "merged",
              extra,
              "merged the points of " + source.profile().id());
        }
      }
    }
    if (src.stage > dst.stage) {
      moveStage(
          c, src.stage, "merge", "merged with " + source.profile().id() + ", which was further");
    }
    if (src.owner != null) {
      if (dst.owner == null) {
        dst.pool = src.pool;
        dst.owner = src.owner;
      } else {
        Ctx s = new Ctx(source, now, zone, out, dst::later);
        source.leads = src;
        release(s, "merged into " + target.profile().id() + ", owned by " + dst.owner);
        source.leads = null;
      }
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static String fmt(double v) {
    return io.kairos.scoring.ScoringReader.fmt(v);
  }

  private static String signed(double v) {
    return (v >= 0 ? "+" : "") + fmt(v);
  }

  private static String iso(long t) {
    return Timestamps.formatSeconds(t);
  }
}
