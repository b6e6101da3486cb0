package io.kairos.template;

/**
 * Asked often while a template renders (before every piece of output and every filter call); once
 * it answers true the render stops with {@link RenderResult.Reason#STOPPED}. This is how an adapter
 * bounds rendering by wall-clock time without the core reading a clock:
 *
 * <pre>{@code
 * long deadline = System.nanoTime() + 200_000_000L; // 200 ms
 * renderer.render(template, version, context, () -> System.nanoTime() - deadline > 0);
 * }</pre>
 */
@FunctionalInterface
public interface StopSignal {
  /** Never stops (loop and size limits still apply). */
  StopSignal NEVER = () -> false;

  /**
   * Stops when the rendering thread is interrupted, e.g. by {@code Future.cancel(true)} from a
   * timer the adapter owns. The interrupt flag is left set for the caller.
   */
  StopSignal ON_INTERRUPT = () -> Thread.currentThread().isInterrupted();

  boolean stopRequested();
}
