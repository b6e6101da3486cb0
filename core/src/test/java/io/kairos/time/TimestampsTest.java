package io.kairos.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Test
  void parsesOffsetsAndFractions() {
    assertThat(Timestamps.parse("2026-01-08T09:30:00.5+03:30"))
        .isEqualTo(Instant.parse("2026-01-08T06:00:00.500Z").toEpochMilli());
  }

  @Test
  void yearsBeyondEpochMillisAreRefusedNotOverflowed() {
    assertThatThrownBy(() -> Timestamps.parse("+999999999-12-31T23:59:59Z"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
