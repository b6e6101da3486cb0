package io.kairos.template;

import io.kairos.template.RenderResult.Reason;

/**
 * Ends a compile or render early with the reason the caller will see. Thrown through liqp, which
 * may wrap it, so the renderer looks for it along the cause chain. No stack trace: it is an
 * expected outcome, not a bug.
 */
final class RenderAbort extends RuntimeException {
  final Reason reason;
  final String detail;
  final int line;

  RenderAbort(Reason reason, String detail, int line) {
    super(detail, null, false, false);
    this.reason = reason;
    this.detail = detail;
    this.line = line;
  }
}
