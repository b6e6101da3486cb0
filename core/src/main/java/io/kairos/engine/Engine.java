package io.kairos.engine;

import io.kairos.assign.Assignments;
import io.kairos.definition.Definitions;
import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.expr.Bindings;
import io.kairos.expr.EvaluationException;
import io.kairos.expr.Expression;
import io.kairos.geo.Presence;
import io.kairos.journey.Conversion;
import io.kairos.journey.EntryPolicy;
import io.kairos.journey.ExitRule;
import io.kairos.journey.Journey;
import io.kairos.journey.Step;
import io.kairos.journey.Trigger;
import io.kairos.policy.DeliveryEvents;
import io.kairos.profile.Profile;
import io.kairos.recommend.Recommender;
import io.kairos.recommend.Shopper;
import io.kairos.segment.SegmentSet;
import io.kairos.time.Span;
import io.kairos.time.Timestamps;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deterministic heart of Kairos: {@code (profile state, input, now) → (new state, effects)}.
 *
 * <p>Inputs are events ({@link #onEvent}), fired timers ({@link #onTimer}), explicit API triggers
 * ({@link #trigger}) and profile data changed outside events ({@link #onProfileChanged}). The
 * engine changes the {@link ProfileState} it is given and reports every decision to an {@link
 * Effects} sink, each with its reason. It reads no clock, draws no random number and does no I/O:
 * the same state, input and {@code now} always give the same new state and the same effects. One
 * engine serves many threads as long as each profile state is touched by one thread at a time.
 */
public final class Engine {
  /** Steps one input may run for one instance before the engine calls it a loop. */
  static final int MAX_STEPS_PER_INPUT = 1_000;

  /** Events emitted by journeys in answer to one input, before the engine calls it a loop. */
  static final int MAX_EMITTED_PER_INPUT = 100;

  private final Definitions definitions;
  private volatile JourneySet journeys;
  private final ZoneId fallbackZone;
  private final Recommender recommender;
  private final boolean learnsProducts;
  private final Leads leads;
  private final Messages messages;
  private volatile Membership membership;

  /** An engine whose calendar waits use UTC for profiles without a time zone. */
  public Engine(JourneySet journeys) {
    this(journeys, ZoneOffset.UTC);
  }

  public Engine(JourneySet journeys, ZoneId fallbackZone) {
    this(Definitions.of(journeys.journeys()), journeys, fallbackZone);
  }

  /**
   * An engine for a workspace's definitions.
   *
   * @param fallbackZone the zone for profiles whose own time zone is unknown
   */
  public Engine(Definitions definitions, ZoneId fallbackZone) {
    this(definitions, JourneySet.of(definitions.journeys()), fallbackZone);
  }

  private Engine(Definitions definitions, JourneySet journeys, ZoneId fallbackZone) {
    this.definitions = definitions;
    this.journeys = journeys;
    this.fallbackZone = fallbackZone;
    this.recommender = new Recommender(definitions.catalog());
    // Shopping history costs memory per customer; keep it only for a workspace that uses it.
    this.learnsProducts =
        !definitions.catalog().isEmpty() || Membership.usesProducts(journeys.journeys());
    this.leads = new Leads(definitions);
    this.messages = new Messages(definitions.policies());
    this.membership = new Membership(definitions.segments(), journeys.journeys(), fallbackZone);
  }

  /**
   * The workspace-wide ledger of lead assignment (rotation and open leads per rep). It is shared by
   * every profile, so assignments depend on the order profiles are processed in; see {@link
   * Assignments} for what a partitioned runtime must do.
   */
  public Assignments assignments() {
    return leads.assignments();
  }

  /**
   * The profile as expressions see it at {@code now}: {@link Profile#view()} plus every score
   * (decayed to {@code now}) and the lifecycle stage.
   */
  public Map<String, Object> view(ProfileState state, long now) {
    Map<String, Object> view = state.profile().view();
    leads.view(view, state, now);
    return view;
  }

  /** The definitions the engine was built with. */
  public Definitions definitions() {
    return definitions;
  }

  /** The workspace's product co-occurrence model, learnt from the events processed so far. */
  public Recommender recommender() {
    return recommender;
  }

  public JourneySet journeys() {
    return journeys;
  }

  /** The workspace's segments, in the order that indexes per-profile segment state. */
  SegmentSet segments() {
    return membership.segments();
  }

  /**
   * Publishes new journey versions. New entries use them; instances in flight finish on the version
   * they entered.
   */
  public void publish(List<Journey> next) {
    journeys = journeys.publish(next);
    membership = membership.republish(journeys.journeys());
  }

  /** Processes one event for the profile it belongs to, at {@code now}. */
  public void onEvent(ProfileState state, Event event, long now, Effects out) {
    Run run = new Run(state, now, out);
    run.event(event);
    run.drainEmitted();
  }

  /**
   * Takes in an event that arrived long after it happened (a runtime calls this for events older
   * than its past tolerance when they arrive, say a mobile app's backlog or an imported history):
   * the profile learns from it as from any event — traits, ids, time zone, locale, first and last
   * seen, per-name counts, consent — but nothing acts on it: no journey starts, no instance
   * converts, exits or resumes, no score, segment or geofence rule reacts, and no effect is
   * emitted. Acting today on what a customer did days ago (a welcome for a sign-up last week, a
   * cart reminder for a cart long bought) would be wrong.
   */
  public void onHistoricalEvent(ProfileState state, Event event, long now, Effects out) {
    new Run(state, now, out).absorb(event, true);
  }

  /** Processes a due timer. A stale timer (its wait is over, its instance gone) does nothing. */
  public void onTimer(ProfileState state, Timer timer, long now, Effects out) {
    Run run = new Run(state, now, out);
    run.timer(timer);
    run.drainEmitted();
  }

  /**
   * Takes in profile data changed outside events (an import, an edit through the API, a profile
   * loaded for a simulation): arms or moves the profile's date and schedule triggers.
   */
  public void onProfileChanged(ProfileState state, long now, Effects out) {
    Run run = new Run(state, now, out);
    if (run.set.datedJourneys().length > 0) {
      run.dates().armAll(true);
    }
    run.drainEmitted();
  }

  /**
   * Starts the journey {@code journeyId} for the profile, as an API call would. The entry policy
   * applies. {@code data} is visible to the journey as {@code event.properties}.
   *
   * @throws IllegalArgumentException when there is no such journey, or its trigger is not {@code
   *     api}
   */
  public void trigger(
      ProfileState state, String journeyId, Map<String, Object> data, long now, Effects out) {
    Journey j = journeys.get(journeyId);
    if (j == null) {
      throw new IllegalArgumentException("journey: no journey with id '" + journeyId + "'");
    }
    if (!(j.trigger() instanceof Trigger.Api)) {
      throw new IllegalArgumentException(
          "journey: '" + journeyId + "' is not triggered by the API (trigger: api)");
    }
    Run run = new Run(state, now, out);
    run.armDatesIfStale();
    Event e = run.syntheticEvent("Journey Triggered", data, journeyId, state.nextSeq);
    run.enter(j, journeys.slot(j.id()), e, "triggered through the API");
    run.drainEmitted();
  }

  /**
   * Merges {@code source} (say, an anonymous visitor's profile) into {@code target} (the identified
   * customer), so journeys see one customer from now on: profile data as {@link Profile#absorb},
   * the latest entry per journey (so {@code once} still holds), and every instance in flight, which
   * keeps its step and its pending wait under the target's id. The source is left empty; its
   * pending timers become stale and do nothing when they fire.
   */
  public void merge(ProfileState target, ProfileState source, long now, Effects out) {
    if (target == source) {
      return;
    }
    target.profile().absorb(source.profile());
    if (source.lastEntry != null) {
      for (int slot = 0; slot < source.lastEntry.length; slot++) {
        long t = source.lastEntry[slot];
        if (t != Long.MIN_VALUE && t > target.lastEntry(slot)) {
          target.setLastEntry(slot, t);
        }
      }
    }
    String targetId = target.profile().id();
    for (int i = 0; i < source.instanceCount; i++) {
      Instance in = source.instances[i];
      in.seq = target.nextSeq++;
      target.add(in);
      if (in.state() == InstanceState.WAITING || in.state() == InstanceState.WAITING_FOR_EVENT) {
        in.timerToken++;
        out.schedule(Timer.step(targetId, in.timerDue, in.journey.id(), in.seq, in.timerToken));
      }
    }
    if (source.watching != null) {
      for (Instance in : source.watching) {
        in.seq = target.nextSeq++;
        if (target.watching == null) {
          target.watching = new ArrayList<>(2);
        }
        target.watching.add(in);
      }
    }
    target.presence = Presence.latest(target.presence, source.presence);
    target.shopper = Shopper.merge(target.shopper, source.shopper);
    source.presence = null;
    source.shopper = null;
    Messages.merge(target, source, out);
    source.instances = new Instance[0];
    source.instanceCount = 0;
    source.watching = null;
    source.inactivityDue = null;
    source.lastEntry = null;
    DateTriggers.carry(target, source);
    if (journeys.datedJourneys().length > 0) {
      Run run = new Run(target, now, out);
      run.dates().armAll(true);
      run.drainEmitted();
    }
    ZoneId zone = target.profile().zone();
    leads.merge(target, source, now, zone != null ? zone : fallbackZone, out);
    Run run = new Run(target, now, out);
    run.membership.afterMerge(target, source, now, run);
    run.drainEmitted();
    // The target's inactivity timers already cover its activity; the widened last-seen is
    // picked up when they fire (they re-arm for the later end of the quiet period).
  }

  /** The work of one input: carries the state, the clock and the queue of emitted events. */
  private final class Run implements Membership.Out {
    private final ProfileState state;
    private final Profile profile;
    private final long now;
    private final Effects out;
    private final JourneySet set = journeys;
    private final Membership membership = Engine.this.membership;
    private int segmentTransitions;
    private ArrayDeque<Event> emitted;
    private ArrayDeque<Event> derived;
    private int emittedCount;
    private DateTriggers dates;
    private Leads.Ctx leadCtx;

    Run(ProfileState state, long now, Effects out) {
      this.state = state;
      this.profile = state.profile();
      this.now = now;
      this.out = out;
    }

    DateTriggers dates() {
      if (dates == null) {
        dates = new DateTriggers(state, set, fallbackZone, now, out);
      }
      return dates;
    }

    void armDatesIfStale() {
      if (set.datedJourneys().length > 0) {
        dates().armIfStale();
      }
    }

    void drainEmitted() {
      while (true) {
        if (derived != null && !derived.isEmpty()) {
          event(derived.poll(), false);
        } else if (emitted != null && !emitted.isEmpty()) {
          event(emitted.poll(), true);
        } else {
          return;
        }
      }
    }

    /**
     * Queues an event the engine itself observed about the profile (it entered a segment or a
     * geofence, its lifecycle stage changed), processed after the current input like an emitted
     * one, so journeys can trigger on it and wait for it. It is not customer activity: first and
     * last seen stay, and inactivity periods are not interrupted.
     */
    @Override
    public void derive(String name, Map<String, Object> properties) {
      if (derived == null) {
        derived = new ArrayDeque<>();
      }
      derived.add(syntheticEvent(name, properties, "system", state.nextSeq + derived.size()));
    }

    private Leads.Ctx leadCtx() {
      if (leadCtx == null) {
        leadCtx = new Leads.Ctx(state, now, zone(), out, this::derive);
      }
      return leadCtx;
    }

    // ---- events ------------------------------------------------------------------------------

    void event(Event e) {
      event(e, DeliveryEvents.isCustomerActivity(e));
    }

    /**
     * @param activity whether the event is something the customer did (or a journey emitted for
     *     them), as opposed to a {@linkplain #derive derived} observation
     */
    private void event(Event e, boolean activity) {
      ZoneId zoneBefore = profile.zone();
      absorb(e, activity);
      if (activity && set.datedJourneys().length > 0) {
        dates()
            .afterEvent(
                zoneBefore,
                e.type() == EventType.IDENTIFY ? e.traits().asMap().keySet() : List.of());
      }
      if (activity && leads.active() && e.type() == EventType.IDENTIFY) {
        // A CRM that syncs the stage or a score sets it as an update step would, through the same
        // rules, instead of a plain trait the lifecycle would hide.
        for (Map.Entry<String, Object> t : e.traits().asMap().entrySet()) {
          if (leads.owns(t.getKey())) {
            leads.update(leadCtx(), t.getKey(), t.getValue(), false, "identify");
          }
        }
      }
      // Scores and the stage are profile data that events other than identify change; an event
      // a rule watches but that changed neither (a false where, a spent daily cap) changes none.
      boolean scored =
          activity
              && leads.active()
              && leads.watches(state, e.name())
              && leads.onEvent(leadCtx(), e, bindings(e, null));
      membership.afterEvent(state, e, activity, now, this);
      if (scored) {
        membership.afterScoring(state, now, this, "after event '" + e.name() + "' was scored");
      }
      String name = e.name();
      if (activity && e.context().location() != null && !definitions.geofences().isEmpty()) {
        Places.observe(
            definitions.geofences(), state, e.context().location(), now, out, this::derive);
      }
      if (activity && learnsProducts && Recommender.observes(name)) {
        state.shopper = recommender.observe(state.shopper, name, e.properties().asMap(), now);
      }
      if (activity) {
        for (JourneySet.Route r : set.inactivityJourneys()) {
          armInactivity(r.journey(), r.slot());
        }
      }
      if ((state.instanceCount > 0 || state.watching != null) && set.concernsInstances(name)) {
        offerToInstances(e);
      }
      for (JourneySet.Route r : set.triggeredBy(name)) {
        Trigger.OnEvent on = (Trigger.OnEvent) r.journey().trigger();
        String why;
        if (on.where() != null) {
          Conditions.Outcome o = Conditions.test(on.where(), bindings(e, null));
          if (!o.value()) {
            continue;
          }
          why = "event '" + name + "' matched where " + o.explanation();
        } else {
          why = "event '" + name + "' matched the trigger";
        }
        enter(r.journey(), r.slot(), e, why);
      }
      String fence = activity ? null : Places.fenceOf(e);
      if (fence != null) {
        boolean entered = name.equals(Places.ENTERED);
        for (JourneySet.Route r : set.triggeredByLocation(entered, fence)) {
          enter(
              r.journey(),
              r.slot(),
              e,
              (entered ? "entered" : "left") + " geofence '" + fence + "'");
        }
      }
      if (!activity) {
        for (JourneySet.Route r : set.triggeredBySegment(name, e.properties().get("segment"))) {
          enter(r.journey(), r.slot(), e, Membership.why(r.journey().trigger()));
        }
      }
    }

    /** What an event changes on the profile itself, before journeys look at it. */
    private void absorb(Event e, boolean activity) {
      if (!activity) {
        profile.recordObservation(e.name(), e.timestamp());
        Messages.observe(state, e); // a bounce report suppresses the address
        messages.forgetDeadAddress(state, e); // a push address gone is removed
        return;
      }
      if (e.userId() != null && profile.userId() == null) {
        profile.setUserId(e.userId());
      }
      if (e.anonymousId() != null && !e.anonymousId().equals(profile.id())) {
        profile.addAnonymousId(e.anonymousId());
      }
      EventContext c = e.context();
      if (c.timezone() != null) {
        profile.setTimezone(c.timezone());
      }
      if (c.locale() != null) {
        profile.setLocale(c.locale());
      }
      if (e.type() == EventType.IDENTIFY && !e.traits().isEmpty()) {
        for (Map.Entry<String, Object> t : e.traits().asMap().entrySet()) {
          profile.setTrait(t.getKey(), t.getValue());
        }
      }
      profile.recordEvent(e.name(), e.timestamp());
      Messages.observe(state, e);
    }

    private void offerToInstances(Event e) {
      String name = e.name();
      if (state.watching != null) {
        watchConversions(e);
      }
      Instance[] snapshot = Arrays.copyOf(state.instances, state.instanceCount);
      for (Instance in : snapshot) {
        if (!in.isActive()) {
          continue; // ended by an earlier instance's emitted event
        }
        Journey j = in.journey;
        Conversion c = j.conversion();
        if (c != null && !in.converted && c.event().equals(name)) {
          if (convert(in, c, e) && c.exit()) {
            exit(in, "converted", "converted: the goal was reached");
            continue;
          }
        }
        ExitRule rule = matchingExit(j, e, in);
        if (rule != null) {
          exit(
              in,
              "exit_on",
              "event '"
                  + name
                  + "' matched exit_on"
                  + (rule.where() == null ? "" : " where " + rule.where().source()));
          continue;
        }
        if (in.state() == InstanceState.WAITING_FOR_EVENT
            && in.currentStep() instanceof Step.WaitFor w
            && w.event().equals(name)) {
          String why = "event '" + name + "' arrived";
          if (w.where() != null) {
            Conditions.Outcome o = Conditions.test(w.where(), bindings(e, in));
            if (!o.value()) {
              continue;
            }
            why += " and matched where " + o.explanation();
          }
          in.moveTo(InstanceState.RUNNING);
          out.emit(new Effect.Resumed(j.id(), profile.id(), now, in.stepId(), in.seq, false, why));
          in.step = w.onMatch();
          runSteps(in, e);
        }
      }
    }

    private ExitRule matchingExit(Journey j, Event e, Instance in) {
      for (ExitRule rule : j.exitOn()) {
        if (rule.event().equals(e.name())
            && (rule.where() == null || Conditions.test(rule.where(), bindings(e, in)).value())) {
          return rule;
        }
      }
      return null;
    }

    private void watchConversions(Event e) {
      var it = state.watching.iterator();
      while (it.hasNext()) {
        Instance in = it.next();
        Conversion c = in.journey.conversion();
        if (now > c.within().addTo(in.enteredAt, zone())) {
          it.remove();
        } else if (c.event().equals(e.name()) && convert(in, c, e)) {
          it.remove();
        }
      }
      if (state.watching.isEmpty()) {
        state.watching = null;
      }
    }

    /** Counts the conversion if it is inside the window and matches; true when it counted. */
    private boolean convert(Instance in, Conversion c, Event e) {
      long deadline = c.within().addTo(in.enteredAt, zone());
      if (now > deadline) {
        return false;
      }
      Bindings b = bindings(e, in);
      String why = "event '" + e.name() + "' within " + c.within() + " of entry";
      if (c.where() != null) {
        Conditions.Outcome o = Conditions.test(c.where(), b);
        if (!o.value()) {
          return false;
        }
        why += ", where " + o.explanation();
      }
      Double value = null;
      if (c.value() != null) {
        try {
          Object v = c.value().evaluate(b);
          if (v instanceof Number n) {
            value = n.doubleValue();
          } else {
            why += "; value " + c.value().source() + " is not a number: " + v;
          }
        } catch (EvaluationException ex) {
          why += "; value " + c.value().source() + " failed: " + ex.getMessage();
        }
      }
      in.converted = true;
      if (in.holdout) {
        why += " (holdout group)";
      }
      out.emit(
          new Effect.Converted(
              in.journey.id(),
              in.journey.version(),
              profile.id(),
              now,
              in.seq,
              value,
              in.holdout,
              why));
      return true;
    }

    // ---- timers ------------------------------------------------------------------------------

    void timer(Timer t) {
      armDatesIfStale();
      switch (t.kind()) {
        case STEP -> stepTimer(t);
        case INACTIVITY -> inactivityTimer(t);
        case DATE, OCCASION -> datedTimer(t);
        case SCORE -> {
          leads.onTimer(leadCtx(), t);
          membership.afterScoring(
              state, now, this, "after score '" + t.key() + "' changed with time");
        }
        case MESSAGE -> messages.due(state, t, now, zone(), out);
        case SEGMENT -> membership.onTimer(state, t, now, this);
      }
    }

    /** A date or schedule occurrence is due: enter when the audience and where agree. */
    private void datedTimer(Timer t) {
      DateTriggers.Due due = dates().due(t);
      if (due == null) {
        return;
      }
      Journey j = due.route().journey();
      Event e = syntheticEvent(due.event(), due.properties(), j.id(), state.nextSeq);
      String why = due.why();
      String audience =
          j.trigger() instanceof Trigger.Schedule s && s.audience() != null ? s.audience() : null;
      Expression where =
          j.trigger() instanceof Trigger.Schedule s
              ? s.where()
              : ((Trigger.OnDate) j.trigger()).where();
      boolean admitted = audience == null || state.inSegment(audience);
      if (admitted && audience != null) {
        why += ", in audience " + audience;
      }
      if (admitted && where != null) {
        Conditions.Outcome o = Conditions.test(where, bindings(e, null));
        admitted = o.value();
        why += ", where " + o.explanation();
      }
      if (admitted) {
        enter(j, due.route().slot(), e, why);
      }
      dates().arm(due.route(), false);
    }

    private void stepTimer(Timer t) {
      Instance in = state.find(t.instance());
      if (in == null || in.timerToken != t.token() || !in.journey.id().equals(t.journey())) {
        return; // stale: the instance moved on or ended since the timer was set
      }
      Step step = in.currentStep();
      if (in.state() == InstanceState.WAITING) {
        in.moveTo(InstanceState.RUNNING);
        in.step = step.next();
      } else if (in.state() == InstanceState.WAITING_FOR_EVENT && step instanceof Step.WaitFor w) {
        in.moveTo(InstanceState.RUNNING);
        out.emit(
            new Effect.Resumed(
                in.journey.id(),
                profile.id(),
                now,
                in.stepId(),
                in.seq,
                true,
                "no '" + w.event() + "' within " + w.within()));
        in.step = w.onTimeout();
      } else {
        throw new IllegalStateException("timer for instance " + in.seq + " in state " + in.state());
      }
      in.timerDue = 0;
      runSteps(in, in.trigger);
    }

    /**
     * Inactivity timers are lazy: activity does not touch them. When one fires, it checks the last
     * activity; if the profile was active in the meantime it re-arms for the new end of the quiet
     * period, otherwise the journey is triggered and the timer stays disarmed until the next event,
     * which makes it fire once per quiet period.
     */
    private void armInactivity(Journey j, int slot) {
      if (state.inactivityDue(slot) == 0) {
        Span period = ((Trigger.Inactivity) j.trigger()).period();
        long due = period.addTo(profile.lastSeen(), zone());
        state.setInactivityDue(slot, due);
        out.schedule(Timer.inactivity(profile.id(), due, j.id()));
      }
    }

    private void inactivityTimer(Timer t) {
      JourneySet.Route route = set.inactivityRoute(t.journey());
      if (route == null) {
        return; // the journey was removed or changed its trigger
      }
      Journey j = route.journey();
      Trigger.Inactivity inactive = (Trigger.Inactivity) j.trigger();
      int slot = route.slot();
      if (state.inactivityDue(slot) != t.due()) {
        return;
      }
      long quietUntil = inactive.period().addTo(profile.lastSeen(), zone());
      if (quietUntil > now) {
        state.setInactivityDue(slot, quietUntil);
        out.schedule(Timer.inactivity(profile.id(), quietUntil, j.id()));
        return;
      }
      state.setInactivityDue(slot, 0);
      Event e = syntheticEvent("Inactive", Map.of(), j.id(), state.nextSeq);
      enter(
          j,
          slot,
          e,
          "no event for "
              + inactive.period()
              + " (last at "
              + Timestamps.formatSeconds(profile.lastSeen())
              + ")");
    }

    // ---- entry -------------------------------------------------------------------------------

    void enter(Journey j, int slot, Event trigger, String why) {
      EntryPolicy policy = j.entry();
      long last = state.lastEntry(slot);
      switch (policy.kind()) {
        case ONCE -> {
          if (last != Long.MIN_VALUE) {
            refuse(j, why + "; refused by entry once: entered before at " + iso(last));
            return;
          }
        }
        case ONCE_PER -> {
          if (state.countActive(slot) > 0) {
            refuse(j, why + "; refused by entry once_per " + policy.period() + ": still inside");
            return;
          }
          if (last != Long.MIN_VALUE) {
            long eligible = policy.period().addTo(last, zone());
            if (now < eligible) {
              refuse(
                  j,
                  why
                      + "; refused by entry once_per "
                      + policy.period()
                      + ": last entry at "
                      + iso(last)
                      + ", eligible again at "
                      + iso(eligible));
              return;
            }
          }
        }
        case RESTART -> {
          for (int i = state.instanceCount - 1; i >= 0; i--) {
            Instance old = state.instances[i];
            if (old.slot == slot) {
              exit(old, "restarted", "a new trigger restarted the journey (entry restart)");
            }
          }
        }
        case PARALLEL -> {}
      }
      Instance in = new Instance(j, slot, state.nextSeq++, now, trigger);
      state.add(in);
      state.setLastEntry(slot, now);
      out.emit(new Effect.Entered(j.id(), j.version(), profile.id(), now, in.seq, why));
      runSteps(in, trigger);
    }

    private void refuse(Journey j, String why) {
      out.emit(new Effect.EntryRefused(j.id(), profile.id(), now, why));
    }

    // ---- steps -------------------------------------------------------------------------------

    /** Runs the instance's steps from its current one until it waits or ends. */
    private void runSteps(Instance in, Event context) {
      Journey j = in.journey;
      int end = j.endIndex();
      for (int guard = 0; ; guard++) {
        if (!in.isActive()) {
          return; // an emitted event processed in between cannot end it: emits are queued
        }
        if (in.step >= end) {
          complete(in);
          return;
        }
        if (guard >= MAX_STEPS_PER_INPUT) {
          exit(
              in,
              "loop",
              MAX_STEPS_PER_INPUT + " steps without a wait: the journey loops (check its gotos)");
          return;
        }
        Step step = in.currentStep();
        String id = step.info().id();
        if (step instanceof Step.Wait w) {
          long due = w.duration().addTo(now, zone());
          waitUntil(in, InstanceState.WAITING, due, "wait " + w.duration());
          return;
        } else if (step instanceof Step.WaitFor w) {
          long due = w.within().addTo(now, zone());
          waitUntil(
              in,
              InstanceState.WAITING_FOR_EVENT,
              due,
              "waiting for '" + w.event() + "' for up to " + w.within());
          return;
        } else if (step instanceof Step.Branch b) {
          in.step = branch(in, b, context);
        } else if (step instanceof Step.Split s) {
          int target = split(in, s);
          if (target < 0) {
            return;
          }
          in.step = target;
        } else if (step instanceof Step.Send s) {
          Map<String, Object> data =
              s.data().isEmpty() ? Map.of() : evaluateAll(s.data(), bindings(context, in));
          messages.send(state, in, s, data, context, now, zone(), out);
          in.step = step.next();
        } else if (step instanceof Step.Update u) {
          update(in, u, context);
          in.step = step.next();
        } else if (step instanceof Step.Emit em) {
          emit(in, em, context);
          in.step = step.next();
        } else if (step instanceof Step.Webhook w) {
          Bindings b = bindings(context, in);
          Map<String, Object> body = evaluateAll(w.body(), b);
          String callId = Ids.uuid(j.id(), j.version(), profile.id(), Integer.toString(in.seq), id);
          out.emit(
              new Effect.WebhookCall(
                  j.id(),
                  profile.id(),
                  now,
                  id,
                  in.seq,
                  callId,
                  w.url(),
                  w.method(),
                  body,
                  "step " + id + ": call " + w.url()));
          in.step = step.next();
        } else if (step instanceof Step.Exit) {
          exit(in, "exit_step", "reached exit step " + id);
          return;
        } else if (step instanceof Step.Goto g) {
          in.step = g.target();
        } else if (step instanceof Step.Assign a) {
          in.step = leads.assign(leadCtx(), in, a);
        } else {
          throw new IllegalStateException("unknown step type " + step);
        }
      }
    }

    private void waitUntil(Instance in, InstanceState waitState, long due, String why) {
      in.moveTo(waitState);
      in.timerDue = due;
      in.timerToken++;
      out.schedule(Timer.step(profile.id(), due, in.journey.id(), in.seq, in.timerToken));
      out.emit(
          new Effect.Waiting(in.journey.id(), profile.id(), now, in.stepId(), in.seq, due, why));
    }

    private int branch(Instance in, Step.Branch b, Event context) {
      Bindings bindings = bindings(context, in);
      StringBuilder skipped = new StringBuilder();
      int target = b.otherwise();
      String why = null;
      for (int i = 0; i < b.cases().size(); i++) {
        Step.Case c = b.cases().get(i);
        Conditions.Outcome o = Conditions.test(c.condition(), bindings);
        if (o.value()) {
          target = c.target();
          why =
              skipped
                  + (skipped.length() == 0 ? "" : "; ")
                  + "case "
                  + (i + 1)
                  + " held: "
                  + o.explanation();
          break;
        }
        skipped.append(skipped.length() == 0 ? "" : "; ").append(o.explanation());
      }
      if (why == null) {
        why = "no case held (" + skipped + "); took else";
      }
      out.emit(
          new Effect.BranchTaken(
              in.journey.id(),
              profile.id(),
              now,
              b.info().id(),
              in.seq,
              targetName(in.journey, target),
              why));
      return target;
    }

    /** The arm's target, or -1 when the profile was held out (and the instance has exited). */
    private int split(Instance in, Step.Split s) {
      Journey j = in.journey;
      String stepId = s.info().id();
      // Keyed by journey id, not version or entry: a profile stays in its arm on re-entry and
      // across new versions, so a test's groups never mix.
      double bucket = Ids.bucket(j.id(), profile.id(), stepId);
      double hold = s.holdoutPercent() / 100.0;
      String where = String.format(java.util.Locale.ROOT, "%.4f", bucket);
      if (bucket < hold) {
        in.holdout = true;
        out.emit(
            new Effect.SplitAssigned(
                j.id(),
                profile.id(),
                now,
                stepId,
                in.seq,
                null,
                true,
                "hash bucket " + where + " < holdout " + s.holdoutPercent() + "%"));
        exit(in, "holdout", "held out at " + stepId + " to measure lift");
        return -1;
      }
      double scaled = hold >= 1 ? 0 : (bucket - hold) / (1 - hold);
      int total = 0;
      for (Step.Arm a : s.arms()) {
        total += a.weight();
      }
      double point = scaled * total;
      int acc = 0;
      Step.Arm chosen = s.arms().get(s.arms().size() - 1);
      for (Step.Arm a : s.arms()) {
        acc += a.weight();
        if (point < acc) {
          chosen = a;
          break;
        }
      }
      in.arm = chosen.name();
      out.emit(
          new Effect.SplitAssigned(
              j.id(),
              profile.id(),
              now,
              stepId,
              in.seq,
              chosen.name(),
              false,
              "hash bucket "
                  + where
                  + " falls in arm "
                  + chosen.name()
                  + " (weight "
                  + chosen.weight()
                  + " of "
                  + total
                  + ")"));
      return chosen.target();
    }

    private void update(Instance in, Step.Update u, Event context) {
      updateTraits(in, u, context);
      if (set.datedJourneys().length > 0) {
        List<String> keys = new ArrayList<>(u.set().keySet());
        keys.addAll(u.unset());
        keys.addAll(u.increment().keySet());
        dates().traitsChanged(keys);
      }
    }

    private void updateTraits(Instance in, Step.Update u, Event context) {
      Bindings b = bindings(context, in);
      Map<String, Object> changes = new LinkedHashMap<>();
      StringBuilder problems = new StringBuilder();
      for (Map.Entry<String, Expression> s : u.set().entrySet()) {
        try {
          Object v = s.getValue().evaluate(b);
          if (leads.owns(s.getKey())) {
            // Scores and the stage are not plain traits: they decay, move and announce changes.
            String problem = leads.update(leadCtx(), s.getKey(), v, false, u.info().id());
            if (problem == null) {
              changes.put(s.getKey(), v);
            } else {
              problems.append("; ").append(problem);
            }
            continue;
          }
          profile.setTrait(s.getKey(), v);
          changes.put(s.getKey(), v);
        } catch (EvaluationException ex) {
          problems.append("; set ").append(s.getKey()).append(" failed: ").append(ex.getMessage());
        }
      }
      for (String key : u.unset()) {
        profile.setTrait(key, null);
        changes.put(key, null);
      }
      for (Map.Entry<String, Double> inc : u.increment().entrySet()) {
        if (leads.owns(inc.getKey())) {
          String problem =
              leads.update(leadCtx(), inc.getKey(), inc.getValue(), true, u.info().id());
          if (problem == null) {
            changes.put(inc.getKey(), inc.getValue());
          } else {
            problems.append("; ").append(problem);
          }
          continue;
        }
        Object old = profile.trait(inc.getKey());
        Object v = add(old instanceof Number n ? n : 0L, inc.getValue());
        profile.setTrait(inc.getKey(), v);
        changes.put(inc.getKey(), v);
      }
      for (String tag : u.addTags()) {
        if (profile.addTag(tag)) {
          changes.put("+tag " + tag, true);
        }
      }
      for (String tag : u.removeTags()) {
        if (profile.removeTag(tag)) {
          changes.put("-tag " + tag, false);
        }
      }
      out.emit(
          new Effect.ProfileUpdated(
              in.journey.id(),
              profile.id(),
              now,
              u.info().id(),
              in.seq,
              Collections.unmodifiableMap(changes),
              "step " + u.info().id() + " changed " + changes.keySet() + problems));
      membership.afterUpdate(state, in.journey.id(), u.info().id(), now, this);
    }

    private void emit(Instance in, Step.Emit em, Event context) {
      if (emittedCount >= MAX_EMITTED_PER_INPUT) {
        exit(
            in,
            "loop",
            MAX_EMITTED_PER_INPUT + " events emitted for one input: journeys trigger each other");
        return;
      }
      emittedCount++;
      Bindings b = bindings(context, in);
      Map<String, Object> props = evaluateAll(em.properties(), b);
      String id =
          Ids.uuid(
              in.journey.id(),
              in.journey.version(),
              profile.id(),
              Integer.toString(in.seq),
              em.info().id());
      Event e =
          new Event(
              EventType.TRACK,
              id,
              profile.userId() != null ? profile.userId() : null,
              profile.userId() != null ? null : profile.id(),
              now,
              em.event(),
              JsonObject.of(props),
              JsonObject.EMPTY,
              EventContext.EMPTY,
              null,
              null);
      if (emitted == null) {
        emitted = new ArrayDeque<>();
      }
      emitted.add(e);
      out.emit(
          new Effect.Emitted(
              in.journey.id(),
              profile.id(),
              now,
              em.info().id(),
              in.seq,
              e,
              "step " + em.info().id() + " emits '" + em.event() + "'"));
    }

    // ---- endings -----------------------------------------------------------------------------

    private void exit(Instance in, String cause, String why) {
      String step = in.stepId();
      in.moveTo(InstanceState.EXITED);
      state.remove(in);
      out.emit(
          new Effect.Exited(
              in.journey.id(), in.journey.version(), profile.id(), now, step, in.seq, cause, why));
      keepWatching(in);
    }

    private void complete(Instance in) {
      in.moveTo(InstanceState.COMPLETED);
      state.remove(in);
      out.emit(
          new Effect.Completed(
              in.journey.id(), in.journey.version(), profile.id(), now, "end", in.seq));
      keepWatching(in);
    }

    /** A finished instance still counts its conversion until the window closes. */
    private void keepWatching(Instance in) {
      Conversion c = in.journey.conversion();
      if (c != null && !in.converted && now <= c.within().addTo(in.enteredAt, zone())) {
        if (state.watching == null) {
          state.watching = new ArrayList<>(2);
        }
        state.watching.add(in);
      }
    }

    // ---- helpers -----------------------------------------------------------------------------

    @Override
    public void emit(Effect effect) {
      out.emit(effect);
    }

    @Override
    public void schedule(Timer timer) {
      out.schedule(timer);
    }

    @Override
    public boolean allowTransition() {
      return ++segmentTransitions <= Membership.MAX_TRANSITIONS_PER_INPUT;
    }

    /** What expressions see about the profile, {@code e} and {@code in}, at this input's clock. */
    @Override
    public EngineBindings bindings(Event e, Instance in) {
      return new EngineBindings(state, e, in, now, recommender, leads, fallbackZone);
    }

    private ZoneId zone() {
      ZoneId z = profile.zone();
      return z != null ? z : fallbackZone;
    }

    Event syntheticEvent(String name, Map<String, Object> data, String journeyId, int seq) {
      // Unique per profile, journey and moment; never an idempotency key, so no hashing needed.
      String id = name + "/" + journeyId + "/" + profile.id() + "/" + now + "/" + seq;
      return new Event(
          EventType.TRACK,
          id,
          profile.userId(),
          profile.userId() == null ? profile.id() : null,
          now,
          name,
          JsonObject.of(new LinkedHashMap<>(data)),
          JsonObject.EMPTY,
          EventContext.EMPTY,
          null,
          null);
    }

    private Map<String, Object> evaluateAll(Map<String, Expression> exprs, Bindings b) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<String, Expression> x : exprs.entrySet()) {
        try {
          values.put(x.getKey(), x.getValue().evaluate(b));
        } catch (EvaluationException ex) {
          values.put(x.getKey(), null);
        }
      }
      return values;
    }

    private String targetName(Journey j, int index) {
      return index >= j.endIndex() ? "end" : j.steps().get(index).info().id();
    }
  }

  private static Object add(Number a, double b) {
    if ((a instanceof Long || a instanceof Integer) && b == Math.rint(b)) {
      return a.longValue() + (long) b;
    }
    return a.doubleValue() + b;
  }

  private static String iso(long t) {
    return Timestamps.formatSeconds(t);
  }
}
