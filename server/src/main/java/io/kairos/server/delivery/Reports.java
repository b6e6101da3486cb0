package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.channel.Outcome;
import io.kairos.channel.sms.SmsOptOut;
import io.kairos.policy.DeliveryEvents;
import io.kairos.server.ingest.EventLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a dispatch's {@link Result} into the row's next state and the report event that goes into
 * the event log with it ({@code Message Sent}, {@code Message Deferred}, ...), so journeys react to
 * deliveries (S18) and the timeline shows each one. The event's id is derived from the message id,
 * the kind and the attempt.
 */
final class Reports {
  private static final String LIBRARY = "kairos-dispatcher";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DeliverySettings settings;
  private final Backoff backoff;

  Reports(DeliverySettings settings) {
    this.settings = settings;
    this.backoff = new Backoff(settings.retryBase(), settings.retryMax());
  }

  /** A settlement and, unless the profile is gone, its report. */
  record Recorded(Settlement settlement, List<EventLog.LogEntry> reports) {
    Recorded(Settlement settlement, EventLog.LogEntry report) {
      this(settlement, report == null ? List.of() : List.of(report));
    }

    /** With one more report, which also marks the message {@code mark}. */
    Recorded and(EventLog.LogEntry more, MessageMarks.Mark mark) {
      List<EventLog.LogEntry> all = new ArrayList<>(reports);
      all.add(more);
      Set<MessageMarks.Mark> marks = EnumSet.of(mark);
      marks.addAll(settlement.marks());
      Settlement s = settlement;
      return new Recorded(
          new Settlement(
              s.workspace(),
              s.messageId(),
              s.status(),
              s.due(),
              s.outcome(),
              s.providerId(),
              marks),
          all);
    }
  }

  Recorded of(OutboxMessage m, int attempt, Result result, long now) {
    if (result instanceof Result.Erased) {
      return new Recorded(
          settle(m, OutboxStore.SKIPPED, now, "the profile was erased", null, Set.of()), List.of());
    }
    if (result instanceof Result.Error e) {
      // Not an attempt's answer: the row goes back as it was, and the attempt is not reported.
      return new Recorded(
          retryOrGiveUp(m, attempt, now, null, e.reason(), null).settlement, List.of());
    }
    if (result instanceof Result.Skipped s) {
      return recorded(
          m,
          s.recipient(),
          OutboxStore.SKIPPED,
          now,
          "skipped: " + s.reason(),
          null,
          DeliveryEvents.SKIPPED,
          attempt,
          now,
          props -> {
            props.put("cause", s.cause());
            props.put("reason", s.reason());
          });
    }
    if (result instanceof Result.Deferred d) {
      return recorded(
          m,
          d.recipient(),
          OutboxStore.PENDING,
          d.until(),
          "deferred: " + d.reason(),
          null,
          DeliveryEvents.DEFERRED,
          attempt,
          now,
          props -> {
            props.put("until", Instant.ofEpochMilli(d.until()).toString());
            props.put("reason", d.reason());
          });
    }
    if (result instanceof Result.Broken b) {
      return recorded(
          m,
          b.recipient(),
          OutboxStore.FAILED,
          now,
          "failed: " + b.reason(),
          null,
          DeliveryEvents.FAILED,
          attempt,
          now,
          props -> {
            props.put("reason", b.reason());
            props.put("retryable", false);
          });
    }
    Result.Attempted a = (Result.Attempted) result;
    Outcome o = a.outcome();
    if (o instanceof Outcome.Sent sent) {
      return recorded(
          m,
          a.recipient(),
          OutboxStore.SENT,
          now,
          "sent: " + sent.detail(),
          sent.providerId(),
          DeliveryEvents.SENT,
          attempt,
          now,
          props -> {
            props.put("address", a.address());
            props.put("provider_id", sent.providerId());
          });
    }
    if (o instanceof Outcome.Retry retry) {
      return retryOrGiveUp(m, attempt, now, a, retry.detail(), retry.retryAfter());
    }
    if (o instanceof Outcome.Ambiguous amb) {
      return retryOrGiveUp(m, attempt, now, a, "ambiguous: " + amb.detail(), null);
    }
    if (o instanceof Outcome.Bounced bounced) {
      return recorded(
          m,
          a.recipient(),
          OutboxStore.FAILED,
          now,
          "bounced: " + bounced.detail(),
          null,
          DeliveryEvents.BOUNCED,
          attempt,
          now,
          props -> {
            props.put("address", a.address());
            props.put("type", "hard");
            props.put("reason", bounced.detail());
          });
    }
    if (o instanceof Outcome.Gone gone) {
      Recorded rec =
          recorded(
              m,
              a.recipient(),
              OutboxStore.FAILED,
              now,
              "address gone: " + gone.detail(),
              null,
              DeliveryEvents.FAILED,
              attempt,
              now,
              props -> {
                props.put("address", a.address());
                props.put("address_gone", true);
                props.put("retryable", false);
                props.put("reason", gone.detail());
              });
      if ("sms".equals(m.channel()) && SmsOptOut.is(o)) {
        // The recipient replied STOP to the provider: their consent says so from now on.
        rec =
            rec.and(
                optOut(m, a.recipient(), attempt, now, gone.detail()),
                MessageMarks.Mark.UNSUBSCRIBED);
      }
      return rec;
    }
    Outcome.Failed failed = (Outcome.Failed) o;
    return recorded(
        m,
        a.recipient(),
        OutboxStore.FAILED,
        now,
        "failed: " + failed.detail(),
        null,
        DeliveryEvents.FAILED,
        attempt,
        now,
        props -> {
          props.put("address", a.address());
          props.put("retryable", false);
          props.put("reason", failed.detail());
        });
  }

  private Recorded retryOrGiveUp(
      OutboxMessage m,
      int attempt,
      long now,
      Result.Attempted a,
      String detail,
      Duration retryAfter) {
    long next = now + backoff.delayMillis(m.messageId(), attempt, retryAfter);
    long giveUpAt = m.createdAt() + settings.maxAge().toMillis();
    if (m.expiresAt() != null) {
      giveUpAt = Math.min(giveUpAt, m.expiresAt());
    }
    Recipient r = a == null ? null : a.recipient();
    if (attempt >= settings.maxAttempts() || next > giveUpAt) {
      String why =
          attempt >= settings.maxAttempts()
              ? attempt + " attempts failed; the last: " + detail
              : "no attempt left before "
                  + Instant.ofEpochMilli(giveUpAt)
                  + "; the last: "
                  + detail;
      if (r == null) {
        // No report (not an attempt's answer), but the message failed for good all the same.
        return new Recorded(
            settle(
                m,
                OutboxStore.FAILED,
                now,
                "failed: " + why,
                null,
                Set.of(MessageMarks.Mark.FAILED)),
            List.of());
      }
      return recorded(
          m,
          r,
          OutboxStore.FAILED,
          now,
          "failed: " + why,
          null,
          DeliveryEvents.FAILED,
          attempt,
          now,
          props -> {
            props.put("address", a.address());
            props.put("retryable", true);
            props.put("reason", why);
          });
    }
    if (r == null) {
      return new Recorded(
          settle(m, OutboxStore.PENDING, next, "retry: " + detail, null, Set.of()), List.of());
    }
    return recorded(
        m,
        r,
        OutboxStore.PENDING,
        next,
        "retry: " + detail,
        null,
        DeliveryEvents.DEFERRED,
        attempt,
        now,
        props -> {
          props.put("address", a.address());
          props.put("until", Instant.ofEpochMilli(next).toString());
          props.put("reason", detail);
          props.put("retry", true);
          props.put("ambiguous", a.outcome() instanceof Outcome.Ambiguous);
        });
  }

  private static EventLog.LogEntry optOut(
      OutboxMessage m, Recipient r, int attempt, long now, String detail) {
    return MessageEvents.track(
        m.workspace(),
        r.profileId(),
        r.profile().userId(),
        "Unsubscribed",
        m.messageId() + "/unsubscribed/" + attempt,
        now,
        LIBRARY,
        p -> {
          p.put("channel", "sms");
          p.put("message_id", m.messageId());
          p.put("reason", detail);
        });
  }

  private interface Props {
    void fill(ObjectNode p);
  }

  private static Settlement settle(
      OutboxMessage m,
      String status,
      long due,
      String outcome,
      String providerId,
      Set<MessageMarks.Mark> marks) {
    return new Settlement(m.workspace(), m.messageId(), status, due, outcome, providerId, marks);
  }

  /** The stats mark of a report event: what the journey stats count it as. */
  private static Set<MessageMarks.Mark> marks(String event) {
    return switch (event) {
      case DeliveryEvents.SENT -> Set.of(MessageMarks.Mark.DELIVERED);
      case DeliveryEvents.BOUNCED -> Set.of(MessageMarks.Mark.BOUNCED);
      case DeliveryEvents.FAILED -> Set.of(MessageMarks.Mark.FAILED);
      default -> Set.of();
    };
  }

  private static Recorded recorded(
      OutboxMessage m,
      Recipient r,
      String status,
      long due,
      String outcome,
      String providerId,
      String event,
      int attempt,
      long now,
      Props extra) {
    Settlement s = settle(m, status, due, outcome, providerId, marks(event));
    String id =
        m.messageId()
            + "/"
            + event.substring("Message ".length()).toLowerCase(Locale.ROOT)
            + "/"
            + attempt;
    return new Recorded(
        s,
        MessageEvents.about(
            m,
            r,
            event,
            id,
            now,
            LIBRARY,
            p -> {
              p.put("attempt", attempt);
              extra.fill(p);
            }));
  }
}
