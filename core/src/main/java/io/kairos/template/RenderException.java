package io.kairos.template;

/** Thrown by {@link RenderResult#orThrow()} for a failed render; carries the failure. */
public final class RenderException extends RuntimeException {
  private final transient RenderResult.Failed failure;

  public RenderException(RenderResult.Failed failure) {
    super(failure.message());
    this.failure = failure;
  }

  public RenderResult.Failed failure() {
    return failure;
  }
}
