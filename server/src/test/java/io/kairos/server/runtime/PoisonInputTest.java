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
  private static final Definitions WELCOME = TestDefinitions.of(TestDefinitions.WELCOME_YAML);

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
      f.assertTimelinesLinked();
    }
  }

  /**
   * An input whose outcome cannot be stored (the state format refuses it) is set apart too: the
   * others in its batch are committed, its profile stays as it was.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anOutcomeThatCannotBeStoredIsSetApart(StoreKind kind) {
    Definitions defs =
        TestDefinitions.of(
            TestDefinitions.WELCOME_YAML,
            """
            id: poison
            goal: mark
            trigger:
              event: Poisoned
            steps:
              - update:
                  set: { poison: 'true' }
            """);
    try (RuntimeFixture f =
        new RuntimeFixture(kind, dir, new TestDefinitions(defs), RuntimeFixture.settings(1))) {
      f.runtime.stop();
      f.format =
          new StateFormat() {
            @Override
            public io.kairos.engine.StateCodec.Encoded encode(
                io.kairos.engine.ProfileState state, WorkspaceEngine engine) {
              if (state.profile().trait("poison") != null) {
                throw new IllegalArgumentException("cannot encode the poison (test)");
              }
              return StateFormat.CODEC.encode(state, engine);
            }

            @Override
            public io.kairos.engine.ProfileState decode(byte[] bytes, WorkspaceEngine engine) {
              return StateFormat.CODEC.decode(bytes, engine);
            }
          };
      f.start();
      f.at("2026-03-02T10:00:00Z");
      f.feed(
          List.of(
              signUp("bob", "2026-03-02T10:00:00Z"),
              signUp("ana", "2026-03-02T10:00:00Z"),
              "{\"type\":\"track\",\"userId\":\"ana\",\"timestamp\":\"2026-03-02T10:00:00Z\","
                  + "\"event\":\"Poisoned\"}",
              signUp("cleo", "2026-03-02T10:00:00Z")));
      f.idle();
      assertThat(f.trace())
          .filteredOn(l -> l.contains("| welcome | trigger | enter |"))
          .extracting(l -> l.substring(0, l.indexOf(" |")))
          .containsExactly("bob", "ana", "cleo");
      assertThat(f.trace()).noneMatch(l -> l.contains("| poison |"));
      assertThat(f.notes("error")).containsExactly("ana 2026-03-02T10:00:00Z");
      assertThat(f.count("SELECT COUNT(*) FROM profiles")).isEqualTo(3);
      // The event set apart is still ana's: her timeline names it (erasure finds it there).
      assertThat(
              f.count(
                  "SELECT COUNT(*) FROM timeline t JOIN events e ON e.seq = t.input_seq"
                      + " WHERE t.profile = 'ana' AND t.kind = 'error' AND e.name = 'Poisoned'"))
          .isOne();
      f.assertTimelinesLinked();
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
