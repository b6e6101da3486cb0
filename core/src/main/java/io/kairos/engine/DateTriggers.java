package io.kairos.engine;

import io.kairos.dates.DateValues;
import io.kairos.dates.Occurrence;
import io.kairos.journey.Trigger;
import io.kairos.profile.Profile;
import io.kairos.time.Timestamps;
import java.time.ZoneId;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Date and schedule triggers for one profile and one input: keeps one pending timer per profile and
 * journey, at the next occurrence in the profile's zone, and decides what a due one means.
 *
 * <p>Nothing here looks at other profiles: a profile's timers are (re)armed when its own data
 * changes (traits, time zone, a merge, an import), when the journeys changed since they were armed
 * (checked on the profile's next input), and after each occurrence fires. A timer is stale when its
 * due time is not the one kept in {@link ProfileState#dates}; when it is not stale, the occurrence
 * is computed again from the profile as it is now, so a change the engine did not see still cannot
 * make it fire at the wrong moment. The base date of the last occurrence that fired is kept, so an
 * occurrence fires once whatever moves it later (the same value set again, a new time zone, a
 * merge).
 */
final class DateTriggers {
  private final ProfileState state;
  private final Profile profile;
  private final JourneySet set;
  private final ZoneId fallback;
  private final long now;
  private final Effects out;

  DateTriggers(ProfileState state, JourneySet set, ZoneId fallback, long now, Effects out) {
    this.state = state;
    this.profile = state.profile();
    this.set = set;
    this.fallback = fallback;
    this.now = now;
    this.out = out;
  }

  /** A due occurrence: the journey to enter, with the trigger's event and its reason. */
  record Due(JourneySet.Route route, String event, Map<String, Object> properties, String why) {}

  /** Arms every date and schedule journey when they changed since the profile's last arming. */
  void armIfStale() {
    int signature = set.datesSignature();
    if (state.datesArmedFor != signature && state.datesArmedFor != ProfileState.MERGED) {
      armAll(true);
    }
  }

  /**
   * Arms every date and schedule journey.
   *
   * @param report whether to say so in the trace when an attribute is not a date
   */
  void armAll(boolean report) {
    if (state.datesArmedFor == ProfileState.MERGED) {
      return;
    }
    state.datesArmedFor = set.datesSignature();
    for (JourneySet.Route r : set.datedJourneys()) {
      arm(r, report);
    }
  }

  /** After an event: re-arms all on a new zone, else the date journeys whose attribute it set. */
  void afterEvent(ZoneId zoneBefore, Collection<String> traitKeys) {
    if (state.datesArmedFor != set.datesSignature() || profile.zone() != zoneBefore) {
      if (state.datesArmedFor != ProfileState.MERGED) {
        armAll(state.datesArmedFor != set.datesSignature());
      }
      return;
    }
    traitsChanged(traitKeys);
  }

  /** Re-arms the date journeys whose attribute is under one of these trait keys. */
  void traitsChanged(Collection<String> traitKeys) {
    if (traitKeys.isEmpty() || state.datesArmedFor == ProfileState.MERGED) {
      return;
    }
    for (JourneySet.Route r : set.datedJourneys()) {
      if (r.journey().trigger() instanceof Trigger.OnDate d
          && traitKeys.contains(d.path().get(0))) {
        arm(r, true);
      }
    }
  }

  /** Sets the journey's timer to its next occurrence, if that moved. */
  void arm(JourneySet.Route r, boolean report) {
    int slot = r.slot();
    long old = state.dateDue(slot);
    long fired = state.dateFired(slot);
    ZoneId zone = zone();
    String id = r.journey().id();
    if (r.journey().trigger() instanceof Trigger.Schedule s) {
      Occurrence o = s.occasions().next(zone, now, fired);
      long due = o == null ? 0 : o.instant();
      if (due != old) {
        state.setDateDue(slot, due);
        if (due != 0) {
          out.schedule(Timer.occasion(profile.id(), due, id));
        }
      }
      return;
    }
    Trigger.OnDate d = (Trigger.OnDate) r.journey().trigger();
    Object value = DateValues.at(profile.traits(), d.path());
    if (value == null) {
      if (old != 0) {
        state.setDateDue(slot, 0);
        scheduled(id, 0, d.attribute() + " was removed; the schedule is cancelled");
      }
      return;
    }
    DateValues.Read read = DateValues.read(value, zone);
    if (read.problem() != null) {
      if (old != 0 || report) {
        state.setDateDue(slot, 0);
        scheduled(
            id,
            0,
            d.attribute()
                + " "
                + read.problem()
                + "; ignored"
                + (old != 0 ? ", schedule cancelled" : ""));
      }
      return;
    }
    Occurrence o = d.rule().next(read.date(), zone, now, fired);
    long due = o == null ? 0 : o.instant();
    if (due == old && (due != 0 || !report)) {
      return; // nothing moved; a date with no occurrence left is said so when it is set
    }
    state.setDateDue(slot, due);
    String what = d.attribute() + " " + read.date() + ": " + rule(d);
    if (due == 0) {
      scheduled(
          id,
          0,
          what
              + ": "
              + (d.rule().recurring() == io.kairos.dates.Recurrence.NONE
                  ? "its moment "
                      + d.rule().at(read.date(), zone).local()
                      + " "
                      + zoneName()
                      + " has passed"
                  : "no occurrence left")
              + (old != 0 ? "; the schedule is cancelled" : "; nothing to schedule"));
      return;
    }
    out.schedule(Timer.date(profile.id(), due, id));
    scheduled(
        id,
        due,
        what
            + " → "
            + o.local()
            + " "
            + zoneName()
            + (old != 0 ? " (moved from " + Timestamps.formatSeconds(old) + ")" : ""));
  }

  /**
   * What a due timer means: null when it is stale (re-armed since) or its occurrence moved (then it
   * is re-armed); else the occurrence, now counted as fired. The caller checks {@code where} and
   * the audience, enters, then re-arms with {@link #arm}.
   */
  Due due(Timer t) {
    JourneySet.Route r = set.datedRoute(t.journey());
    if (r == null) {
      return null; // the journey was removed or no longer has a date or schedule trigger
    }
    int slot = r.slot();
    if (state.dateDue(slot) != t.due() || state.datesArmedFor == ProfileState.MERGED) {
      return null;
    }
    state.setDateDue(slot, 0);
    long fired = state.dateFired(slot);
    ZoneId zone = zone();
    Occurrence o;
    Map<String, Object> props = new LinkedHashMap<>();
    String why;
    String event;
    if (r.journey().trigger() instanceof Trigger.Schedule s) {
      o = s.occasions().next(zone, t.due(), fired);
      event = "Scheduled Occasion";
      why =
          "occasion "
              + (o == null ? "" : o.base())
              + " at "
              + s.occasions().at()
              + " "
              + zoneName();
      if (o != null) {
        props.put("date", o.base().toString());
      }
      if (s.audience() != null) {
        props.put("audience", s.audience());
      }
    } else {
      Trigger.OnDate d = (Trigger.OnDate) r.journey().trigger();
      Object value = DateValues.at(profile.traits(), d.path());
      DateValues.Read read = value == null ? null : DateValues.read(value, zone);
      if (read == null || read.problem() != null) {
        return null; // removed or made invalid without the engine seeing it
      }
      o = d.rule().next(read.date(), zone, t.due(), fired);
      event = "Date Reached";
      why =
          d.attribute()
              + " "
              + read.date()
              + ": "
              + rule(d)
              + (o == null ? "" : " → " + o.local() + " " + zoneName());
      props.put("attribute", d.attribute());
      props.put("value", value instanceof String ? value : read.date().toString());
      if (o != null) {
        props.put("date", o.base().toString());
      }
    }
    if (o == null) {
      return null;
    }
    if (o.instant() != t.due()) {
      // Moved by a change made behind the engine's back: wake up at the right moment instead.
      arm(r, false);
      return null;
    }
    state.setDateFired(slot, o.base().toEpochDay());
    return new Due(r, event, props, why);
  }

  /** Takes the fired occurrences of {@code source} into {@code target}, so none fires twice. */
  static void carry(ProfileState target, ProfileState source) {
    if (source.dates != null) {
      for (int slot = 0; 2 * slot < source.dates.length; slot++) {
        long f = source.dateFired(slot);
        if (f != Long.MIN_VALUE && f > target.dateFired(slot)) {
          target.setDateFired(slot, f);
        }
      }
    }
    source.dates = null;
    source.datesArmedFor = ProfileState.MERGED;
  }

  /** A stable description of a date or schedule trigger, for {@link JourneySet#datesSignature}. */
  static String describe(Trigger t) {
    if (t instanceof Trigger.OnDate d) {
      return d.attribute() + " " + d.rule() + (d.where() == null ? "" : " " + d.where().source());
    }
    Trigger.Schedule s = (Trigger.Schedule) t;
    return s.occasions() + " " + s.audience() + (s.where() == null ? "" : " " + s.where().source());
  }

  private static String rule(Trigger.OnDate d) {
    String r =
        switch (d.rule().recurring()) {
          case NONE -> "on the date";
          case YEARLY -> "yearly";
          case MONTHLY -> "monthly";
        };
    String offset = d.rule().offset().isZero() ? "" : " " + d.rule().offset();
    return r + offset + " at " + d.rule().at();
  }

  private void scheduled(String journey, long due, String why) {
    out.emit(new Effect.Scheduled(journey, profile.id(), now, due, why));
  }

  private ZoneId zone() {
    ZoneId z = profile.zone();
    return z != null ? z : fallback;
  }

  private String zoneName() {
    return profile.zone() != null ? profile.zone().getId() : fallback.getId() + " (fallback zone)";
  }
}
