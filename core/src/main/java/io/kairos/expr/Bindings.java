package io.kairos.expr;

import java.util.Map;

/**
 * What an expression can see. Each map is built only when the expression reads it, so a condition
 * on {@code event} never pays for {@code profile}.
 */
public interface Bindings {
  /** The event being processed (name, type, properties, traits, context, userId, ...), or empty. */
  Map<String, Object> event();

  /** The profile: traits at top level, plus id, first_seen, last_seen, tags, timezone, ... */
  Map<String, Object> profile();

  /** The journey instance's variables: entered_at, converted, ... Empty outside a journey. */
  Map<String, Object> journey();

  /** The engine's clock in epoch milliseconds. */
  long now();

  /** The profile's product recommendations, cart and recent views; none by default. */
  default Recommendations recommendations() {
    return Recommendations.NONE;
  }

  /**
   * What {@code count}, {@code last}, {@code age} and {@code in_segment} read; by default a profile
   * with nothing.
   */
  default ProfileFacts facts() {
    return ProfileFacts.NONE;
  }
}
