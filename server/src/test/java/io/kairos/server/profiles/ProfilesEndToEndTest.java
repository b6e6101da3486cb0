package io.kairos.server.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.Timer;
import io.kairos.event.EventParser;
import io.kairos.server.testing.StoreKind;
import io.kairos.simulation.Simulator;
import io.kairos.simulation.Summary;
import io.kairos.time.Timestamps;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pacing example (S20: a welcome and a price-drop promotion under quiet hours, a 24 h gap, a
 * weekly cap and expiry) through the live server, event by event as the clock moves, then read back
 * over HTTP: the profile, its timeline with every decision and reason in the simulator's order, and
 * the journey stats as the simulator counts the same run.
 */
class ProfilesEndToEndTest {
  private static final String TIMELINE = "s20-pacing.jsonl";

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theProfileTimelineAndStatsOfAnExampleRunAreTheSimulatorsOwn(StoreKind kind) {
    try (ProfilesFixture f = new ProfilesFixture(kind, dir, true)) {
      List<String> lines = ProfilesFixture.lines(TIMELINE);
      long end = 0;
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i);
        String at = ProfilesFixture.json(l).get("timestamp").asText();
        end = Timestamps.parse(at);
        f.at(at);
        f.feed(List.of(l));
        f.idle();
        if (i == 5) {
          // 21:30 in New York time is night in Berlin: both of quim's messages wait for 08:00.
          whileQuimsMessagesWait(f);
        }
      }
      List<Effect> effects = simulate(f, lines, end);

      JsonNode paz = f.get("/v1/profiles/paz");
      assertThat(paz.get("id").asText()).isEqualTo("paz");
      assertThat(paz.get("user_id").asText()).isEqualTo("paz");
      assertThat(paz.get("traits").get("email").asText()).isEqualTo("paz@example.com");
      assertThat(paz.get("timezone").asText()).isEqualTo("America/New_York");
      assertThat(paz.get("first_seen").asText()).isEqualTo("2026-03-02T14:00:00Z");
      assertThat(paz.get("last_seen").asText()).isEqualTo("2026-03-09T16:00:00Z");
      assertThat(paz.get("events").get("Price Dropped").get("count").asInt()).isEqualTo(4);
      assertThat(paz.get("events").get("Price Dropped").get("last").asText())
          .isEqualTo("2026-03-09T16:00:00Z");
      assertThat(paz.get("events").get("Account Created").get("count").asInt()).isEqualTo(1);
      assertThat(paz.get("deferred_messages")).isEmpty();
      assertThat(paz.get("anonymous_ids")).isEmpty();

      timelineIsTheSimulatorsTrace(f, "paz", effects);
      timelineIsTheSimulatorsTrace(f, "quim", effects);
      statsAreTheSimulatorsCounts(f, effects);
    }
  }

  private static void whileQuimsMessagesWait(ProfilesFixture f) {
    JsonNode quim = f.get("/v1/profiles/quim");
    assertThat(quim.get("timezone").asText()).isEqualTo("Europe/Berlin");
    JsonNode deferred = quim.get("deferred_messages");
    assertThat(deferred).hasSize(2);
    List<String> journeys = new ArrayList<>();
    for (JsonNode d : deferred) {
      journeys.add(d.get("journey").asText());
      assertThat(d.get("due").asText()).isEqualTo("2026-03-03T07:00:00Z");
      assertThat(d.get("channel").asText()).isEqualTo("email");
      assertThat(d.get("step").asText()).isEqualTo("step-1");
    }
    assertThat(journeys).containsExactly("pacing-promo", "pacing-welcome");
    assertThat(deferred.get(0).get("category").asText()).isEqualTo("marketing");
    assertThat(deferred.get(0).get("deferred_at").asText()).isEqualTo("2026-03-02T21:00:00Z");
    assertThat(deferred.get(0).get("expires_at").asText()).isEqualTo("2026-03-04T21:00:00Z");
    assertThat(deferred.get(1).get("category").asText()).isEqualTo("lifecycle");
  }

  /** The simulator's effects for the same lines and definitions, until {@code end}. */
  private static List<Effect> simulate(ProfilesFixture f, List<String> lines, long end) {
    List<Effect> out = new ArrayList<>();
    Effects sink =
        new Effects() {
          @Override
          public void emit(Effect e) {
            out.add(e);
          }

          @Override
          public void schedule(Timer timer) {}
        };
    Simulator sim =
        new Simulator(
            new Engine(f.server.publishedDefinitions().published("default"), ZoneOffset.UTC), sink);
    EventParser parser = new EventParser();
    for (String l : lines) {
      sim.accept(((EventParser.Result.Parsed) parser.parse(l)).event());
    }
    sim.finish(end);
    return out;
  }

  private static String line(
      String time, String journey, String step, String summary, String reason) {
    return time + " | " + journey + " | " + step + " | " + summary + " | " + reason;
  }

  private static void timelineIsTheSimulatorsTrace(
      ProfilesFixture f, String profile, List<Effect> effects) {
    JsonNode all = f.get("/v1/profiles/" + profile + "/timeline?limit=500");
    assertThat(all.get("next").isNull()).isTrue();
    List<JsonNode> items = new ArrayList<>();
    all.get("items").forEach(items::add);

    // Pages of 4 give the same stream.
    List<JsonNode> paged = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      JsonNode page =
          f.get(
              "/v1/profiles/"
                  + profile
                  + "/timeline?limit=4"
                  + (next == null ? "" : "&before=" + next));
      page.get("items").forEach(paged::add);
      next = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
    } while (next != null);
    assertThat(paged).isEqualTo(items);
    assertThat(pages).isEqualTo((items.size() + 3) / 4);

    // Oldest first: every decision, as the simulator made it, in its order.
    List<JsonNode> chronological = new ArrayList<>(items);
    java.util.Collections.reverse(chronological);
    List<String> decisions = new ArrayList<>();
    List<Long> eventSeqs = new ArrayList<>();
    long lastEvent = -1;
    for (JsonNode it : chronological) {
      if (it.get("kind").asText().equals("event")) {
        lastEvent = it.get("seq").asLong();
        eventSeqs.add(lastEvent);
        continue;
      }
      decisions.add(
          line(
              it.get("at").asText(),
              it.get("journey").asText(),
              it.get("step").asText(),
              it.get("summary").asText(),
              it.get("reason").asText()));
      if (!it.get("seq").isNull()) {
        // An event's decisions follow it directly.
        assertThat(it.get("seq").asLong()).as("decision after its event").isEqualTo(lastEvent);
      }
    }
    List<String> expected = new ArrayList<>();
    for (Effect e : effects) {
      if (e.profile().equals(profile)) {
        expected.add(
            line(
                Timestamps.format(e.time()),
                String.valueOf(e.journey()),
                String.valueOf(e.step()),
                e.summary(),
                e.reason()));
      }
    }
    assertThat(decisions).isEqualTo(expected);
    assertThat(eventSeqs).isSorted();
    long lines =
        ProfilesFixture.lines(TIMELINE).stream()
            .filter(l -> l.contains("\"userId\":\"" + profile + "\""))
            .count();
    assertThat(eventSeqs).hasSize((int) lines);

    if (profile.equals("paz")) {
      JsonNode first = chronological.get(0);
      assertThat(first.get("kind").asText()).isEqualTo("event");
      assertThat(first.get("type").asText()).isEqualTo("identify");
      assertThat(first.get("traits").get("email").asText()).isEqualTo("paz@example.com");
      JsonNode drop =
          chronological.stream()
              .filter(i -> "Price Dropped".equals(i.path("name").asText()))
              .findFirst()
              .orElseThrow();
      assertThat(drop.get("properties").get("product_id").asText()).isEqualTo("boots-7");
      assertThat(drop.get("at").asText()).isEqualTo("2026-03-02T16:00:00Z");
      JsonNode deferred = only(items, "deferred");
      assertThat(deferred.get("journey").asText()).isEqualTo("pacing-promo");
      assertThat(deferred.get("reason").asText())
          .endsWith("held by min_gap 24h after the marketing message at 2026-03-02T14:00:00Z");
      assertThat(deferred.get("detail").get("until").asText()).isEqualTo("2026-03-03T14:00:00Z");
      assertThat(deferred.get("message_id").asText()).isNotBlank();
      assertThat(deferred.get("version").asText()).hasSize(12);
      JsonNode skipped = only(items, "skipped");
      assertThat(skipped.get("at").asText()).isEqualTo("2026-03-06T15:00:00Z");
      assertThat(skipped.get("summary").asText()).isEqualTo("skip email price-drop (expired)");
      assertThat(skipped.get("reason").asText())
          .contains("not sent: expired: the earliest allowed moment 2026-03-09T13:00:00Z")
          .contains("held by cap 3 per 7d across channels reached");
      assertThat(skipped.get("detail").get("cause").asText()).isEqualTo("expired");
      // The deferred message went out the next day, by a timer: no event caused it.
      JsonNode sentLater =
          items.stream()
              .filter(
                  i ->
                      i.get("kind").asText().equals("send")
                          && i.get("message_id")
                              .asText()
                              .equals(deferred.get("message_id").asText()))
              .findFirst()
              .orElseThrow();
      assertThat(sentLater.get("at").asText()).isEqualTo("2026-03-03T14:00:00Z");
      assertThat(sentLater.get("seq").isNull()).isTrue();
    }
  }

  private static JsonNode only(List<JsonNode> items, String kind) {
    List<JsonNode> of = items.stream().filter(i -> i.get("kind").asText().equals(kind)).toList();
    assertThat(of).as(kind).hasSize(1);
    return of.get(0);
  }

  /**
   * The trial-conversion example (S21): an offer test with a 20 % holdout, 376 events at once as a
   * backlog. Conversions of held-out customers are counted apart, as the simulator's lift does.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theStatsOfAHoldoutExperimentAreTheSimulatorsCounts(StoreKind kind) {
    // Days-old events act as they would have when they happened (not as history).
    try (ProfilesFixture f =
        new ProfilesFixture(kind, dir, true, c -> c.set("ingest.past_tolerance", "8760h"))) {
      List<String> lines = ProfilesFixture.lines("s21-trial-conversion.jsonl");
      String last = lines.get(lines.size() - 1);
      long end = Timestamps.parse(ProfilesFixture.json(last).get("timestamp").asText());
      f.clock.set(java.time.Instant.ofEpochMilli(end));
      f.feed(lines);
      f.idle();
      List<Effect> effects = simulate(f, lines, end);
      Summary summary = statsMatch(f, effects);
      Summary.JourneyTotals s = summary.journeys().get("trial-conversion");
      assertThat(s.holdoutConverted()).isPositive();
      assertThat(s.converted()).isPositive();
      JsonNode t = f.get("/v1/journeys/trial-conversion/stats").get("totals");
      assertThat(t.get("holdout_revenue").asDouble()).isCloseTo(s.holdoutRevenue(), within(1e-6));
      JsonNode versions = f.get("/v1/journeys/trial-conversion/stats?by=version").get("versions");
      assertThat(versions).hasSize(1);
      assertThat(versions.get(0).get("totals")).isEqualTo(t);
    }
  }

  /** Compares every journey's stats with the simulator's summary of the same effects. */
  private static Summary statsMatch(ProfilesFixture f, List<Effect> effects) {
    Summary summary = new Summary();
    Map<String, long[]> policySteps = new TreeMap<>();
    for (Effect e : effects) {
      if (e.journey() == null) {
        continue;
      }
      summary.record(e);
      long[] c = policySteps.computeIfAbsent(e.journey() + "/" + e.step(), k -> new long[2]);
      if (e instanceof Effect.Deferred) {
        c[0]++;
      } else if (e instanceof Effect.Skipped) {
        c[1]++;
      }
    }
    JsonNode all = f.get("/v1/stats/journeys");
    assertThat(all.get("from").isNull()).isTrue();
    int active = 0;
    for (JsonNode j : all.get("journeys")) {
      String id = j.get("journey").asText();
      JsonNode t = j.get("totals");
      Summary.JourneyTotals s = summary.journeys().get(id);
      if (s == null) {
        assertThat(t.get("entered").asLong()).as(id).isZero();
        assertThat(t.get("sent").asLong()).as(id).isZero();
        continue;
      }
      active++;
      assertThat(t.get("entered").asLong()).as(id).isEqualTo(s.entered());
      assertThat(t.get("refused").asLong()).as(id).isEqualTo(s.refused());
      assertThat(t.get("completed").asLong()).as(id).isEqualTo(s.completed());
      assertThat(t.get("exited").asLong()).as(id).isEqualTo(s.exited());
      assertThat(t.get("sent").asLong()).as(id).isEqualTo(s.sent());
      assertThat(t.get("converted").asLong()).as(id).isEqualTo(s.converted());
      assertThat(t.get("revenue").asDouble()).as(id).isCloseTo(s.revenue(), within(1e-6));
      assertThat(t.get("holdout_converted").asLong()).as(id).isEqualTo(s.holdoutConverted());
      for (JsonNode step : j.get("steps")) {
        long[] c = policySteps.getOrDefault(id + "/" + step.get("step").asText(), new long[2]);
        assertThat(step.get("deferred").asLong()).as(id + " " + step).isEqualTo(c[0]);
        assertThat(step.get("skipped").asLong()).as(id + " " + step).isEqualTo(c[1]);
      }
    }
    assertThat(active).isEqualTo(summary.journeys().size());
    return summary;
  }

  private static void statsAreTheSimulatorsCounts(ProfilesFixture f, List<Effect> effects) {
    statsMatch(f, effects);

    // The promotion, counted by hand from the trace in examples/timelines/expected.
    JsonNode promo = f.get("/v1/journeys/pacing-promo/stats");
    JsonNode t = promo.get("totals");
    assertThat(t.get("entered").asLong()).isEqualTo(5);
    assertThat(t.get("completed").asLong()).isEqualTo(5);
    assertThat(t.get("sent").asLong()).isEqualTo(4);
    assertThat(t.get("deferred").asLong()).isEqualTo(3);
    assertThat(t.get("deferred_messages").asLong()).isEqualTo(2);
    assertThat(t.get("skipped").asLong()).isEqualTo(1);
    List<String> steps = new ArrayList<>();
    promo.get("steps").forEach(s -> steps.add(s.get("step").asText()));
    assertThat(steps).containsExactly("trigger", "step-1", "end");
    assertThat(promo.has("versions")).isFalse();

    // From the 4th on: paz's three promotions, quim's deferred one sent at 07:00.
    JsonNode later = f.get("/v1/journeys/pacing-promo/stats?from=2026-03-04T00:00:00Z");
    assertThat(later.get("from").asText()).isEqualTo("2026-03-04T00:00:00Z");
    assertThat(later.get("totals").get("entered").asLong()).isEqualTo(3);
    assertThat(later.get("totals").get("sent").asLong()).isEqualTo(3);
    assertThat(later.get("totals").get("deferred").asLong()).isZero();
    JsonNode early =
        f.get("/v1/journeys/pacing-promo/stats?from=2026-03-02T00:00:00Z&to=2026-03-04T00:00:00Z");
    assertThat(early.get("totals").get("entered").asLong()).isEqualTo(2);
    assertThat(early.get("totals").get("sent").asLong()).isEqualTo(1);
    assertThat(early.get("totals").get("deferred").asLong()).isEqualTo(3);

    JsonNode byVersion = f.get("/v1/journeys/pacing-promo/stats?by=version");
    assertThat(byVersion.get("versions")).hasSize(1);
    JsonNode v = byVersion.get("versions").get(0);
    assertThat(v.get("version").asText()).hasSize(12);
    assertThat(v.get("totals")).isEqualTo(t);
  }
}
