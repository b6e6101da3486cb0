package io.kairos.channel.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmtpOutcomesTest {

  @Test
  void queueIdsAreReadFromCommonServersFinalReplies() {
    assertThat(SmtpOutcomes.queueId("250 2.0.0 Ok: queued as 4F2A1B3C9D")).isEqualTo("4F2A1B3C9D");
    assertThat(SmtpOutcomes.queueId("250 OK id=1rAbCd-000Xyz-3Q")).isEqualTo("1rAbCd-000Xyz-3Q");
    assertThat(SmtpOutcomes.queueId("250 Ok 0100018c2f6e7b5a-3d1e-4b7a-9c2d-000000"))
        .isEqualTo("0100018c2f6e7b5a-3d1e-4b7a-9c2d-000000");
    assertThat(SmtpOutcomes.queueId("250 2.0.0 Ok: 8d2f1c")).isEqualTo("8d2f1c");
    assertThat(SmtpOutcomes.queueId("250 OK")).isNull();
    assertThat(SmtpOutcomes.queueId("250 2.0.0 Message accepted for delivery")).isNull();
    assertThat(SmtpOutcomes.queueId(null)).isNull();
  }

  @Test
  void repliesBecomeOneBoundedLine() {
    assertThat(SmtpOutcomes.oneLine("550-5.1.1 first\n550 5.1.1 second\n"))
        .isEqualTo("550-5.1.1 first / 550 5.1.1 second");
    assertThat(SmtpOutcomes.oneLine("x".repeat(500))).hasSize(303).endsWith("...");
  }
}
