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
 * Erasing a profile (GDPR) removes its state, timers, messages, timeline, identities and the events
 * it sent — also those of the anonymous visitor it once was — and leaves an audit record. What the
 * customer does afterwards starts from nothing.
 */
class EraseTest {
  private static final Definitions WELCOME =
      TestDefinitions.of(
          """
          id: welcome
          goal: welcome new customers
          trigger:
            event: Signed Up
          entry: once
          steps:
            - send: email
              template: welcome
            - wait: 3d
            - send: email
              template: tips
          """);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anErasedProfileLeavesNothingButTheAuditRecord(StoreKind kind) {
    try (RuntimeFixture f =
        new RuntimeFixture(kind, dir, new TestDefinitions(WELCOME), RuntimeFixture.settings(2))) {
      f.at("2026-03-02T10:00:00Z");
      f.feed(
          List.of(
              "{\"type\":\"track\",\"anonymousId\":\"visitor-9\","
                  + "\"timestamp\":\"2026-03-02T09:00:00Z\",\"event\":\"Page Viewed\"}",
              "{\"type\":\"identify\",\"userId\":\"ana\",\"anonymousId\":\"visitor-9\","
                  + "\"timestamp\":\"2026-03-02T09:30:00Z\",\"traits\":{\"email\":\"a@x.org\"}}",
              "{\"type\":\"track\",\"userId\":\"ana\",\"timestamp\":\"2026-03-02T10:00:00Z\","
                  + "\"event\":\"Signed Up\"}",
              "{\"type\":\"track\",\"userId\":\"bob\",\"timestamp\":\"2026-03-02T10:00:00Z\","
                  + "\"event\":\"Signed Up\"}"));
      f.idle();
      assertThat(f.count("SELECT COUNT(*) FROM timers WHERE profile = 'ana'")).isPositive();
      assertThat(f.count("SELECT COUNT(*) FROM outbox WHERE profile = 'ana'")).isOne();
      assertThat(f.count("SELECT COUNT(*) FROM events WHERE profile = 'visitor-9'")).isPositive();

      long seq = f.runtime.erase("default", "ana", "admin-key-1");
      f.idle();
      f.assertTimelinesLinked();

      for (String table : List.of("timers", "outbox", "timeline", "events")) {
        assertThat(
                f.count(
                    "SELECT COUNT(*) FROM "
                        + table
                        + " WHERE profile IN ('ana', 'visitor-9')"
                        + (table.equals("events") ? " AND seq < " + seq : "")))
            .as(table)
            .isZero();
      }
      assertThat(f.count("SELECT COUNT(*) FROM profiles WHERE id IN ('ana', 'visitor-9')"))
          .isZero();
      assertThat(
              f.count(
                  "SELECT COUNT(*) FROM audit_log WHERE action = 'profile.erased'"
                      + " AND subject = 'ana' AND actor = 'admin-key-1'"))
          .isOne();
      // Bob is untouched.
      assertThat(f.count("SELECT COUNT(*) FROM outbox WHERE profile = 'bob'")).isOne();
      assertThat(f.count("SELECT COUNT(*) FROM timers WHERE profile = 'bob'")).isOne();
      assertThat(f.runtime.pendingTimers()).isEqualTo(f.count("SELECT COUNT(*) FROM timers"));

      // Ana comes back: a new customer as far as the journeys know (entry: once starts again).
      f.at("2026-03-03T10:00:00Z");
      f.feed(
          List.of(
              "{\"type\":\"track\",\"userId\":\"ana\",\"timestamp\":\"2026-03-03T10:00:00Z\","
                  + "\"event\":\"Signed Up\"}"));
      f.idle();
      assertThat(f.trace())
          .filteredOn(l -> l.startsWith("ana"))
          .first()
          .asString()
          .startsWith("ana | 2026-03-03T10:00:00Z | welcome | trigger | enter");
      f.assertTimelinesLinked();
    }
  }
}
