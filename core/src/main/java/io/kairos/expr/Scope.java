package io.kairos.expr;

import dev.cel.runtime.CelVariableResolver;
import java.time.Instant;
import java.util.Optional;

/**
 * Hands CEL the variables of one evaluation. CEL asks for a variable only when the expression
 * reaches it, so a condition on {@code event} never builds the profile map. Each answer is kept, as
 * CEL asks again for every occurrence of a name.
 */
final class Scope implements CelVariableResolver {

  private final Bindings bindings;
  private Optional<Object> event;
  private Optional<Object> profile;
  private Optional<Object> journey;
  private Optional<Object> now;

  Scope(Bindings bindings) {
    this.bindings = bindings;
  }

  @Override
  public Optional<Object> find(String name) {
    switch (name) {
      case "event":
        if (event == null) {
          event = Optional.of(CelValues.toCel(bindings.event()));
        }
        return event;
      case "profile":
        if (profile == null) {
          profile = Optional.of(CelValues.toCel(bindings.profile()));
        }
        return profile;
      case "journey":
        if (journey == null) {
          journey = Optional.of(CelValues.toCel(bindings.journey()));
        }
        return journey;
      case "now":
        if (now == null) {
          now = Optional.of(Instant.ofEpochMilli(bindings.now()));
        }
        return now;
      default:
        return Optional.empty();
    }
  }
}
