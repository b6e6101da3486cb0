package io.kairos.event;

/** The Segment spec call types. */
public enum EventType {
  TRACK("track"),
  IDENTIFY("identify"),
  PAGE("page"),
  SCREEN("screen"),
  GROUP("group"),
  ALIAS("alias");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** The value of the {@code type} field in the JSON message. */
  public String wireName() {
    return wireName;
  }

  /** The type for a wire name, or null when there is none. */
  public static EventType fromWire(String name) {
    return switch (name) {
      case "track" -> TRACK;
      case "identify" -> IDENTIFY;
      case "page" -> PAGE;
      case "screen" -> SCREEN;
      case "group" -> GROUP;
      case "alias" -> ALIAS;
      default -> null;
    };
  }
}
