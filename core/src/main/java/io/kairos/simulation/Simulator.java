package io.kairos.simulation;

import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.ProfileState;
import io.kairos.engine.Timer;
import io.kairos.event.Event;
import io.kairos.event.EventType;
import io.kairos.profile.Profile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs events through the engine on a virtual clock, in memory. The rules, which every other
 * runtime is compared with:
 *
 * <ul>
 *   <li>the clock is the timestamp of the event being processed;
 *   <li>a timer due at T fires before any event stamped T; timers due at the same moment fire in
 *       the order they were set;
 *   <li>events are processed in the order given; an event stamped earlier than the clock (out of
 *       order) is processed at the clock's time, never turning it back, and counted as late;
 *   <li>{@link #finish(long)} fires the timers due up to the end of the run; later ones do not
 *       fire.
 * </ul>
 *
 * <p>Identity: a profile is keyed by userId, or by anonymousId until one is known. An event that
 * carries both links the anonymousId to the user's profile, as does an alias call, so later
 * anonymous events reach the same profile.
 */
public final class Simulator {
  private final Engine engine;
  private final Effects out;
  private final TimerQueue timers = new TimerQueue();
  private final ProfileIndex profiles = new ProfileIndex();
  private final Map<String, ProfileState> aliases = new HashMap<>();
  private final Sink sink = new Sink();
  private long clock = Long.MIN_VALUE;
  private List<ProfileState> pendingProfiles;
  private long events;
  private long late;
  private long timersFired;

  /**
   * @param out receives every effect; timers are kept by the simulator itself
   */
  public Simulator(Engine engine, Effects out) {
    this.engine = engine;
    this.out = out;
  }

  /** Adds or updates a profile before the run: traits, time zone and locale. */
  public ProfileState profile(String userId) {
    ProfileState state = profiles.get(userId);
    if (state == null) {
      state = newProfile(userId);
      profiles.add(state);
    }
    return state;
  }

  /**
   * Takes in profile data set outside events (say, loaded from a profiles file): arms the profile's
   * date and schedule triggers. Before the clock has started, this waits for the first input and
   * happens at its time (or at {@link #start}).
   */
  public void profileChanged(ProfileState state) {
    if (clock == Long.MIN_VALUE) {
      if (pendingProfiles == null) {
        pendingProfiles = new ArrayList<>();
      }
      pendingProfiles.add(state);
      return;
    }
    sink.owner = state;
    engine.onProfileChanged(state, clock, sink);
  }

  /** Starts the clock at {@code time}, taking in the profiles changed before, if not started. */
  public void start(long time) {
    if (clock == Long.MIN_VALUE) {
      clock = time;
      flushProfiles();
    }
  }

  private void flushProfiles() {
    if (pendingProfiles != null) {
      List<ProfileState> pending = pendingProfiles;
      pendingProfiles = null;
      for (ProfileState state : pending) {
        sink.owner = state;
        engine.onProfileChanged(state, clock, sink);
      }
    }
  }

  /** Processes one event, after firing every timer due at or before its timestamp. */
  public void accept(Event e) {
    start(e.timestamp());
    long now = e.timestamp();
    if (now < clock) {
      late++;
      now = clock;
    } else {
      fireUntil(now);
      clock = now;
    }
    events++;
    ProfileState state = resolve(e);
    sink.owner = state;
    engine.onEvent(state, e, now, sink);
  }

  /** Triggers a journey for a profile through the API, at {@code time}. */
  public void trigger(String userId, String journeyId, Map<String, Object> data, long time) {
    start(time);
    long now = Math.max(time, clock);
    fireUntil(now);
    clock = now;
    ProfileState state = profile(userId);
    sink.owner = state;
    engine.trigger(state, journeyId, data, now, sink);
  }

  /** Ends the run at {@code end}: fires every timer due up to it. */
  public void finish(long end) {
    start(end);
    fireUntil(end);
    if (end > clock) {
      clock = end;
    }
  }

  /** The virtual clock: epoch millis of the last event or timer processed. */
  public long clock() {
    return clock;
  }

  public long events() {
    return events;
  }

  /** Events stamped earlier than the clock when they arrived. */
  public long lateEvents() {
    return late;
  }

  public long timersFired() {
    return timersFired;
  }

  /** Timers still queued; some may be stale and would do nothing when fired. */
  public int pendingTimers() {
    return timers.size();
  }

  public int profileCount() {
    return profiles.size();
  }

  /** The profile state for an id, or null; for inspection. */
  public ProfileState find(String id) {
    ProfileState s = profiles.get(id);
    return s != null ? s : aliases.get(id);
  }

  private void fireUntil(long t) {
    while (!timers.isEmpty() && timers.peekDue() <= t) {
      Timer timer = timers.peekTimer();
      ProfileState owner = timers.peekOwner();
      timers.removeFirst();
      long due = timer.due();
      if (due > clock) {
        clock = due;
      }
      timersFired++;
      sink.owner = owner;
      engine.onTimer(owner, timer, clock, sink);
    }
  }

  private ProfileState resolve(Event e) {
    String userId = e.userId();
    String anon = e.anonymousId();
    ProfileState state;
    if (userId != null) {
      state = profile(userId);
      if (anon != null) {
        link(anon, state, e.timestamp());
      }
      if (e.type() == EventType.ALIAS && e.previousId() != null) {
        link(e.previousId(), state, e.timestamp());
      }
    } else {
      state = aliases.get(anon);
      if (state == null) {
        state = profile(anon);
      }
    }
    return state;
  }

  /**
   * Makes {@code otherId} lead to {@code state}. When {@code otherId} already has a profile of its
   * own that was never identified (an anonymous visitor's), it is merged in, so its history and
   * journeys continue as the identified customer's.
   */
  private void link(String otherId, ProfileState state, long time) {
    if (otherId.equals(state.profile().id())) {
      return;
    }
    ProfileState other = profiles.get(otherId);
    if (other != null && other != state && other.profile().userId() == null) {
      profiles.remove(otherId);
      sink.owner = state;
      engine.merge(state, other, Math.max(time, clock), sink);
    }
    if (other == null || other.profile().userId() == null) {
      aliases.put(otherId, state);
    }
  }

  private ProfileState newProfile(String id) {
    return new ProfileState(new Profile(id));
  }

  private final class Sink implements Effects {
    ProfileState owner;

    @Override
    public void emit(Effect effect) {
      out.emit(effect);
    }

    @Override
    public void schedule(Timer timer) {
      timers.add(timer, owner);
    }
  }
}
