package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every recorded timeline in {@code examples/timelines} through all example journeys and
 * compares the full decision trace with the recorded one in {@code examples/timelines/expected}, so
 * any change of behaviour shows up as a diff. After an intended change, re-record with {@code mvn
 * -pl app test -Dtest=GoldenTimelinesTest -Dkairos.updateGolden=true} and review the diff.
 */
class GoldenTimelinesTest {
  static final Path EXAMPLES = Path.of("..", "examples");

  @TestFactory
  Stream<DynamicTest> everyTimelineReplaysAsRecorded() throws IOException {
    Path timelines = EXAMPLES.resolve("timelines");
    Path expected = timelines.resolve("expected");
    Files.createDirectories(expected);
    return Files.list(timelines)
        .filter(p -> p.toString().endsWith(".jsonl"))
        .sorted()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      Cli run =
                          Cli.run(
                              "simulate",
                              "--journeys",
                              EXAMPLES.resolve("journeys").toString(),
                              "--events",
                              file.toString(),
                              "--quiet");
                      assertThat(run.exitCode()).as(run.err()).isZero();
                      assertThat(run.err()).isEmpty();
                      String name = file.getFileName().toString().replace(".jsonl", ".txt");
                      Path golden = expected.resolve(name);
                      if (Boolean.getBoolean("kairos.updateGolden")) {
                        Files.writeString(golden, run.out(), StandardCharsets.UTF_8);
                      }
                      assertThat(golden)
                          .as("no recorded output; record it with -Dkairos.updateGolden=true")
                          .exists();
                      assertThat(run.out())
                          .as("replay of " + file + " differs from " + golden)
                          .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
                    }));
  }
}
