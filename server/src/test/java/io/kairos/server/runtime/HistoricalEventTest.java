package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An event that arrives more than the past tolerance (72 h) after it happened updates the profile
 * and the timeline, and starts no journey; a late one within the tolerance is an ordinary event.
 */
class HistoricalEventTest {
  private static final Definitions WELCOME =
      TestDefinitions.of(
          """
          id: welcome
          goal: welcome new customers
          trigger:
            event: Signed Up
          steps:
            - send: email
              template: welcome
          """);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEventOlderThanThePastToleranceStartsNothing(StoreKind kind) {
    try (RuntimeFixture f =
        new RuntimeFixture(kind, dir, new TestDefinitions(WELCOME), RuntimeFixture.settings(2))) {
      f.at("2026-03-10T12:00:00Z");
      // Both arrive now: Ana signed up five days ago (a phone's backlog), Bob two days ago.
      f.ingest.receivedDelay = Duration.ofDays(5).toMillis();
      f.feed(
          List.of(
              "{\"type\":\"identify\",\"userId\":\"ana\",\"timestamp\":\"2026-03-05T12:00:00Z\","
                  + "\"traits\":{\"plan\":\"pro\"}}",
              "{\"type\":\"track\",\"userId\":\"ana\",\"timestamp\":\"2026-03-05T12:00:00Z\","
                  + "\"event\":\"Signed Up\"}"));
      f.ingest.receivedDelay = Duration.ofDays(2).toMillis();
      f.feed(
          List.of(
              "{\"type\":\"track\",\"userId\":\"bob\",\"timestamp\":\"2026-03-08T12:00:00Z\","
                  + "\"event\":\"Signed Up\"}"));
      f.idle();

      assertThat(f.trace()).noneMatch(l -> l.startsWith("ana"));
      assertThat(f.notes("historical"))
          .containsExactly("ana 2026-03-05T12:00:00Z", "ana 2026-03-05T12:00:00Z");
      assertThat(f.trace())
          .anyMatch(l -> l.startsWith("bob | 2026-03-08T12:00:00Z | welcome | trigger | enter"));
      String traits =
          f.db.read(
              c -> {
                try (var rs =
                    c.createStatement()
                        .executeQuery("SELECT traits, user_id FROM profiles WHERE id = 'ana'")) {
                  rs.next();
                  return rs.getString(1) + " " + rs.getString(2);
                }
              });
      assertThat(traits).isEqualTo("{\"plan\":\"pro\"} ana");
      assertThat(f.count("SELECT COUNT(*) FROM outbox WHERE profile = 'ana'")).isZero();
    }
  }
}
