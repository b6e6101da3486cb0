package io.kairos.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void timeValuesFromExpressionsAreWrittenAsIsoText() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", Instant.parse("2026-03-01T10:00:00Z"));
    m.put("wait", Duration.ofHours(36));
    m.put("list", List.of(1, "x"));
    assertThat(Json.write(m))
        .isEqualTo("{\"at\":\"2026-03-01T10:00:00Z\",\"wait\":\"PT36H\",\"list\":[1,\"x\"]}");
  }
}
