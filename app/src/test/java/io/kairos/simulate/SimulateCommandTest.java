package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {
  @TempDir Path dir;

  private static final String CART =
      """
      id: cart
      goal: recover carts
      trigger:
        event: Product Added
      entry: parallel
      exit_on:
        - event: Order Completed
      conversion:
        event: Order Completed
        within: 1d
        value: event.properties.revenue
      steps:
        - wait: 1h
        - send: email
          template: cart-reminder
      """;

  private Path journeys(String... yamls) throws IOException {
    Path j = Files.createDirectories(dir.resolve("journeys"));
    for (int i = 0; i < yamls.length; i++) {
      Files.writeString(j.resolve("j" + i + ".yaml"), yamls[i]);
    }
    return j;
  }

  private Path events(String... lines) throws IOException {
    Path f = dir.resolve("events.jsonl");
    Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return f;
  }

  private static String track(String user, String time, String name) {
    return "{\"type\":\"track\",\"userId\":\""
        + user
        + "\",\"timestamp\":\""
        + time
        + "\",\"event\":\""
        + name
        + "\"}";
  }

  @Test
  void csvHasOneLinePerEffectAndNoHeader() throws IOException {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            journeys(CART).toString(),
            "--events",
            events(
                    track("u1", "2026-01-08T00:00:00Z", "Product Added"),
                    track("u1", "2026-01-08T02:00:00Z", "Page Viewed"))
                .toString(),
            "--format",
            "csv",
            "--quiet");
    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out())
        .isEqualTo(
            """
            cart,u1,2026-01-08T00:00:00Z,trigger,enter
            cart,u1,2026-01-08T00:00:00Z,step-1,wait until 2026-01-08T01:00:00Z
            cart,u1,2026-01-08T01:00:00Z,step-2,send email cart-reminder
            cart,u1,2026-01-08T01:00:00Z,end,complete
            """);
  }

  @Test
  void untilEndsTheRunAndLaterEventsAreNotRead() throws IOException {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            journeys(CART).toString(),
            "--events",
            events(
                    track("u1", "2026-01-08T00:00:00Z", "Product Added"),
                    track("u2", "2026-01-09T00:00:00Z", "Product Added"))
                .toString(),
            "--until",
            "2026-01-08T00:59:59Z",
            "--format",
            "csv",
            "--quiet");
    assertThat(cli.out()).doesNotContain("send").doesNotContain("u2");
  }

  @Test
  void badLinesAreReportedWithTheirNumberAndSkipped() throws IOException {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            journeys(CART).toString(),
            "--events",
            events(
                    track("u1", "2026-01-08T00:00:00Z", "Product Added"),
                    "{\"type\":\"track\",\"userId\":\"u2\",\"timestamp\":\"yesterday\",\"event\":\"X\"}",
                    "",
                    "{\"type\":\"track\",\"timestamp\":\"2026-01-08T00:00:00Z\",\"event\":\"X\"}",
                    "not json",
                    track("u3", "2026-01-08T03:00:00Z", "Product Added"))
                .toString(),
            "--format",
            "csv");
    assertThat(cli.exitCode()).isZero();
    assertThat(cli.err())
        .contains("line 2: timestamp: not ISO-8601")
        .contains("line 4: userId or anonymousId: required")
        .contains("line 5: ")
        .contains("3 bad lines");
    assertThat(cli.out()).contains("cart,u1,").contains("cart,u3,");
  }

  @Test
  void lineNumbersStayRightAcrossChunks() throws IOException {
    // More than one 1 MB chunk, so the bad line's number must add up across chunk boundaries.
    String[] lines = new String[15_000];
    for (int i = 0; i < lines.length; i++) {
      lines[i] =
          track("user-" + (i % 300), "2026-01-08T00:00:00Z", "Page Viewed " + "x".repeat(60));
    }
    lines[13_456] = "{\"type\":\"track\",\"userId\":\"u\",\"timestamp\":\"never\",\"event\":\"X\"}";
    Path events = events(lines);
    assertThat(Files.size(events)).isGreaterThan(1 << 20);
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            journeys(CART).toString(),
            "--events",
            events.toString(),
            "--quiet");
    assertThat(cli.err()).isEqualTo("line 13457: timestamp: not ISO-8601\n");
  }

  @Test
  void strictStopsAtTheFirstBadLine() throws IOException {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            journeys(CART).toString(),
            "--events",
            events(
                    track("u1", "2026-01-08T00:00:00Z", "Product Added"),
                    "{\"type\":\"trak\",\"userId\":\"u2\",\"timestamp\":\"2026-01-08T00:00:00Z\"}",
                    track("u3", "2026-01-08T03:00:00Z", "Product Added"))
                .toString(),
            "--strict",
            "--format",
            "csv",
            "--quiet");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("line 2: type: unknown 'trak'");
    assertThat(cli.out()).doesNotContain("u3");
  }

  @Test
  void invalidJourneysNameFileLineAndColumn() throws IOException {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            journeys(
                    CART.replace(
                        "event: Product Added",
                        "event: Product Added\n  where: event.properties.price >"))
                .toString(),
            "--events",
            events(track("u1", "2026-01-08T00:00:00Z", "X")).toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).containsPattern("j0\\.yaml:5:\\d+: ");
  }

  @Test
  void unknownFormatIsAUsageError() throws IOException {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            journeys(CART).toString(),
            "--events",
            events(track("u1", "2026-01-08T00:00:00Z", "X")).toString(),
            "--format",
            "xml");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--format: unknown 'xml' (expected table, jsonl or csv)");
  }

  @Test
  void summaryCountsEntriesSendsExitsAndConversionsWithRevenue() throws IOException {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            journeys(CART).toString(),
            "--events",
            events(
                    track("u1", "2026-01-08T00:00:00Z", "Product Added"),
                    track("u2", "2026-01-08T00:00:00Z", "Product Added"),
                    "{\"type\":\"track\",\"userId\":\"u2\",\"timestamp\":\"2026-01-08T00:30:00Z\","
                        + "\"event\":\"Order Completed\",\"properties\":{\"revenue\":30.5}}",
                    track("u3", "2026-01-09T00:00:00Z", "Page Viewed"))
                .toString(),
            "--summary",
            "--format",
            "csv",
            "--quiet");
    assertThat(cli.out())
        .contains("journey,cart,,entered,2\n")
        .contains("journey,cart,,sent,1\n")
        .contains("journey,cart,,exited,1\n")
        .contains("journey,cart,,converted,1\n")
        .contains("journey,cart,,revenue,30.50\n")
        .contains("step,cart,step-2,send,1\n")
        .contains("day,cart,2026-01-08,entered,2\n");
  }

  @Test
  void jsonlCarriesEveryFieldAndProfilesAndApiTriggersAreRead() throws IOException {
    Files.writeString(
        dir.resolve("profiles.jsonl"),
        "{\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"},\"timezone\":\"Asia/Tehran\",\"locale\":\"fa-IR\"}\n");
    String vip =
        """
        id: vip
        goal: onboard pro customers
        trigger: api
        steps:
          - branch:
              - if: profile.plan == "pro" && event.properties.source == "sales"
                goto: pro
          - exit
          - id: pro
            send: email
            template: pro-welcome
        """;
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            journeys(vip).toString(),
            "--events",
            events(
                    "{\"type\":\"trigger\",\"journey\":\"vip\",\"userId\":\"u1\","
                        + "\"timestamp\":\"2026-01-08T00:00:00Z\",\"properties\":{\"source\":\"sales\"}}")
                .toString(),
            "--profiles",
            dir.resolve("profiles.jsonl").toString(),
            "--format",
            "jsonl",
            "--quiet");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    String send =
        cli.out().lines().filter(l -> l.contains("\"kind\":\"send\"")).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> m = new ObjectMapper().readValue(send, Map.class);
    assertThat(m)
        .containsEntry("journey", "vip")
        .containsEntry("profile", "u1")
        .containsEntry("step", "pro")
        .containsEntry("channel", "email")
        .containsEntry("template", "pro-welcome")
        .containsEntry("category", "marketing")
        .containsKey("messageId")
        .containsKey("reason");
  }

  @Test
  void unknownApiJourneyIsABadLine() throws IOException {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            journeys(CART).toString(),
            "--events",
            events(
                    "{\"type\":\"trigger\",\"journey\":\"nope\",\"userId\":\"u1\","
                        + "\"timestamp\":\"2026-01-08T00:00:00Z\"}")
                .toString(),
            "--quiet");
    assertThat(cli.err()).contains("line 1: journey: no journey with id 'nope'");
  }

  @Test
  void jsonlWritesTimeValuesThatProfileUpdatesSet() {
    // s06 sets last_negative_feedback_at: now, an Instant in the profile-update effect.
    List<String> lines = Cli.example("s06-negative-feedback.jsonl", "--format", "jsonl");
    assertThat(lines).anyMatch(l -> l.contains("last_negative_feedback_at") && l.contains("Z\""));
  }
}
