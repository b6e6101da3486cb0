package io.kairos.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Duration;
import java.time.Instant;

/** Writes the value shapes of {@link JsonObject} as compact JSON. */
public final class Json {
  // Expressions and profile updates produce java.time values (`now`, durations); they are written
  // as ISO-8601 text, the form events carry them in.
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .registerModule(
              new SimpleModule("kairos-time")
                  .addSerializer(Instant.class, ToStringSerializer.instance)
                  .addSerializer(Duration.class, ToStringSerializer.instance));

  private Json() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value cannot be written as JSON: " + e.getMessage(), e);
    }
  }
}
