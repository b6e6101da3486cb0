package io.kairos.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.kairos.event.EventParser.Result;
import java.io.IOException;
import java.time.InstantSource;

/**
 * The Jackson-based parser that {@link EventParser} replaced, kept as a test oracle: the new parser
 * must accept the same messages and build the same events.
 */
final class JacksonEventParser {

  private final JsonFactory factory;
  private final int maxNestingDepth;
  private final InstantSource defaultTimestamp;
  private final StringCache strings = new StringCache(1024, 64);

  JacksonEventParser(int maxNestingDepth, InstantSource defaultTimestamp) {
    this.maxNestingDepth = maxNestingDepth;
    this.defaultTimestamp = defaultTimestamp;
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
  }

  Result parse(byte[] buf, int offset, int length) {
    int bad = Utf8.firstInvalid(buf, offset, length);
    if (bad >= 0) {
      String what = buf[offset + bad] == 0 ? "NUL byte" : "invalid UTF-8";
      return new Result.Invalid(Result.Invalid.JSON, what + JsonErrors.at(buf, offset, bad));
    }
    JacksonMessageReader reader = new JacksonMessageReader(buf, offset, strings, defaultTimestamp);
    try (JsonParser p = factory.createParser(buf, offset, length)) {
      return reader.read(p, maxNestingDepth);
    } catch (IOException e) {
      return new Result.Invalid(Result.Invalid.JSON, String.valueOf(e.getMessage()));
    }
  }
}
