package io.kairos.template;

import io.kairos.event.Event;
import io.kairos.profile.Profile;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * What a template renders for: the customer, the triggering event, the journey, the message, and
 * helper values the caller computed (signed links, recommendations). Every time a template sees
 * comes from {@code now}; nothing reads the system clock.
 *
 * @param now epoch milliseconds: what {@code "now"} means to the {@code date} filter
 * @param profile traits plus {@code id}, {@code user_id}, {@code email}, {@code phone}, {@code
 *     locale}, {@code timezone} when known (as {@link Profile#view()} gives them), or null
 * @param eventName the triggering event's name, or null when there is none
 * @param eventProperties its properties (Segment spec), or null
 * @param eventTimestamp its time in epoch milliseconds, or null
 * @param journeyId the journey sending the message, or null
 * @param journeyVersion its version, or null
 * @param journeyStep the step, or null
 * @param journeyData the instance's variables, or null
 * @param messageId the message's id, or null
 * @param locale the locale to choose a variant for; null means the profile's {@code locale}
 * @param zone the zone for dates; null means the profile's {@code timezone}, else UTC
 * @param links precomputed URLs ({@code unsubscribe}, {@code preferences}, {@code
 *     view_in_browser}), or null
 * @param recommendations product maps for {@code recommendations}, or null
 * @param cart product maps for {@code cart.items}; null means {@code event.properties.products}
 * @param currency ISO 4217 code for {@code money} and {@code cart.currency}; null means {@code
 *     event.properties.currency}, else USD
 */
public record RenderContext(
    long now,
    Map<String, Object> profile,
    String eventName,
    Map<String, Object> eventProperties,
    Long eventTimestamp,
    String journeyId,
    String journeyVersion,
    String journeyStep,
    Map<String, Object> journeyData,
    String messageId,
    String locale,
    ZoneId zone,
    Map<String, String> links,
    List<Map<String, Object>> recommendations,
    List<Map<String, Object>> cart,
    String currency) {

  /** A builder for a render at {@code now} (epoch milliseconds). */
  public static Builder builder(long now) {
    return new Builder(now);
  }

  /** Builds a {@link RenderContext}; every part is optional. */
  public static final class Builder {
    private final long now;
    private Map<String, Object> profile;
    private String eventName;
    private Map<String, Object> eventProperties;
    private Long eventTimestamp;
    private String journeyId;
    private String journeyVersion;
    private String journeyStep;
    private Map<String, Object> journeyData;
    private String messageId;
    private String locale;
    private ZoneId zone;
    private Map<String, String> links;
    private List<Map<String, Object>> recommendations;
    private List<Map<String, Object>> cart;
    private String currency;

    private Builder(long now) {
      this.now = now;
    }

    /** The profile as a map: traits plus computed attributes. */
    public Builder profile(Map<String, Object> profile) {
      this.profile = profile;
      return this;
    }

    /** The profile as the engine holds it ({@link Profile#view()}). */
    public Builder profile(Profile profile) {
      return profile(profile.view());
    }

    public Builder event(String name, Map<String, Object> properties, long timestamp) {
      this.eventName = name;
      this.eventProperties = properties;
      this.eventTimestamp = timestamp;
      return this;
    }

    public Builder event(Event event) {
      return event(event.name(), event.properties().asMap(), event.timestamp());
    }

    public Builder journey(String id, String version, String step, Map<String, Object> data) {
      this.journeyId = id;
      this.journeyVersion = version;
      this.journeyStep = step;
      this.journeyData = data;
      return this;
    }

    public Builder messageId(String messageId) {
      this.messageId = messageId;
      return this;
    }

    public Builder locale(String locale) {
      this.locale = locale;
      return this;
    }

    public Builder zone(ZoneId zone) {
      this.zone = zone;
      return this;
    }

    public Builder links(Map<String, String> links) {
      this.links = links;
      return this;
    }

    public Builder recommendations(List<Map<String, Object>> recommendations) {
      this.recommendations = recommendations;
      return this;
    }

    public Builder cart(List<Map<String, Object>> cart) {
      this.cart = cart;
      return this;
    }

    public Builder currency(String currency) {
      this.currency = currency;
      return this;
    }

    public RenderContext build() {
      return new RenderContext(
          now,
          profile,
          eventName,
          eventProperties,
          eventTimestamp,
          journeyId,
          journeyVersion,
          journeyStep,
          journeyData,
          messageId,
          locale,
          zone,
          links,
          recommendations,
          cart,
          currency);
    }
  }
}
