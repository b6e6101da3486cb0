package io.kairos.server.runtime;

import java.util.Objects;

/**
 * One row to append to the {@code events} log (see V2): a Segment message as ingested, or one of
 * the runtime's own inputs ({@link #TRIGGER}, {@link #ERASE}). The log assigns {@code seq} and the
 * partition (from {@code workspace} and {@code profile}).
 *
 * @param profile the profile the row is routed to (for a trigger: the userId)
 * @param messageId the idempotency key of the message
 * @param type {@code track}, {@code identify}, ... for Segment messages, or {@link #MERGE_OUT},
 *     {@link #TRIGGER}, {@link #ERASE}
 * @param name the event name (a trigger's journey id; a merge marker's target profile)
 * @param timestamp when it happened, epoch ms (the authority over the body's own timestamp)
 * @param receivedAt when the server accepted it, epoch ms
 * @param mergeFrom the anonymous profile to merge into {@code profile} before this event, or null
 * @param body the message as JSON (UTF-8)
 */
public record InputRow(
    String workspace,
    String profile,
    String messageId,
    String type,
    String name,
    long timestamp,
    long receivedAt,
    String mergeFrom,
    byte[] body) {

  /**
   * Marks the point in an anonymous profile's partition after which it belongs to another (name =
   * the target profile); written by ingestion right before the target's event with {@code
   * merge_from}.
   */
  public static final String MERGE_OUT = "merge_out";

  /** Starts an API-triggered journey: name = journey id, body {@code {journey, userId, data}}. */
  public static final String TRIGGER = "trigger";

  /** Erases a profile (GDPR): body {@code {actor}}. */
  public static final String ERASE = "erase";

  public InputRow {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
  }
}
