package io.kairos.simulate;

import io.kairos.event.Event;
import java.util.List;

/**
 * The lines of one chunk after parsing, in order. {@code inputs[i]} is an {@link Event}, an {@link
 * ApiTrigger}, or null for a blank or invalid line; {@code lines[i]} is its line number within the
 * chunk (from 0). {@code errors} name the line within the chunk and the reason.
 */
record ParsedChunk(Object[] inputs, int[] lines, int count, int lineCount, List<LineError> errors) {

  /** A line that could not be used. */
  record LineError(int line, String message) {}

  /** A line asking the simulator to start an API-triggered journey. */
  record ApiTrigger(
      String userId, String journey, long timestamp, java.util.Map<String, Object> data) {}
}
