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
 * Every log row applied to a profile is named by one of its timeline rows ({@code input_seq}): by
 * the decisions it caused, or, when it caused none, by an {@code event} row of its own — never by
 * both, which would write a row per event that says nothing new.
 */
class TimelineIndexTest {
  private static final Definitions WELCOME = TestDefinitions.of(TestDefinitions.WELCOME_YAML);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEventGetsAnEventRowOnlyWhenNothingElseNamesIt(StoreKind kind) {
    try (RuntimeFixture f =
        new RuntimeFixture(kind, dir, new TestDefinitions(WELCOME), RuntimeFixture.settings(1))) {
      f.at("2026-03-02T10:00:00Z");
      f.feed(
          List.of(
              "{\"type\":\"track\",\"userId\":\"ana\",\"timestamp\":\"2026-03-02T09:00:00Z\","
                  + "\"event\":\"Signed Up\"}",
              "{\"type\":\"track\",\"userId\":\"ana\",\"timestamp\":\"2026-03-02T09:30:00Z\","
                  + "\"event\":\"Page Viewed\"}"));
      f.idle();

      long signUp = f.count("SELECT seq FROM events WHERE name = 'Signed Up'");
      long pageView = f.count("SELECT seq FROM events WHERE name = 'Page Viewed'");
      assertThat(f.count("SELECT COUNT(*) FROM timeline WHERE input_seq = " + signUp))
          .as("the sign-up's decisions (entered, send)")
          .isGreaterThanOrEqualTo(2);
      assertThat(
              f.count(
                  "SELECT COUNT(*) FROM timeline WHERE kind = 'event' AND input_seq = " + signUp))
          .isZero();
      assertThat(
              f.count(
                  "SELECT COUNT(*) FROM timeline WHERE kind = 'event' AND input_seq = " + pageView))
          .isOne();
      assertThat(
              f.count(
                  "SELECT COUNT(*) FROM events e WHERE e.profile = 'ana' AND NOT EXISTS"
                      + " (SELECT 1 FROM timeline t WHERE t.profile = 'ana'"
                      + " AND t.input_seq = e.seq)"))
          .isZero();
    }
  }
}
