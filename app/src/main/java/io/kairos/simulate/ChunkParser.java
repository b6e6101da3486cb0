package io.kairos.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.event.EventParser;
import io.kairos.time.Timestamps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the lines of a chunk. Besides Segment messages, a line may ask for an API trigger: {@code
 * {"type":"trigger","journey":"vip-onboarding","userId":"u1","timestamp":"...",
 * "properties":{...}}}.
 */
final class ChunkParser {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final EventParser parser = new EventParser();

  ParsedChunk parse(LineChunks.Chunk chunk) {
    byte[] d = chunk.data();
    int n = chunk.length();
    int estimate = Math.max(16, n / 200);
    Object[] inputs = new Object[estimate];
    int[] lines = new int[estimate];
    int count = 0;
    List<ParsedChunk.LineError> errors = new ArrayList<>(0);
    int line = 0;
    int start = 0;
    while (start < n) {
      int end = Newlines.next(d, start, n);
      int stop = end;
      if (stop > start && d[stop - 1] == '\r') {
        stop--;
      }
      if (!blank(d, start, stop)) {
        Object input = parseLine(d, start, stop - start, line, errors);
        if (input != null) {
          if (count == inputs.length) {
            inputs = java.util.Arrays.copyOf(inputs, count * 2);
            lines = java.util.Arrays.copyOf(lines, count * 2);
          }
          inputs[count] = input;
          lines[count] = line;
          count++;
        }
      }
      line++;
      start = end + 1;
    }
    return new ParsedChunk(inputs, lines, count, line, errors);
  }

  private Object parseLine(
      byte[] d, int off, int len, int line, List<ParsedChunk.LineError> errors) {
    EventParser.Result r = parser.parse(d, off, len);
    if (r instanceof EventParser.Result.Parsed p) {
      return p.event();
    }
    EventParser.Result.Invalid invalid = (EventParser.Result.Invalid) r;
    if ("type".equals(invalid.field()) && contains(d, off, len, "\"trigger\"")) {
      try {
        return apiTrigger(new String(d, off, len, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        errors.add(new ParsedChunk.LineError(line, e.getMessage()));
        return null;
      }
    }
    errors.add(new ParsedChunk.LineError(line, invalid.toString()));
    return null;
  }

  @SuppressWarnings("unchecked")
  static ParsedChunk.ApiTrigger apiTrigger(String json) {
    Map<String, Object> m;
    try {
      m = MAPPER.readValue(json, Map.class);
    } catch (Exception e) {
      throw new IllegalArgumentException("(json): " + e.getMessage());
    }
    Object journey = m.get("journey");
    if (!(journey instanceof String j) || j.isBlank()) {
      throw new IllegalArgumentException("journey: required for a trigger line");
    }
    Object user = m.get("userId");
    if (!(user instanceof String u) || u.isBlank()) {
      throw new IllegalArgumentException("userId: required for a trigger line");
    }
    Object ts = m.get("timestamp");
    if (!(ts instanceof String t)) {
      throw new IllegalArgumentException("timestamp: required");
    }
    long time;
    try {
      time = Timestamps.parse(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("timestamp: not ISO-8601");
    }
    Object props = m.getOrDefault("properties", Map.of());
    if (!(props instanceof Map<?, ?> p)) {
      throw new IllegalArgumentException("properties: must be an object");
    }
    return new ParsedChunk.ApiTrigger(u, j, time, new LinkedHashMap<>((Map<String, Object>) p));
  }

  private static boolean blank(byte[] d, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = d[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(byte[] d, int off, int len, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = off; i <= off + len - n.length; i++) {
      for (int k = 0; k < n.length; k++) {
        if (d[i + k] != n[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
