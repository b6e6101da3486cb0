package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.server.ingest.EventLog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The track events Kairos records about a message — the dispatcher's reports, provider callbacks,
 * replies: a Segment {@code track} call attributed to the customer (their userId when known), with
 * an id that makes a repeat recognisable, and the message's own description in its properties.
 */
final class MessageEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MessageEvents() {}

  /**
   * One event for profile {@code profileId} (user {@code userId}, or null).
   *
   * @param library who recorded it ({@code context.library.name})
   * @param properties fills the event's properties
   */
  static EventLog.LogEntry track(
      String workspace,
      String profileId,
      String userId,
      String event,
      String id,
      long now,
      String library,
      Consumer<ObjectNode> properties) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "track");
    body.put("event", event);
    if (userId != null) {
      body.put("userId", userId);
    } else {
      body.put("anonymousId", profileId);
    }
    body.put("messageId", id);
    body.put("timestamp", Instant.ofEpochMilli(now).toString());
    properties.accept(body.putObject("properties"));
    body.putObject("context").putObject("library").put("name", library);
    return new EventLog.LogEntry(
        workspace,
        profileId,
        "track",
        event,
        id,
        now,
        now,
        body.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** An event about message {@code m} for recipient {@code r}, described by {@link #describe}. */
  static EventLog.LogEntry about(
      OutboxMessage m,
      Recipient r,
      String event,
      String id,
      long now,
      String library,
      Consumer<ObjectNode> extra) {
    return track(
        m.workspace(),
        r.profileId(),
        r.profile().userId(),
        event,
        id,
        now,
        library,
        p -> {
          describe(p, m);
          extra.accept(p);
        });
  }

  /** What every event about a message says of it: its id, channel, template, journey, step, ... */
  static void describe(ObjectNode p, OutboxMessage m) {
    p.put("message_id", m.messageId());
    p.put("channel", m.channel());
    putIfSet(p, "template", m.template());
    putIfSet(p, "journey", m.journey());
    putIfSet(p, "step", m.step());
    putIfSet(p, "category", m.category());
    putIfSet(p, "topic", m.topic());
  }

  private static void putIfSet(ObjectNode p, String name, String value) {
    if (value != null) {
      p.put(name, value);
    }
  }
}
