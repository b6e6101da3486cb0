package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * New definitions reach the runtime through {@code onChange}: new entries take the new version,
 * customers in flight finish the version they entered, also across a restart.
 */
class DefinitionsChangeTest {
  private static Definitions nurture(String template) {
    return TestDefinitions.of(
        """
        id: nurture
        goal: nurture
        trigger:
          event: Signed Up
        steps:
          - wait: 1h
          - send: email
            template: %s
        """
            .formatted(template));
  }

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void inFlightCustomersFinishTheirVersionNewOnesTakeTheNewOne(StoreKind kind) {
    TestDefinitions defs = new TestDefinitions(nurture("tips-v1"));
    try (RuntimeFixture f = new RuntimeFixture(kind, dir, defs, RuntimeFixture.settings(2))) {
      f.at("2026-03-02T10:00:00Z");
      f.feed(List.of(signUp("ana", "2026-03-02T10:00:00Z")));
      f.idle();

      defs.publish(nurture("tips-v2"));
      f.at("2026-03-02T10:30:00Z");
      f.feed(List.of(signUp("bob", "2026-03-02T10:30:00Z")));
      f.idle();
      f.restart();

      f.at("2026-03-02T12:00:00Z");
      f.idle();
      assertThat(f.trace())
          .filteredOn(l -> l.contains("send email"))
          // Two partitions commit in either order; what matters is each customer's version.
          .containsExactlyInAnyOrder(
              "ana | 2026-03-02T11:00:00Z | nurture | step-2 | send email tips-v1"
                  + " | step step-2: marketing email with template 'tips-v1'",
              "bob | 2026-03-02T11:30:00Z | nurture | step-2 | send email tips-v2"
                  + " | step step-2: marketing email with template 'tips-v2'");
      assertThat(f.count("SELECT COUNT(DISTINCT version) FROM timeline WHERE kind = 'entered'"))
          .isEqualTo(2);
    }
  }

  private static String signUp(String user, String time) {
    return "{\"type\":\"track\",\"userId\":\""
        + user
        + "\",\"timestamp\":\""
        + time
        + "\",\"event\":\"Signed Up\"}";
  }
}
