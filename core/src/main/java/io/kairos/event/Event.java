package io.kairos.event;

import java.util.Objects;

/**
 * One Segment-spec message after validation. {@code name} is what triggers match on: the {@code
 * event} of a {@code track}; {@code Page Viewed} for a {@code page} call and {@code Screen Viewed}
 * for a {@code screen} call (the page's own name is in {@code properties.name}); {@code Identify},
 * {@code Group} and {@code Alias} for the other calls.
 *
 * @param timestamp epoch milliseconds of {@code timestamp} (or {@code originalTimestamp}, {@code
 *     sentAt}, {@code receivedAt}, in that order, when it is missing)
 * @param properties {@code properties} of track/page/screen, empty otherwise; parsed lazily
 * @param traits {@code traits} of identify/group (or {@code context.traits}), empty otherwise
 * @param context the fields of {@code context} that the engine uses, plus the raw object
 */
public record Event(
    EventType type,
    String messageId,
    String userId,
    String anonymousId,
    long timestamp,
    String name,
    JsonObject properties,
    JsonObject traits,
    EventContext context,
    String previousId,
    String groupId) {

  public static final String PAGE_VIEWED = "Page Viewed";
  public static final String SCREEN_VIEWED = "Screen Viewed";
  public static final String IDENTIFY = "Identify";
  public static final String GROUP = "Group";
  public static final String ALIAS = "Alias";

  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(traits, "traits");
    Objects.requireNonNull(context, "context");
    if (userId == null && anonymousId == null) {
      throw new IllegalArgumentException("userId or anonymousId required");
    }
  }

  /** A track event, for tests and for events emitted by journeys. */
  public static Event track(
      String messageId, String userId, long timestamp, String name, JsonObject properties) {
    return new Event(
        EventType.TRACK,
        messageId,
        userId,
        null,
        timestamp,
        name,
        properties,
        JsonObject.EMPTY,
        EventContext.EMPTY,
        null,
        null);
  }

  /** The identity the profile is keyed by: the userId when there is one, else the anonymousId. */
  public String profileKey() {
    return userId != null ? userId : anonymousId;
  }
}
