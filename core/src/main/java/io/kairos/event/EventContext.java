package io.kairos.event;

/**
 * The parts of a message's {@code context} the engine reads. Each may be null.
 *
 * @param timezone IANA zone name from {@code context.timezone}, already checked to be valid
 * @param locale BCP 47 tag from {@code context.locale}
 * @param location {@code context.location.latitude/longitude}
 * @param ip {@code context.ip}
 * @param raw the whole {@code context} object
 */
public record EventContext(
    String timezone, String locale, Location location, String ip, JsonObject raw) {
  public static final EventContext EMPTY =
      new EventContext(null, null, null, null, JsonObject.EMPTY);
}
