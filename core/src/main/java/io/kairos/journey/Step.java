package io.kairos.journey;

import io.kairos.expr.Expression;
import io.kairos.time.Span;
import java.util.List;
import java.util.Map;

/**
 * One step of a journey. Steps run in list order; {@code goto}, branch cases, split arms and {@code
 * on_timeout} name another step's {@code id}. Every target is resolved at load time to an index
 * into {@link Journey#steps()}; the index {@code steps().size()} means "the journey is complete".
 */
public sealed interface Step {

  /** Where the step stands: its id (given, or {@code step-N} with N counted from 1) and line. */
  record Info(String id, int index, int line) {}

  Info info();

  /** The step after this one in list order. */
  default int next() {
    return info().index() + 1;
  }

  /** Pause for a duration. */
  record Wait(Info info, Span duration) implements Step {}

  /**
   * Pause until an event (matching {@code where}) arrives, then go to {@code onMatch}; when {@code
   * within} passes first, go to {@code onTimeout}.
   */
  record WaitFor(Info info, String event, Expression where, Span within, int onMatch, int onTimeout)
      implements Step {}

  /** The first case whose condition holds decides; none → {@code otherwise}. */
  record Branch(Info info, List<Case> cases, int otherwise) implements Step {}

  /** One {@code if:} of a branch. */
  record Case(Expression condition, int target) {}

  /**
   * A sticky weighted split: a hash of (journey, profile, step) picks the arm, so a profile always
   * lands in the same arm, also on re-entry. {@code holdoutPercent} of profiles (0–100) leave the
   * journey here as the control group for measuring lift.
   */
  record Split(Info info, List<Arm> arms, double holdoutPercent) implements Step {}

  /** One arm of a split. */
  record Arm(String name, int weight, int target) {}

  /**
   * Send a message. {@code topic} may be null; {@code expireAfter} is null when the message may go
   * out however late the policies make it. {@code data} are values evaluated at send time and
   * carried with the message for its template (recommended products, cart items); empty if none.
   */
  record Send(
      Info info,
      String channel,
      String template,
      Category category,
      String topic,
      Span expireAfter,
      Map<String, Expression> data)
      implements Step {
    /** A send that never expires and carries no data. */
    public Send(Info info, String channel, String template, Category category, String topic) {
      this(info, channel, template, category, topic, null, Map.of());
    }
  }

  /** Change the profile's traits and tags. */
  record Update(
      Info info,
      Map<String, Expression> set,
      List<String> unset,
      Map<String, Double> increment,
      List<String> addTags,
      List<String> removeTags)
      implements Step {}

  /** Emit an event for the same profile; other journeys can trigger on it. */
  record Emit(Info info, String event, Map<String, Expression> properties) implements Step {}

  /** Call a webhook (delivered by the runtime; the engine only decides). */
  record Webhook(Info info, String url, String method, Map<String, Expression> body)
      implements Step {}

  /** Leave the journey. */
  record Exit(Info info) implements Step {}

  /** Continue at another step. */
  record Goto(Info info, int target) implements Step {}

  /**
   * Give the profile an owner from a pool of sales reps, in weighted rotation. When every rep is at
   * capacity, the step goes on to {@code onUnassigned} instead.
   *
   * @param poolLine line (from 1) of the pool's name, to report an unknown pool
   * @param poolColumn column (from 1) of the pool's name
   */
  record Assign(Info info, String pool, int onUnassigned, int poolLine, int poolColumn)
      implements Step {}
}
