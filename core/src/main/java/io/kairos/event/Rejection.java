package io.kairos.event;

/**
 * Ends the reading of a message at its first invalid field. Only {@link MessageReader} throws and
 * catches it, and the caller sees an {@link EventParser.Result.Invalid}; it carries no stack trace
 * because rejecting bad input is an expected, frequent outcome rather than a bug.
 */
final class Rejection extends RuntimeException {

  private static final long serialVersionUID = 1L;

  final String field;
  final String reason;

  Rejection(String field, String reason) {
    super(field + ": " + reason, null, false, false);
    this.field = field;
    this.reason = reason;
  }
}
