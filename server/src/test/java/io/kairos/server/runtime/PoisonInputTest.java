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
 * An input that cannot be applied (here: its profile's stored state is damaged) is set apart with
 * an error in the timeline; the partition goes on with everything else instead of stalling.
 */
class PoisonInputTest {
  private static final Definitions WELCOME =
      TestDefinitions.of(
          """
          id: welcome
          goal: welcome
          trigger:
            event: Signed Up
          entry: parallel
          steps:
            - send: email
              template: welcome
          """);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anInputThatFailsIsSetApartAndTheRestApplied(StoreKind kind) {
    try (RuntimeFixture f =
        new RuntimeFixture(kind, dir, new TestDefinitions(WELCOME), RuntimeFixture.settings(1))) {
      f.at("2026-03-02T10:00:00Z");
      f.feed(List.of(signUp("ana", "2026-03-02T10:00:00Z")));
      f.idle();
      f.runtime.stop();
      f.db.transaction(
          c -> {
            try (var ps = c.prepareStatement("UPDATE profiles SET state = ? WHERE id = 'ana'")) {
              ps.setBytes(1, new byte[] {1, 2, 3});
              ps.executeUpdate();
            }
            return null;
          });
      f.start();

      f.at("2026-03-02T11:00:00Z");
      f.feed(
          List.of(
              signUp("bob", "2026-03-02T11:00:00Z"),
              signUp("ana", "2026-03-02T11:00:00Z"),
              signUp("cleo", "2026-03-02T11:00:00Z")));
      f.idle();
      assertThat(f.trace())
          .filteredOn(l -> l.contains("| enter |"))
          .extracting(l -> l.substring(0, l.indexOf(" |")))
          .containsExactly("ana", "bob", "cleo");
      assertThat(f.notes("error")).containsExactly("ana 2026-03-02T11:00:00Z");
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
