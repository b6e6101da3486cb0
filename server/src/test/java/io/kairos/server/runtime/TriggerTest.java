package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.definition.Definitions;
import io.kairos.server.testing.StoreKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link LiveRuntime#trigger}: an API-triggered journey, durably requested and then applied. */
class TriggerTest {
  private static final String VIP =
      """
      id: vip-onboarding
      goal: onboard VIPs
      trigger: api
      steps:
        - send: email
          template: vip-welcome
          data:
            tier: event.properties.tier
      """;

  private static final String WELCOME =
      """
      id: welcome
      goal: welcome
      trigger:
        event: Signed Up
      steps:
        - send: email
          template: welcome
      """;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTriggeredJourneyRunsWithItsData(StoreKind kind) {
    Definitions defs = TestDefinitions.of(VIP, WELCOME);
    try (RuntimeFixture f =
        new RuntimeFixture(kind, dir, new TestDefinitions(defs), RuntimeFixture.settings(2))) {
      f.at("2026-03-02T10:00:00Z");
      f.runtime.trigger("default", "vip-onboarding", "ana", Map.of("tier", "gold"));
      f.idle();
      assertThat(f.trace())
          .containsExactly(
              "ana | 2026-03-02T10:00:00Z | vip-onboarding | trigger | enter"
                  + " | triggered through the API",
              "ana | 2026-03-02T10:00:00Z | vip-onboarding | step-1 | send email vip-welcome"
                  + " | step step-1: marketing email with template 'vip-welcome'; data: tier=gold",
              "ana | 2026-03-02T10:00:00Z | vip-onboarding | end | complete"
                  + " | reached the end of the journey");
      assertThat(f.count("SELECT COUNT(*) FROM outbox WHERE template = 'vip-welcome'")).isOne();

      assertThatThrownBy(() -> f.runtime.trigger("default", "nope", "ana", Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("journey: no journey with id 'nope'");
      assertThatThrownBy(() -> f.runtime.trigger("default", "welcome", "ana", Map.of()))
          .hasMessage("journey: 'welcome' is not triggered by the API (trigger: api)");
      assertThatThrownBy(() -> f.runtime.trigger("default", "vip-onboarding", " ", Map.of()))
          .hasMessage("userId: required");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTriggerForAJourneyGoneSinceIsRecordedNotApplied(StoreKind kind) {
    TestDefinitions defs = new TestDefinitions(TestDefinitions.of(VIP, WELCOME));
    try (RuntimeFixture f = new RuntimeFixture(kind, dir, defs, RuntimeFixture.settings(1))) {
      f.at("2026-03-02T10:00:00Z");
      f.runtime.stop();
      // Accepted while the journey was live; the journey is unpublished before it is applied.
      f.log.append(
          List.of(
              new InputRow(
                  "default",
                  "ana",
                  "t-1",
                  InputRow.TRIGGER,
                  "vip-onboarding",
                  f.clock.millis(),
                  f.clock.millis(),
                  null,
                  "{\"journey\":\"vip-onboarding\",\"userId\":\"ana\",\"data\":{}}"
                      .getBytes(StandardCharsets.UTF_8))));
      defs.publish(TestDefinitions.of(WELCOME));
      f.start();
      f.idle();
      assertThat(f.trace()).isEmpty();
      assertThat(f.notes("error")).containsExactly("ana 2026-03-02T10:00:00Z");
      assertThat(f.count("SELECT COUNT(*) FROM profiles")).isZero();
    }
  }
}
