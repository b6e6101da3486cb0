package io.kairos.event;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Parses one Segment-spec message (track, identify, page, screen, group, alias) from UTF-8 JSON
 * into an {@link Event}, or says which field is wrong and why. The rules are in {@code
 * docs/events.md}.
 *
 * <p>Strict: the input must be exactly one JSON object in valid UTF-8 (whitespace around it is
 * allowed), nested at most {@link Builder#maxNestingDepth} levels, with each known top-level field
 * at most once. Fast: one pass over the bytes with a hand-written scanner ({@link JsonCursor}), no
 * tree; {@code properties}, {@code traits} and {@code context} are kept as bytes and decoded only
 * if something reads them.
 *
 * <p>Thread-safe: create one and share it. Each call allocates its own small reading state and the
 * instance only holds configuration and a lock-free cache of repeating strings.
 */
public final class EventParser {

  /** Default of {@link Builder#maxNestingDepth}. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

  private static final int MIN_NESTING_DEPTH = 3;
  private static final int MAX_NESTING_DEPTH = 1000;

  private final InstantSource defaultTimestamp;
  private final int maxNestingDepth;
  private final StringCache strings = new StringCache(1024, 64);

  /** A parser with the defaults: a message without any timestamp is invalid. */
  public EventParser() {
    this(new Builder());
  }

  private EventParser(Builder b) {
    this.defaultTimestamp = b.defaultTimestamp;
    this.maxNestingDepth = b.maxNestingDepth;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses the message in {@code buf[offset, offset + length)}. The bytes are not kept: what the
   * event needs later is copied, so the caller may reuse the buffer at once.
   *
   * @throws IndexOutOfBoundsException when the range is not inside {@code buf}
   */
  public Result parse(byte[] buf, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, buf.length);
    return new MessageReader(buf, offset, length, maxNestingDepth, strings, defaultTimestamp)
        .read();
  }

  /** Parses a message given as text; for tests and tools, the server passes bytes. */
  public Result parse(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return parse(bytes, 0, bytes.length);
  }

  /** What {@link #parse} found: an event, or the first thing wrong with the message. */
  public sealed interface Result {

    /** A valid message. */
    record Parsed(Event event) implements Result {
      public Parsed {
        Objects.requireNonNull(event, "event");
      }
    }

    /**
     * An invalid message: the field at fault (a top-level name such as {@code timestamp}, a path
     * such as {@code context.timezone}, or {@link #JSON} when the text is not valid JSON) and why.
     */
    record Invalid(String field, String reason) implements Result {

      /** The field named when the message is not a valid JSON object at all. */
      public static final String JSON = "(json)";

      public Invalid {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(reason, "reason");
      }

      /** {@code field: reason}, e.g. {@code timestamp: not ISO-8601}. */
      @Override
      public String toString() {
        return field + ": " + reason;
      }
    }
  }

  /** Options; every one has a default, so {@code builder().build()} equals {@code new}. */
  public static final class Builder {
    private InstantSource defaultTimestamp;
    private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;

    private Builder() {}

    /**
     * Stamps messages that carry no {@code timestamp}, {@code originalTimestamp}, {@code sentAt} or
     * {@code receivedAt} with {@code clock.millis()}: for a server, the arrival time. Default:
     * none, and such a message is invalid ({@code timestamp: required}).
     */
    public Builder defaultTimestamp(InstantSource clock) {
      this.defaultTimestamp = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The deepest nesting of objects and arrays accepted, counting the message itself as 1. Default
     * {@value #DEFAULT_MAX_NESTING_DEPTH}; between 3 and 1000.
     */
    public Builder maxNestingDepth(int depth) {
      if (depth < MIN_NESTING_DEPTH || depth > MAX_NESTING_DEPTH) {
        throw new IllegalArgumentException(
            "maxNestingDepth must be between "
                + MIN_NESTING_DEPTH
                + " and "
                + MAX_NESTING_DEPTH
                + ": "
                + depth);
      }
      this.maxNestingDepth = depth;
      return this;
    }

    public EventParser build() {
      return new EventParser(this);
    }
  }
}
