package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.Timer;
import io.kairos.event.EventParser;
import io.kairos.journey.Category;
import io.kairos.journeys.DefinitionFiles;
import io.kairos.simulation.Simulator;
import io.kairos.time.Timestamps;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random timelines through every example definition at once (journeys of all trigger kinds,
 * segments, geofences, scores, pools, calendars, policies and the product catalogue), as they would
 * all be live in one workspace, checked against properties that must hold for any input: the same
 * input gives the same output; time never goes backwards; no marketing message goes out inside the
 * customer's quiet hours; no message id is sent twice; every deferred message is later sent or
 * skipped with a reason, unless it is still due after the run.
 */
class WorkspaceRandomTimelinesTest {

  private static final String[] ZONES = {
    "Europe/Berlin", "America/New_York", "Asia/Tehran", "Australia/Lord_Howe", "Asia/Tokyo"
  };

  private static final String[] EVENTS = {
    "Signed Up",
    "Product Added",
    "Product Viewed",
    "Order Completed",
    "Order Shipped",
    "Order Delivered",
    "Email Opened",
    "Survey Answered",
    "Page Viewed",
    "Products Searched",
    "Ebook Downloaded",
    "Feedback Submitted",
    "Trial Started",
    "Subscription Started",
    "Unsubscribed",
    "Demo Requested",
    "App Opened",
    "Form Submitted",
    "Subscription Renewed"
  };

  private static final String[] PRODUCTS = {"sku-1", "sku-2", "sku-3", "sku-4", "sku-5"};

  @Test
  void anyTimelineThroughTheWholeWorkspaceKeepsTheRules() throws Exception {
    Definitions defs = DefinitionFiles.load(Path.of("..", "examples", "journeys"));
    Map<String, Integer> kinds = new HashMap<>();
    for (long seed = 1; seed <= 6; seed++) {
      List<String> lines = timeline(seed);
      long end = Timestamps.parse(lastTimestamp(lines)) + 40L * 86_400_000L;
      Run first = run(defs, lines, end);
      Run second = run(defs, lines, end);
      assertThat(second.trace).as("seed %d: same input, same output", seed).isEqualTo(first.trace);
      assertThat(first.trace).as("seed %d: something happened", seed).hasSizeGreaterThan(100);
      checkTimeNeverGoesBack(first.effects, seed);
      checkQuietHours(first.effects, first.zones, seed);
      checkNoMessageTwiceAndDeferralsResolve(first.effects, end, seed);
      first.effects.forEach(e -> kinds.merge(e.getClass().getSimpleName(), 1, Integer::sum));
    }
    // The properties are only worth something if the runs reached every kind of decision.
    assertThat(kinds)
        .containsKeys(
            "Send",
            "Deferred",
            "Skipped",
            "Scheduled",
            "LocationChanged",
            "ScoreChanged",
            "StageChanged",
            "Converted",
            "SplitAssigned");
  }

  private record Run(List<String> trace, List<Effect> effects, Map<String, ZoneId> zones) {}

  private static Run run(Definitions defs, List<String> lines, long end) {
    List<Effect> effects = new ArrayList<>();
    Effects sink =
        new Effects() {
          @Override
          public void emit(Effect e) {
            effects.add(e);
          }

          @Override
          public void schedule(Timer timer) {}
        };
    Simulator sim = new Simulator(new Engine(defs, ZoneOffset.UTC), sink);
    EventParser parser = new EventParser();
    for (String line : lines) {
      EventParser.Result r = parser.parse(line);
      assertThat(r).as(line).isInstanceOf(EventParser.Result.Parsed.class);
      sim.accept(((EventParser.Result.Parsed) r).event());
    }
    sim.finish(end);
    List<String> trace = new ArrayList<>(effects.size());
    for (Effect e : effects) {
      trace.add(
          e.journey()
              + "|"
              + e.profile()
              + "|"
              + e.time()
              + "|"
              + e.step()
              + "|"
              + e.summary()
              + "|"
              + e.reason());
    }
    Map<String, ZoneId> zones = new HashMap<>();
    for (String line : lines) {
      int at = line.indexOf("\"timezone\":\"");
      if (at >= 0) {
        String user = line.substring(line.indexOf("\"userId\":\"") + 10);
        user = user.substring(0, user.indexOf('"'));
        String zone = line.substring(at + 12, line.indexOf('"', at + 12));
        zones.put(user, ZoneId.of(zone));
      }
    }
    return new Run(trace, effects, zones);
  }

  private static void checkTimeNeverGoesBack(List<Effect> effects, long seed) {
    long last = Long.MIN_VALUE;
    for (Effect e : effects) {
      assertThat(e.time()).as("seed %d: %s", seed, e).isGreaterThanOrEqualTo(last);
      last = e.time();
    }
  }

  /** examples/journeys/policies.yaml: marketing email 21:00-08:00, sms 20:00-09:00, local. */
  private static void checkQuietHours(List<Effect> effects, Map<String, ZoneId> zones, long seed) {
    for (Effect e : effects) {
      if (!(e instanceof Effect.Send s) || s.category() == Category.TRANSACTIONAL) {
        continue;
      }
      ZoneId zone = zones.getOrDefault(s.profile(), ZoneOffset.UTC);
      LocalTime local = Instant.ofEpochMilli(s.time()).atZone(zone).toLocalTime();
      boolean sms = s.channel().equals("sms");
      LocalTime from = LocalTime.of(sms ? 20 : 21, 0);
      LocalTime to = LocalTime.of(sms ? 9 : 8, 0);
      boolean quiet = !local.isBefore(from) || local.isBefore(to);
      if (s.channel().equals("email") || sms || s.channel().equals("push")) {
        assertThat(quiet)
            .as("seed %d: %s sent at %s local in %s", seed, s.messageId(), local, zone)
            .isFalse();
      }
    }
  }

  private static void checkNoMessageTwiceAndDeferralsResolve(
      List<Effect> effects, long end, long seed) {
    Set<String> sent = new HashSet<>();
    Map<String, Long> pending = new HashMap<>();
    for (Effect e : effects) {
      if (e instanceof Effect.Send s) {
        assertThat(sent.add(s.messageId())).as("seed %d: %s sent twice", seed, s).isTrue();
        pending.remove(s.messageId());
      } else if (e instanceof Effect.Deferred d) {
        assertThat(d.until())
            .as("seed %d: deferred into the past: %s", seed, d)
            .isGreaterThan(d.time());
        pending.put(d.messageId(), d.until());
      } else if (e instanceof Effect.Skipped s) {
        assertThat(s.reason()).isNotBlank();
        pending.remove(s.messageId());
      }
    }
    pending.forEach(
        (id, until) ->
            assertThat(until)
                .as("seed %d: deferred %s never decided again", seed, id)
                .isGreaterThan(end));
  }

  // ---- the generator -------------------------------------------------------------------------

  static List<String> timeline(long seed) {
    return timeline(seed, 12, 220);
  }

  /** {@code users} customers (u0, u1, ...), then {@code n} events among them. */
  static List<String> timeline(long seed, int users, int n) {
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>();
    long t = Timestamps.parse("2026-03-01T00:00:00Z");
    for (int u = 0; u < users; u++) {
      String zone = ZONES[rnd.nextInt(ZONES.length)];
      out.add(identify(rnd, "u" + u, t + u * 60_000L, zone));
    }
    t += users * 60_000L;
    for (int i = 0; i < n; i++) {
      // Mostly minutes apart, sometimes the same moment, sometimes days of quiet.
      int gap = rnd.nextInt(10);
      t += gap == 0 ? 0 : gap < 7 ? rnd.nextInt(90) * 60_000L : rnd.nextInt(6) * 86_400_000L;
      String user = "u" + rnd.nextInt(users);
      if (rnd.nextInt(12) == 0) {
        out.add(identify(rnd, user, t, null));
      } else {
        out.add(track(rnd, user, t));
      }
    }
    return out;
  }

  static String identify(Random rnd, String user, long t, String zone) {
    StringBuilder traits = new StringBuilder();
    traits.append("\"email\":\"").append(user).append("@example.com\"");
    if (rnd.nextBoolean()) {
      traits.append(",\"phone\":\"+4915100000").append(rnd.nextInt(900) + 100).append('"');
    }
    if (rnd.nextBoolean()) {
      traits.append(",\"push_token\":\"tok-").append(user).append('"');
    }
    traits
        .append(",\"birthday\":\"19")
        .append(60 + rnd.nextInt(40))
        .append('-')
        .append(String.format(Locale.ROOT, "%02d-%02d", 1 + rnd.nextInt(12), 1 + rnd.nextInt(28)))
        .append('"');
    traits.append(",\"newsletter\":").append(rnd.nextBoolean());
    traits
        .append(",\"subscription\":{\"plan\":\"pro\",\"renews_at\":\"2026-")
        .append(String.format(Locale.ROOT, "%02d-%02d", 3 + rnd.nextInt(9), 1 + rnd.nextInt(28)))
        .append("\"}");
    return "{\"type\":\"identify\",\"userId\":\""
        + user
        + "\",\"timestamp\":\""
        + Timestamps.format(t)
        + "\",\"traits\":{"
        + traits
        + "}"
        + (zone == null ? "" : ",\"context\":{\"timezone\":\"" + zone + "\"}")
        + "}";
  }

  static String track(Random rnd, String user, long t) {
    String name = EVENTS[rnd.nextInt(EVENTS.length)];
    String product = PRODUCTS[rnd.nextInt(PRODUCTS.length)];
    String props =
        switch (name) {
          case "Product Added", "Product Viewed" ->
              "\"product_id\":\"" + product + "\",\"price\":" + (5 + rnd.nextInt(500));
          case "Order Completed" ->
              "\"revenue\":"
                  + (10 + rnd.nextInt(300))
                  + ",\"products\":[{\"product_id\":\""
                  + product
                  + "\"},{\"product_id\":\""
                  + PRODUCTS[rnd.nextInt(PRODUCTS.length)]
                  + "\"}]";
          case "Survey Answered" ->
              "\"answer\":\"" + (rnd.nextBoolean() ? "shipping cost" : "price") + "\"";
          case "Page Viewed" ->
              "\"path\":\"" + (rnd.nextBoolean() ? "/pricing" : "/services/seo") + "\"";
          case "Products Searched" -> "\"query\":\"tv\"";
          case "Feedback Submitted" -> "\"rating\":" + (1 + rnd.nextInt(5));
          case "Subscription Started" -> "\"revenue\":" + (29 + rnd.nextInt(70));
          case "Unsubscribed" -> "\"channel\":\"" + (rnd.nextBoolean() ? "email" : "sms") + "\"";
          default -> "";
        };
    String context = "";
    if (name.equals("App Opened") || rnd.nextInt(8) == 0) {
      // Around the example store fence in Berlin: sometimes inside, sometimes outside.
      double lat = 52.5219 + (rnd.nextDouble() - 0.5) * 0.01;
      double lon = 13.4132 + (rnd.nextDouble() - 0.5) * 0.01;
      context =
          String.format(
              Locale.ROOT,
              ",\"context\":{\"location\":{\"latitude\":%.5f,\"longitude\":%.5f}}",
              lat,
              lon);
    }
    return "{\"type\":\"track\",\"userId\":\""
        + user
        + "\",\"timestamp\":\""
        + Timestamps.format(t)
        + "\",\"event\":\""
        + name
        + "\",\"properties\":{"
        + props
        + "}"
        + context
        + "}";
  }

  private static String lastTimestamp(List<String> lines) {
    String l = lines.get(lines.size() - 1);
    int at = l.indexOf("\"timestamp\":\"") + 13;
    return l.substring(at, l.indexOf('"', at));
  }
}
