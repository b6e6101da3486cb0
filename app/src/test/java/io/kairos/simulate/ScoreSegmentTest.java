package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment over a score stays current when the score changes: by a scored event (which is not an
 * identify call) and by points expiring with no event at all.
 */
class ScoreSegmentTest {

  @Test
  void aSegmentOverAScoreFollowsPointsAndTheirExpiry(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("scores.yaml"),
        """
        scoring:
          engagement:
            decay: { expire_after: 7d }
            thresholds: [2]
            rules:
              - { id: open, event: Email Opened, points: 1 }
        segments:
          - id: engaged
            where: profile.engagement >= 2
        """);
    Path events = dir.resolve("events.jsonl");
    Files.writeString(
        events,
        """
        {"type":"track","userId":"ann","timestamp":"2026-03-02T09:00:00Z","event":"Email Opened"}
        {"type":"track","userId":"ann","timestamp":"2026-03-03T09:00:00Z","event":"Email Opened"}
        {"type":"track","userId":"ann","timestamp":"2026-03-20T09:00:00Z","event":"Page Viewed"}
        """);
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            dir.toString(),
            "--events",
            events.toString(),
            "--format",
            "csv",
            "--quiet");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    List<String> segment =
        Arrays.stream(cli.out().split("\n")).filter(l -> l.startsWith("segment/")).toList();
    // In on the second open; out when the first open's point expires, 7 days after it.
    assertThat(segment)
        .containsExactly(
            "segment/engaged,ann,2026-03-03T09:00:00Z,where,enter segment",
            "segment/engaged,ann,2026-03-09T09:00:00Z,where,exit segment");
  }
}
