package io.kairos.engine;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of one profile's pass through one journey version. Every change goes through {@link
 * #checkTransition}; the allowed moves are this table and nothing else.
 */
public enum InstanceState {
  /** Executing steps; never observed between inputs. */
  RUNNING,
  /** Paused by a {@code wait} until its timer fires. */
  WAITING,
  /** Paused by a {@code wait_for} until its event arrives or its timer fires. */
  WAITING_FOR_EVENT,
  /** Ran past its last step. */
  COMPLETED,
  /** Left early: exit step, exit_on event, restart, holdout, conversion with exit. */
  EXITED;

  private Set<InstanceState> next;

  static {
    RUNNING.next = EnumSet.of(WAITING, WAITING_FOR_EVENT, COMPLETED, EXITED);
    WAITING.next = EnumSet.of(RUNNING, EXITED);
    WAITING_FOR_EVENT.next = EnumSet.of(RUNNING, EXITED);
    COMPLETED.next = EnumSet.noneOf(InstanceState.class);
    EXITED.next = EnumSet.noneOf(InstanceState.class);
  }

  /** The states this one may move to. */
  public Set<InstanceState> allowedNext() {
    return next.isEmpty() ? Set.of() : EnumSet.copyOf(next);
  }

  public boolean isFinal() {
    return next.isEmpty();
  }

  /** Fails loudly on a move the table does not allow: that is a bug in the engine. */
  InstanceState checkTransition(InstanceState to) {
    if (!next.contains(to)) {
      throw new IllegalStateException("illegal instance transition " + this + " -> " + to);
    }
    return to;
  }
}
