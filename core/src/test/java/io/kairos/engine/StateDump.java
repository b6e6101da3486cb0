package io.kairos.engine;

import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.JsonObject;
import io.kairos.policy.Consent;
import io.kairos.profile.Profile;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Every field of a profile state as text, with the Java type of every value, written apart from
 * {@link StateCodec} so that a round trip is checked against what the state holds, not against what
 * the codec chose to write. Slot-indexed arrays are listed by journey id (slots differ between
 * journey sets); collection classes are not compared, their order and contents are.
 */
final class StateDump {
  private final StringBuilder b = new StringBuilder();
  private final JourneySet set;

  private StateDump(JourneySet set) {
    this.set = set;
  }

  static String of(ProfileState s, Engine engine) {
    return new StateDump(engine.journeys()).state(s).b.toString();
  }

  private StateDump line(String key, Object value) {
    b.append(key).append(" = ").append(value).append('\n');
    return this;
  }

  private StateDump state(ProfileState s) {
    profile(s.profile());
    line("nextSeq", s.nextSeq);
    line("instanceCount", s.instanceCount);
    for (int i = 0; i < s.instanceCount; i++) {
      instance("instance[" + i + "]", s.instances[i]);
    }
    if (s.watching == null) {
      line("watching", null);
    } else {
      line("watching.size", s.watching.size());
      for (int i = 0; i < s.watching.size(); i++) {
        instance("watching[" + i + "]", s.watching.get(i));
      }
    }
    java.util.TreeMap<String, Integer> slots = new java.util.TreeMap<>();
    for (int slot = 0; slot < set.slotCount(); slot++) {
      slots.put(set.journeyAt(slot), slot);
    }
    for (Map.Entry<String, Integer> e : slots.entrySet()) {
      String id = e.getKey();
      int slot = e.getValue();
      line(
          "slot " + id,
          s.lastEntry(slot)
              + " "
              + s.inactivityDue(slot)
              + " "
              + s.dateDue(slot)
              + " "
              + s.dateFired(slot));
    }
    line("datesArmedFor", s.datesArmedFor);
    leads(s.leads);
    line(
        "presence", s.presence == null ? null : s.presence.ids() + " at " + s.presence.locatedAt());
    line(
        "shopper",
        s.shopper == null
            ? null
            : s.shopper.viewed()
                + " "
                + Arrays.toString(s.shopper.viewTimes())
                + " "
                + s.shopper.cartInOrder()
                + " "
                + s.shopper.purchased());
    consent(s.consent);
    if (s.sendLog == null) {
      line("sendLog", null);
    } else {
      StringBuilder log = new StringBuilder();
      for (int i = 0; i < s.sendLog.size(); i++) {
        log.append(s.sendLog.time(i)).append('/').append(s.sendLog.channel(i)).append(' ');
      }
      line("sendLog", log);
    }
    if (s.deferred() == null) {
      line("deferred", null);
    } else {
      line("deferred.size", s.deferred().size());
      for (PendingMessage p : s.deferred()) {
        line(
            "deferred",
            p.journey
                + " "
                + p.version
                + " "
                + p.step
                + " "
                + p.instance
                + " "
                + p.template
                + " "
                + value(p.data)
                + " "
                + p.message
                + " "
                + p.firstDeferredAt
                + " "
                + p.due
                + " "
                + (p.event == null ? "no-event" : value(p.event)));
      }
    }
    line(
        "segments",
        s.segments == null
            ? null
            : (s.segments == Membership.NOT_IN_ANY ? "NOT_IN_ANY " : "") + s.segments);
    line("segmentsDue", s.segmentsDue);
    line("segmentNext", s.segmentNext == null ? null : Arrays.toString(s.segmentNext));
    return this;
  }

  private void profile(Profile p) {
    line("id", p.id());
    line("userId", p.userId());
    line("anonymousIds", p.anonymousIds());
    line("traits", value(p.traits()));
    line("tags", p.tags());
    line("timezone", p.timezone() + " " + p.zone());
    line("locale", p.locale());
    line("seen", p.firstSeen() + " " + p.lastSeen());
    for (int i = 0; i < p.countedNames(); i++) {
      line("count " + p.countedName(i), p.countAt(i) + " " + p.lastAt(i));
    }
    for (int i = 0; i < p.timedNames(); i++) {
      line("times " + p.timedName(i), Arrays.toString(p.timesAt(i)));
    }
  }

  private void instance(String key, Instance in) {
    line(
        key,
        in.journey.id()
            + "@"
            + in.journey.version()
            + " slot of "
            + (in.slot < 0 ? "none" : set.journeyAt(in.slot))
            + " seq "
            + in.seq
            + " entered "
            + in.enteredAt
            + " "
            + in.state()
            + " step "
            + in.step
            + " due "
            + in.timerDue
            + " token "
            + in.timerToken
            + " converted "
            + in.converted
            + " holdout "
            + in.holdout
            + " arm "
            + in.arm);
    line(key + ".trigger", in.trigger == null ? null : event(in.trigger));
  }

  private static String event(Event e) {
    EventContext c = e.context();
    return e.type()
        + " "
        + e.messageId()
        + " "
        + e.userId()
        + " "
        + e.anonymousId()
        + " "
        + e.timestamp()
        + " "
        + e.name()
        + " props "
        + json(e.properties())
        + " traits "
        + json(e.traits())
        + " context "
        + (c == EventContext.EMPTY
            ? "EMPTY"
            : c.timezone()
                + " "
                + c.locale()
                + " "
                + c.location()
                + " "
                + c.ip()
                + " "
                + json(c.raw()))
        + " "
        + e.previousId()
        + " "
        + e.groupId();
  }

  /** Raw text as raw text (without parsing it), parsed objects as typed values. */
  static String json(JsonObject o) {
    if (o == JsonObject.EMPTY) {
      return "EMPTY";
    }
    byte[] raw = o.unparsedBytes();
    return raw != null
        ? "text " + new String(raw, StandardCharsets.UTF_8)
        : "map " + value(o.asMap());
  }

  private void leads(LeadState ls) {
    if (ls == null) {
      line("leads", null);
      return;
    }
    if (ls.scores == null) {
      line("scores", null);
    } else {
      line("scores.length", ls.scores.length);
      for (int i = 0; i < ls.scores.length; i++) {
        LeadState.Score s = ls.scores[i];
        line(
            "score[" + i + "]",
            s == null
                ? null
                : Double.doubleToRawLongBits(s.value)
                    + " "
                    + s.asOf
                    + " band "
                    + s.band
                    + " awards "
                    + s.awards
                    + " due "
                    + s.timerDue
                    + " token "
                    + s.token
                    + " caps "
                    + (s.capDay == null
                        ? null
                        : Arrays.toString(s.capDay) + Arrays.toString(s.capPoints)));
      }
    }
    line("stage", ls.stage);
    line("pool", ls.pool + " " + ls.owner);
    if (ls.pending == null) {
      line("pending", null);
    } else {
      for (LeadState.Pending p : ls.pending) {
        line("pending", p.name() + " " + value(p.properties()));
      }
    }
  }

  private void consent(Consent c) {
    if (c == null) {
      line("consent", null);
      return;
    }
    line("consent.scopes", c.scopes());
    line("consent.bounces", c.bounces());
  }

  /** A value with the class of every scalar in it. */
  static String value(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder s = new StringBuilder("{");
      m.forEach((k, x) -> s.append(value(k)).append('=').append(value(x)).append(", "));
      return s.append('}').toString();
    }
    if (v instanceof List<?> l) {
      StringBuilder s = new StringBuilder("[");
      l.forEach(x -> s.append(value(x)).append(", "));
      return s.append(']').toString();
    }
    if (v instanceof byte[] bytes) {
      return "byte[]" + Arrays.toString(bytes);
    }
    if (v instanceof Double d) {
      return "Double(" + Double.doubleToRawLongBits(d) + ")";
    }
    if (v instanceof Float f) {
      return "Float(" + Float.floatToRawIntBits(f) + ")";
    }
    if (v instanceof String s) {
      StringBuilder out = new StringBuilder("\"");
      s.chars().forEach(c -> out.append(c < 0x80 ? String.valueOf((char) c) : "\\u" + c));
      return out.append('"').toString();
    }
    return v.getClass().getSimpleName() + "(" + v + ")";
  }
}
