package io.kairos.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.EventParser.Result;

/** Test helpers: JSON written with single quotes, and results unwrapped with a clear failure. */
final class Messages {

  private Messages() {}

  /** {@code json("{'a':1}")} is {@code {"a":1}}; keeps messages in tests readable. */
  static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  static Event parsed(Result result) {
    assertThat(result).isInstanceOf(Result.Parsed.class);
    return ((Result.Parsed) result).event();
  }

  static Result.Invalid invalid(Result result) {
    assertThat(result).isInstanceOf(Result.Invalid.class);
    return (Result.Invalid) result;
  }
}
