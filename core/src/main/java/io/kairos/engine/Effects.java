package io.kairos.engine;

/** Where the engine puts what it decides. Runtimes implement it; tests collect into lists. */
public interface Effects {

  /** A decision with its reason. */
  void emit(Effect effect);

  /** A timer to fire later; see {@link Timer}. */
  void schedule(Timer timer);
}
