package io.kairos.server.runtime;

import io.kairos.engine.Effect;
import io.kairos.journey.Category;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the runtime stores for each engine {@link Effect}: a timeline row for every one (its kind,
 * journey, step, message id, revenue, and the rest with the reason as JSON detail), and an outbox
 * row for what must leave the building — a {@link Effect.Send} and a {@link Effect.WebhookCall}.
 */
final class EffectRows {
  /** Status of an outbox row no dispatcher has taken yet. */
  static final String PENDING = "pending";

  private EffectRows() {}

  /** The timeline row of an effect of {@code workspace}, caused by events row {@code inputSeq}. */
  static TimelineRow timeline(String workspace, Effect e, Long inputSeq) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("summary", e.summary());
    d.put("reason", e.reason());
    String kind;
    String version = null;
    String messageId = null;
    Double revenue = null;
    if (e instanceof Effect.Entered x) {
      kind = "entered";
      version = x.version();
      d.put("instance", x.instance());
    } else if (e instanceof Effect.EntryRefused) {
      kind = "entry_refused";
    } else if (e instanceof Effect.Waiting x) {
      kind = "waiting";
      d.put("instance", x.instance());
      d.put("until", x.until());
    } else if (e instanceof Effect.Resumed x) {
      kind = "resumed";
      d.put("instance", x.instance());
      d.put("timed_out", x.timedOut());
    } else if (e instanceof Effect.BranchTaken x) {
      kind = "branch";
      d.put("instance", x.instance());
      d.put("target", x.target());
    } else if (e instanceof Effect.SplitAssigned x) {
      kind = "split";
      d.put("instance", x.instance());
      d.put("arm", x.arm());
      d.put("holdout", x.holdout());
    } else if (e instanceof Effect.Send x) {
      kind = "send";
      version = x.version();
      messageId = x.messageId();
      d.put("instance", x.instance());
      message(d, x.channel(), x.template(), x.category(), x.topic());
      d.put("data", JsonValues.plain(x.data()));
    } else if (e instanceof Effect.ProfileUpdated x) {
      kind = "profile_updated";
      d.put("instance", x.instance());
      d.put("changes", JsonValues.plain(x.changes()));
    } else if (e instanceof Effect.Emitted x) {
      kind = "emitted";
      d.put("instance", x.instance());
      d.put("event", x.event().name());
      d.put("properties", JsonValues.plain(x.event().properties()));
    } else if (e instanceof Effect.WebhookCall x) {
      kind = "webhook";
      messageId = x.id();
      d.put("instance", x.instance());
      d.put("url", x.url());
      d.put("method", x.method());
      d.put("body", JsonValues.plain(x.body()));
    } else if (e instanceof Effect.Converted x) {
      kind = "converted";
      version = x.version();
      revenue = x.value();
      d.put("instance", x.instance());
      d.put("holdout", x.holdout());
    } else if (e instanceof Effect.Exited x) {
      kind = "exited";
      version = x.version();
      d.put("instance", x.instance());
      d.put("cause", x.cause());
    } else if (e instanceof Effect.Completed x) {
      kind = "completed";
      version = x.version();
      d.put("instance", x.instance());
    } else if (e instanceof Effect.LocationChanged x) {
      kind = "location";
      d.put("fence", x.fence());
      d.put("entered", x.entered());
      d.put("latitude", x.latitude());
      d.put("longitude", x.longitude());
    } else if (e instanceof Effect.Scheduled x) {
      kind = "scheduled";
      d.put("due", x.due());
    } else if (e instanceof Effect.ScoreChanged x) {
      kind = "score";
      d.put("score", x.score());
      d.put("change", x.change());
      d.put("points", JsonValues.plain(x.points()));
      d.put("value", JsonValues.plain(x.value()));
    } else if (e instanceof Effect.StageChanged x) {
      kind = "stage";
      d.put("from", x.from());
      d.put("to", x.to());
    } else if (e instanceof Effect.OwnerAssigned x) {
      kind = "owner_assigned";
      d.put("instance", x.instance());
      d.put("pool", x.pool());
      d.put("owner", x.owner());
    } else if (e instanceof Effect.OwnerReleased x) {
      kind = "owner_released";
      d.put("pool", x.pool());
      d.put("owner", x.owner());
    } else if (e instanceof Effect.Deferred x) {
      kind = "deferred";
      version = x.version();
      messageId = x.messageId();
      d.put("instance", x.instance());
      message(d, x.channel(), x.template(), x.category(), x.topic());
      d.put("until", x.until());
    } else if (e instanceof Effect.Skipped x) {
      kind = "skipped";
      version = x.version();
      messageId = x.messageId();
      d.put("instance", x.instance());
      message(d, x.channel(), x.template(), x.category(), x.topic());
      d.put("cause", x.cause());
    } else if (e instanceof Effect.SegmentEntered) {
      kind = "segment_entered";
    } else if (e instanceof Effect.SegmentExited) {
      kind = "segment_exited";
    } else {
      // A new effect type: stored generically rather than lost.
      kind = e.getClass().getSimpleName();
    }
    return new TimelineRow(
        workspace,
        e.profile(),
        e.time(),
        kind,
        e.journey(),
        version,
        e.step(),
        messageId,
        revenue,
        inputSeq,
        JsonValues.write(d));
  }

  /** The outbox row of an effect that sends something, or null. */
  static OutboxRow outbox(String workspace, Effect e) {
    if (e instanceof Effect.Send x) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("version", x.version());
      p.put("instance", x.instance());
      p.put("reason", x.reason());
      p.put("data", JsonValues.plain(x.data()));
      if (x.event() != null) {
        p.put("event", JsonValues.plain(x.event()));
      }
      return new OutboxRow(
          workspace,
          x.messageId(),
          x.profile(),
          x.journey(),
          x.step(),
          x.channel(),
          x.template(),
          x.category() == null ? null : x.category().word(),
          x.topic(),
          x.time(),
          x.time(),
          x.expiresAt() == Long.MAX_VALUE ? null : x.expiresAt(),
          JsonValues.write(p));
    }
    if (e instanceof Effect.WebhookCall x) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("url", x.url());
      p.put("method", x.method());
      p.put("body", JsonValues.plain(x.body()));
      p.put("instance", x.instance());
      p.put("reason", x.reason());
      return new OutboxRow(
          workspace,
          x.id(),
          x.profile(),
          x.journey(),
          x.step(),
          "webhook",
          null,
          null,
          null,
          x.time(),
          x.time(),
          null,
          JsonValues.write(p));
    }
    return null;
  }

  private static void message(
      Map<String, Object> d, String channel, String template, Category category, String topic) {
    d.put("channel", channel);
    d.put("template", template);
    d.put("category", category == null ? null : category.word());
    d.put("topic", topic);
  }

  /** A row the runtime itself writes (a merge, an old event, a failed input). */
  /** Kind of the row that records a log row applied to a profile (detail is empty). */
  static final String APPLIED = "event";

  /** The row that records that the log row {@code seq} was applied to {@code profile}. */
  static TimelineRow applied(String workspace, String profile, long at, long seq) {
    return new TimelineRow(
        workspace, profile, at, APPLIED, null, null, null, null, null, seq, "{}");
  }

  static TimelineRow note(
      String workspace, String profile, long at, String kind, Long inputSeq, Map<String, ?> d) {
    return new TimelineRow(
        workspace, profile, at, kind, null, null, null, null, null, inputSeq, JsonValues.write(d));
  }
}
