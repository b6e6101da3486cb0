package io.kairos.engine;

import io.kairos.event.Event;
import io.kairos.journey.Journey;
import io.kairos.journey.Step;
import io.kairos.policy.Consent;
import io.kairos.policy.ConsentEvents;
import io.kairos.policy.DeadAddresses;
import io.kairos.policy.Decision;
import io.kairos.policy.Message;
import io.kairos.policy.MessagePolicy;
import io.kairos.policy.Policies;
import io.kairos.policy.SendLog;
import io.kairos.time.Timestamps;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the engine meets the message policies: a send step becomes a candidate, the policies decide
 * (send now, defer, skip), and deferred messages wait in the profile's state for a {@link
 * Timer.Kind#MESSAGE} timer. Also keeps consent and the send history current.
 */
final class Messages {

  /** Deferred messages due together: the most important first, then the oldest. */
  private static final Comparator<PendingMessage> ORDER =
      Comparator.<PendingMessage>comparingInt(p -> p.message.priority())
          .thenComparingLong(p -> p.message.createdAt())
          .thenComparing(p -> p.message.id());

  private final MessagePolicy policy;
  private final Policies policies;
  private final boolean keepHistory;

  Messages(Policies policies) {
    this.policies = policies;
    this.policy = new MessagePolicy(policies);
    this.keepHistory = policies.needsHistory();
  }

  /** Takes in what an event says about consent and suppressions. */
  static void observe(ProfileState state, Event e) {
    if (ConsentEvents.concerns(e)) {
      if (state.consent == null) {
        state.consent = new Consent();
      }
      ConsentEvents.apply(e, state.profile(), state.consent);
    }
  }

  /**
   * A push address the provider said is gone leaves the profile, when it still holds that address
   * (the workspace's push {@code address:} names the token trait).
   */
  void forgetDeadAddress(ProfileState state, Event e) {
    if (DeadAddresses.concerns(e)) {
      DeadAddresses.remove(e, state.profile(), policies.channel("push").address());
    }
  }

  /**
   * A send step ran for {@code in} at {@code now}; {@code data} is its {@code data:} evaluated now,
   * which a deferred message keeps.
   */
  void send(
      ProfileState state,
      Instance in,
      Step.Send s,
      Map<String, Object> data,
      Event context,
      long now,
      ZoneId zone,
      Effects out) {
    Journey j = in.journey;
    Map<String, Object> event = snapshot(context);
    String stepId = s.info().id();
    String profile = state.profile().id();
    long expires = s.expireAfter() == null ? Long.MAX_VALUE : s.expireAfter().addTo(now, zone);
    // The id is a hash: computed only when a message is held or dropped, not on the hot path.
    Message candidate =
        new Message(
            null,
            s.channel(),
            s.category(),
            s.topic(),
            now,
            expires,
            s.expireAfter() == null ? null : s.expireAfter().toString());
    Decision d = decide(state, candidate, now, zone);
    String what =
        "step "
            + stepId
            + ": "
            + s.category().word()
            + " "
            + s.channel()
            + " with template '"
            + s.template()
            + "'";
    if (d instanceof Decision.SendNow) {
      out.emit(
          new Effect.Send(
              j.id(),
              j.version(),
              profile,
              now,
              stepId,
              in.seq,
              s.channel(),
              s.template(),
              s.category(),
              s.topic(),
              what + DataText.of(data),
              data,
              null,
              event,
              expires));
      sent(state, candidate, now, zone);
      return;
    }
    String id = Ids.uuid(j.id(), j.version(), profile, Integer.toString(in.seq), stepId);
    Message m =
        new Message(
            id,
            candidate.channel(),
            candidate.category(),
            candidate.topic(),
            now,
            expires,
            candidate.expireAfter());
    PendingMessage p =
        new PendingMessage(
            j.id(), j.version(), stepId, in.seq, s.template(), data, m, now, 0, event);
    apply(state, p, d, now, out, what + ": ", true);
  }

  /** A {@link Timer.Kind#MESSAGE} timer fired: decides every deferred message due by now. */
  void due(ProfileState state, Timer t, long now, ZoneId zone, Effects out) {
    List<PendingMessage> deferred = state.deferred();
    if (deferred == null || !isCurrent(deferred, t)) {
      return; // stale: the message went, moved or was merged away since
    }
    List<PendingMessage> batch = new ArrayList<>();
    for (PendingMessage p : deferred) {
      if (p.due <= now) {
        batch.add(p);
      }
    }
    batch.sort(ORDER);
    deferred.removeAll(batch);
    if (deferred.isEmpty()) {
      state.deferred = null;
    }
    for (PendingMessage p : batch) {
      Decision d = decide(state, p.message, now, zone);
      String what =
          "step "
              + p.step
              + ": "
              + p.message.category().word()
              + " "
              + p.message.channel()
              + " with template '"
              + p.template
              + "', deferred at "
              + Timestamps.formatSeconds(p.firstDeferredAt);
      if (d instanceof Decision.SendNow) {
        out.emit(
            new Effect.Send(
                p.journey,
                p.version,
                state.profile().id(),
                now,
                p.step,
                p.instance,
                p.message.channel(),
                p.template,
                p.message.category(),
                p.message.topic(),
                what + "; now allowed" + DataText.of(p.data),
                p.data,
                p.message.id(),
                p.event,
                p.message.expiresAt()));
        sent(state, p.message, now, zone);
      } else {
        apply(state, p, d, now, out, what + "; ", false);
      }
    }
  }

  /** What a template may read of the event a send step ran on; null when there was none. */
  private static Map<String, Object> snapshot(Event e) {
    if (e == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>(4);
    m.put("name", e.name());
    m.put("properties", e.properties().asMap());
    m.put("timestamp", e.timestamp());
    return m;
  }

  private static boolean isCurrent(List<PendingMessage> deferred, Timer t) {
    for (PendingMessage p : deferred) {
      if (p.due == t.due() && p.message.id().equals(t.key())) {
        return true;
      }
    }
    return false;
  }

  private Decision decide(ProfileState state, Message m, long now, ZoneId zone) {
    if (keepHistory && state.sendLog != null) {
      state.sendLog.prune(now, policies.windows(), zone);
    }
    return policy.decide(
        m, new MessagePolicy.Recipient(state.profile(), state.consent, zone), state.sendLog, now);
  }

  private void sent(ProfileState state, Message m, long now, ZoneId zone) {
    if (keepHistory && m.category().isMarketing()) {
      if (state.sendLog == null) {
        state.sendLog = new SendLog();
      }
      state.sendLog.add(now, m.channel());
    }
  }

  /** Defers or skips {@code p} as {@code d} says; {@code first}: it was not deferred before. */
  private static void apply(
      ProfileState state,
      PendingMessage p,
      Decision d,
      long now,
      Effects out,
      String what,
      boolean first) {
    String profile = state.profile().id();
    Message m = p.message;
    if (d instanceof Decision.Defer defer) {
      p.due = defer.until();
      state.defer(p);
      out.schedule(Timer.message(profile, defer.until(), m.id()));
      out.emit(
          new Effect.Deferred(
              p.journey,
              p.version,
              profile,
              now,
              p.step,
              p.instance,
              m.id(),
              m.channel(),
              p.template,
              m.category(),
              m.topic(),
              defer.until(),
              what + "held by " + defer.reason(),
              first));
    } else {
      Decision.Skip skip = (Decision.Skip) d;
      out.emit(
          new Effect.Skipped(
              p.journey,
              p.version,
              profile,
              now,
              p.step,
              p.instance,
              m.id(),
              m.channel(),
              p.template,
              m.category(),
              m.topic(),
              skip.cause(),
              what + "not sent: " + skip.reason()));
    }
  }

  /**
   * Moves {@code source}'s consent, send history and deferred messages to {@code target} (a visitor
   * who identified). Deferred messages keep their ids and due times; their timers are set again
   * under the target's id.
   */
  static void merge(ProfileState target, ProfileState source, Effects out) {
    if (source.consent != null) {
      if (target.consent == null) {
        target.consent = new Consent();
      }
      target.consent.absorb(source.consent);
    }
    if (source.sendLog != null) {
      if (target.sendLog == null) {
        target.sendLog = new SendLog();
      }
      target.sendLog.absorb(source.sendLog);
    }
    List<PendingMessage> moving = source.deferred();
    if (moving != null) {
      for (PendingMessage p : moving) {
        target.defer(p);
        out.schedule(Timer.message(target.profile().id(), p.due, p.message.id()));
      }
    }
    source.consent = null;
    source.sendLog = null;
    source.deferred = null;
  }
}
