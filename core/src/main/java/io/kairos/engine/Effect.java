package io.kairos.engine;

import io.kairos.event.Event;
import io.kairos.journey.Category;
import io.kairos.time.Timestamps;
import java.util.Map;

/**
 * Something the engine decided, with the reason a marketer can read. Runtimes act on some of them
 * (a {@link Send} becomes an outbox row, an {@link Emitted} event is fed back in) and record all of
 * them in the decision trace.
 */
public sealed interface Effect {

  /** The journey id. */
  String journey();

  /** The profile id. */
  String profile();

  /** When, in epoch milliseconds on the engine's clock. */
  long time();

  /** The step id, or {@code trigger}, {@code exit_on}, {@code conversion}. */
  String step();

  /** What happened, in a few words: {@code enter}, {@code send email welcome}, {@code exit ...}. */
  String summary();

  /** Why, in a sentence. */
  String reason();

  /** A profile entered the journey. */
  record Entered(
      String journey, String version, String profile, long time, int instance, String reason)
      implements Effect {
    public String step() {
      return "trigger";
    }

    public String summary() {
      return "enter";
    }
  }

  /** A trigger matched but the entry policy said no. */
  record EntryRefused(String journey, String profile, long time, String reason) implements Effect {
    public String step() {
      return "trigger";
    }

    public String summary() {
      return "entry refused";
    }
  }

  /** An instance is paused until {@code until} (a wait, or the timeout of a wait_for). */
  record Waiting(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      long until,
      String reason)
      implements Effect {
    public String summary() {
      return "wait until " + Timestamps.formatSeconds(until);
    }
  }

  /** A wait_for ended: its event arrived, or its time ran out. */
  record Resumed(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      boolean timedOut,
      String reason)
      implements Effect {
    public String summary() {
      return timedOut ? "timed out" : "event arrived";
    }
  }

  /** A branch chose its path. */
  record BranchTaken(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      String target,
      String reason)
      implements Effect {
    public String summary() {
      return "branch to " + target;
    }
  }

  /** A split put the profile in an arm, or in the holdout group. */
  record SplitAssigned(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      String arm,
      boolean holdout,
      String reason)
      implements Effect {
    public String summary() {
      return holdout ? "split holdout" : "split arm " + arm;
    }
  }

  /**
   * A message to send.
   *
   * <p>Its {@link #messageId()} is deterministic: the same journey version, profile, instance and
   * step always give the same id, so a retry meets the same idempotency key. A message that was
   * deferred keeps the id it was deferred with, also when its profile was merged in between.
   *
   * <p>{@code event} is the event the step ran on ({@code name}, {@code properties}, {@code
   * timestamp}), for the template, or null; {@code expiresAt} is when the message stops being worth
   * sending (epoch ms; {@code Long.MAX_VALUE} for never): a dispatcher that cannot deliver it by
   * then gives up.
   */
  record Send(
      String journey,
      String version,
      String profile,
      long time,
      String step,
      int instance,
      String channel,
      String template,
      Category category,
      String topic,
      String reason,
      Map<String, Object> data,
      String messageId,
      Map<String, Object> event,
      long expiresAt)
      implements Effect {

    public Send {
      data = data == null ? Map.of() : data;
    }

    /** A message sent when its step ran, without data; its id is computed on demand. */
    public Send(
        String journey,
        String version,
        String profile,
        long time,
        String step,
        int instance,
        String channel,
        String template,
        Category category,
        String topic,
        String reason) {
      this(
          journey,
          version,
          profile,
          time,
          step,
          instance,
          channel,
          template,
          category,
          topic,
          reason,
          Map.of(),
          null,
          null,
          Long.MAX_VALUE);
    }

    public String summary() {
      return "send " + channel + " " + template;
    }

    /** A name-based UUID of (journey, version, profile, instance, step), unless given. */
    public String messageId() {
      return messageId != null
          ? messageId
          : Ids.uuid(journey, version, profile, Integer.toString(instance), step);
    }
  }

  /** Traits or tags changed. Values in {@code changes} are the new values (null = removed). */
  record ProfileUpdated(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      Map<String, Object> changes,
      String reason)
      implements Effect {
    public String summary() {
      return "update " + String.join(" ", changes.keySet());
    }
  }

  /** An event the journey emitted for the same profile; it is processed right after. */
  record Emitted(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      Event event,
      String reason)
      implements Effect {
    public String summary() {
      return "emit " + event.name();
    }
  }

  /** A webhook call to make; {@code id} is deterministic like a message id. */
  record WebhookCall(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      String id,
      String url,
      String method,
      Map<String, Object> body,
      String reason)
      implements Effect {
    public String summary() {
      return "webhook " + method + " " + url;
    }
  }

  /**
   * The journey's conversion event happened within its window.
   *
   * @param version the journey version the instance entered
   * @param value the revenue, or null
   * @param holdout whether the profile was in the holdout group (for lift)
   */
  record Converted(
      String journey,
      String version,
      String profile,
      long time,
      int instance,
      Double value,
      boolean holdout,
      String reason)
      implements Effect {
    public String step() {
      return "conversion";
    }

    public String summary() {
      return value == null ? "convert" : "convert " + value;
    }
  }

  /**
   * An instance ended before its last step. {@code cause} is one word: exit_on, restarted, ...; the
   * version is the one the instance entered.
   */
  record Exited(
      String journey,
      String version,
      String profile,
      long time,
      String step,
      int instance,
      String cause,
      String reason)
      implements Effect {
    public String summary() {
      return "exit " + cause;
    }
  }

  /** An instance (of the journey version it entered) ran past its last step. */
  record Completed(
      String journey, String version, String profile, long time, String step, int instance)
      implements Effect {
    public String summary() {
      return "complete";
    }

    public String reason() {
      return "reached the end of the journey";
    }
  }

  /**
   * A profile crossed the boundary of a geofence (entered or left it), seen from a located event.
   * It belongs to no journey: {@link #journey()} is {@code fence/<id>}.
   */
  record LocationChanged(
      String fence,
      String profile,
      long time,
      boolean entered,
      double latitude,
      double longitude,
      String reason)
      implements Effect {
    public String journey() {
      return "fence/" + fence;
    }

    public String step() {
      return "location";
    }

    public String summary() {
      return entered ? "location entered" : "location exited";
    }
  }

  /**
   * A date trigger's next occurrence for the profile was set or moved ({@code due} > 0), or there
   * is none any more ({@code due} = 0): the attribute was removed, is not a date, or its date
   * passed.
   */
  record Scheduled(String journey, String profile, long time, long due, String reason)
      implements Effect {
    public String step() {
      return "trigger";
    }

    public String summary() {
      return due == 0 ? "not scheduled" : "next at " + Timestamps.formatSeconds(due);
    }
  }

  /**
   * A score changed, or was held back.
   *
   * @param journey {@code scoring/<score>}
   * @param step the scoring rule's id, the journey step that set it, {@code decay}, {@code expiry}
   *     or {@code merge}
   * @param change {@code points} (a rule awarded them), {@code capped} (a rule's daily cap held
   *     them back), {@code update} (a journey step set or incremented the score), {@code expired}
   *     (points reached their expiry), {@code decayed} (half-life decay crossed a threshold) or
   *     {@code merged} (an anonymous profile's points were added)
   * @param points what this change added (negative: took away); 0 for {@code decayed}
   * @param value the score right after the change
   */
  record ScoreChanged(
      String journey,
      String profile,
      long time,
      String step,
      String score,
      String change,
      double points,
      double value,
      String reason)
      implements Effect {
    public String summary() {
      String v = io.kairos.scoring.ScoringReader.fmt(value);
      return switch (change) {
        case "decayed" -> score + " decayed to " + v;
        case "capped" -> score + " capped at " + v;
        default ->
            score
                + " "
                + (points >= 0 ? "+" : "")
                + io.kairos.scoring.ScoringReader.fmt(points)
                + " = "
                + v
                + (change.equals("points") ? "" : " (" + change + ")");
      };
    }
  }

  /**
   * The profile moved to another lifecycle stage.
   *
   * @param journey {@code lifecycle}
   * @param step {@code min_score}, the move's id ({@code move-N}), the journey step that set it, or
   *     {@code merge}
   */
  record StageChanged(
      String journey, String profile, long time, String step, String from, String to, String reason)
      implements Effect {
    public String summary() {
      return "stage " + from + " -> " + to;
    }
  }

  /**
   * An {@code assign} step gave the profile an owner from a pool, or found nobody.
   *
   * @param owner the rep's id; null when every rep was at capacity (or the pool is unknown)
   */
  record OwnerAssigned(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      String pool,
      String owner,
      String reason)
      implements Effect {
    public String summary() {
      return owner == null ? "unassigned (" + pool + ")" : "assign " + owner + " (" + pool + ")";
    }
  }

  /**
   * A lead no longer counts against its rep's capacity: it reached a release stage, an {@code Owner
   * Released} event came, it was reassigned, or merged into a profile with its own owner.
   *
   * @param journey {@code pool/<pool id>}
   */
  record OwnerReleased(
      String journey, String profile, long time, String pool, String owner, String reason)
      implements Effect {
    public String step() {
      return "release";
    }

    public String summary() {
      return "release " + owner;
    }
  }

  /**
   * A message the policies hold back until {@code until} (quiet hours, a frequency cap, a minimum
   * gap); it is decided again then, with the same {@link #messageId()}.
   *
   * @param first whether this is the first time the message is held back (a message deferred again
   *     when its time comes is the same message: counted once among the deferred messages)
   */
  record Deferred(
      String journey,
      String version,
      String profile,
      long time,
      String step,
      int instance,
      String messageId,
      String channel,
      String template,
      Category category,
      String topic,
      long until,
      String reason,
      boolean first)
      implements Effect {
    public String summary() {
      return "defer " + channel + " " + template + " until " + Timestamps.formatSeconds(until);
    }
  }

  /**
   * A message the policies will never send.
   *
   * @param cause one word: unsubscribed, not_opted_in, suppressed, no_address, expired
   */
  record Skipped(
      String journey,
      String version,
      String profile,
      long time,
      String step,
      int instance,
      String messageId,
      String channel,
      String template,
      Category category,
      String topic,
      String cause,
      String reason)
      implements Effect {
    public String summary() {
      return "skip " + channel + " " + template + " (" + cause + ")";
    }
  }

  /**
   * The profile entered a segment: its condition became true. {@code journey()} is {@code
   * segment/<id>}.
   */
  record SegmentEntered(String segment, String profile, long time, String reason)
      implements Effect {
    public String journey() {
      return "segment/" + segment;
    }

    public String step() {
      return "where";
    }

    public String summary() {
      return "enter segment";
    }
  }

  /** The profile left a segment: its condition became false. */
  record SegmentExited(String segment, String profile, long time, String reason) implements Effect {
    public String journey() {
      return "segment/" + segment;
    }

    public String step() {
      return "where";
    }

    public String summary() {
      return "exit segment";
    }
  }
}
