package io.kairos.server.runtime;

import io.kairos.time.Timestamps;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Seeded random timelines over the example workspace (after app's WorkspaceRandomTimelinesTest), in
 * time order: identified customers with zones and date traits, anonymous visitors who later
 * identify (merges), and the events the example journeys react to. Long quiet gaps make waits,
 * inactivity, deferred messages and segment timers fire in between.
 */
final class RandomTimelines {
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
    "Subscription Renewed",
    "Site Visited"
  };

  private static final String[] PRODUCTS = {"sku-1", "sku-2", "sku-3", "sku-4", "sku-5"};

  private RandomTimelines() {}

  static List<String> timeline(long seed, int users, int events) {
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>();
    long t = Timestamps.parse("2026-03-01T00:00:00Z");
    for (int u = 0; u < users; u++) {
      out.add(identify(rnd, "u" + u, null, t + u * 60_000L, ZONES[rnd.nextInt(ZONES.length)]));
    }
    t += users * 60_000L;
    int visitors = 0;
    for (int i = 0; i < events; i++) {
      // Mostly minutes apart, sometimes the same moment, sometimes days of quiet.
      int gap = rnd.nextInt(10);
      t += gap == 0 ? 0 : gap < 7 ? rnd.nextInt(90) * 60_000L : rnd.nextInt(6) * 86_400_000L;
      int dice = rnd.nextInt(24);
      if (dice == 0) {
        // A visitor browses anonymously, then signs up as a new customer.
        String anon = "anon-" + seed + "-" + (visitors++);
        String user = "v" + visitors + "-" + seed;
        out.add(anonymous(rnd, anon, t));
        out.add(anonymous(rnd, anon, t + 60_000L));
        out.add(identify(rnd, user, anon, t + 120_000L, null));
        t += 120_000L;
      } else if (dice < 3) {
        out.add(identify(rnd, "u" + rnd.nextInt(users), null, t, null));
      } else {
        out.add(track(rnd, "\"userId\":\"u" + rnd.nextInt(users) + "\"", t));
      }
    }
    return out;
  }

  private static String anonymous(Random rnd, String anon, long t) {
    return track(rnd, "\"anonymousId\":\"" + anon + "\"", t);
  }

  private static String identify(Random rnd, String user, String anon, long t, String zone) {
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
        + "\""
        + (anon == null ? "" : ",\"anonymousId\":\"" + anon + "\"")
        + ",\"timestamp\":\""
        + Timestamps.format(t)
        + "\",\"traits\":{"
        + traits
        + "}"
        + (zone == null ? "" : ",\"context\":{\"timezone\":\"" + zone + "\"}")
        + "}";
  }

  private static String track(Random rnd, String who, long t) {
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
    return "{\"type\":\"track\","
        + who
        + ",\"timestamp\":\""
        + Timestamps.format(t)
        + "\",\"event\":\""
        + name
        + "\",\"properties\":{"
        + props
        + "}"
        + context
        + "}";
  }

  static long lastTimestamp(List<String> lines) {
    String l = lines.get(lines.size() - 1);
    int at = l.indexOf("\"timestamp\":\"") + 13;
    return Timestamps.parse(l.substring(at, l.indexOf('"', at)));
  }
}
