package io.kairos.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.event.EventParser;
import io.kairos.event.EventParser.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing Segment track events as the ingestion path sees them: one ops/s is one event/s on one
 * thread. The mix is 1,024 distinct e-commerce events of 335–436 bytes (mean 369) (messageId,
 * userId, timestamp, event, properties with product_id/price/quantity/category, context with
 * ip/locale/timezone/library), so branch prediction cannot learn a single message.
 *
 * <p>{@code jacksonTree} is the baseline it replaces: a full {@code readTree} of the same bytes;
 * {@code jacksonTokens} only walks Jackson's tokens, the floor for any parser built on Jackson.
 * {@code parseThenReadProperties} adds what a trigger condition on a property costs.
 *
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/kairos-bench.jar EventParserBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventParserBenchmark {

  private static final int MESSAGES = 1024;
  private static final String[] EVENTS = {
    "Product Viewed", "Product Added", "Product Removed", "Cart Viewed", "Checkout Started",
    "Order Completed", "Products Searched", "Product Clicked", "Coupon Applied", "Signed Up",
    "Wishlist Product Added", "Payment Info Entered"
  };
  private static final String[] CATEGORIES = {
    "Shoes", "Jeans", "Shirts", "TV & Video", "Kitchen", "Books", "Toys", "Garden"
  };
  private static final String[] LOCALES = {"en-US", "fa-IR", "de-DE", "fr-FR", "en-GB", "es-ES"};
  private static final String[] ZONES = {
    "America/New_York",
    "Asia/Tehran",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/London",
    "America/Los_Angeles",
    "Asia/Tokyo"
  };
  private static final String[] LIBRARIES = {
    "\"name\":\"analytics.js\",\"version\":\"4.1.0\"",
    "\"name\":\"analytics-android\",\"version\":\"4.11.3\"",
    "\"name\":\"analytics-java\",\"version\":\"3.5.1\""
  };

  private final EventParser parser = new EventParser();
  private final ObjectMapper mapper = new ObjectMapper();
  private final JsonFactory factory = new JsonFactory();
  private byte[][] messages;
  private int next;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    messages = new byte[MESSAGES][];
    int min = Integer.MAX_VALUE;
    int max = 0;
    long total = 0;
    for (int i = 0; i < MESSAGES; i++) {
      byte[] m = message(random).getBytes(StandardCharsets.UTF_8);
      if (!(parser.parse(m, 0, m.length) instanceof Result.Parsed)) {
        throw new IllegalStateException(
            "generated an invalid message: " + parser.parse(m, 0, m.length));
      }
      messages[i] = m;
      min = Math.min(min, m.length);
      max = Math.max(max, m.length);
      total += m.length;
    }
    System.out.printf(
        "%n%d messages, %d–%d bytes, mean %d%n", MESSAGES, min, max, total / MESSAGES);
  }

  @Benchmark
  public Result parse() {
    byte[] m = messages[next++ & (MESSAGES - 1)];
    return parser.parse(m, 0, m.length);
  }

  @Benchmark
  public Object parseThenReadProperties() {
    byte[] m = messages[next++ & (MESSAGES - 1)];
    return ((Result.Parsed) parser.parse(m, 0, m.length)).event().properties().get("price");
  }

  @Benchmark
  public int jacksonTokens() throws IOException {
    byte[] m = messages[next++ & (MESSAGES - 1)];
    int tokens = 0;
    try (JsonParser p = factory.createParser(m, 0, m.length)) {
      while (p.nextToken() != null) {
        tokens++;
      }
    }
    return tokens;
  }

  @Benchmark
  public Object jacksonTree() throws IOException {
    byte[] m = messages[next++ & (MESSAGES - 1)];
    return mapper.readTree(m, 0, m.length);
  }

  static String message(Random r) {
    long millis =
        Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() + r.nextInt(86_400_000) * 30L;
    if (r.nextBoolean()) {
      millis -= millis % 1000; // server libraries often send whole seconds
    }
    // Browser libraries send UUIDs; batch importers often short sequential ids.
    String messageId =
        r.nextBoolean()
            ? new UUID(r.nextLong(), r.nextLong()).toString()
            : String.format(Locale.ROOT, "m-%09d", r.nextInt(1_000_000_000));
    String product = "prod-" + (10_000 + r.nextInt(90_000));
    StringBuilder s = new StringBuilder(400);
    s.append("{\"type\":\"track\",\"messageId\":\"")
        .append(messageId)
        .append("\",\"userId\":\"user-")
        .append(r.nextInt(1_000_000))
        .append("\",\"timestamp\":\"")
        .append(Instant.ofEpochMilli(millis))
        .append("\",\"event\":\"")
        .append(EVENTS[r.nextInt(EVENTS.length)])
        .append("\",\"properties\":{\"product_id\":\"")
        .append(product)
        .append("\",\"price\":")
        .append(String.format(Locale.ROOT, "%.2f", 1 + r.nextInt(50_000) / 100.0))
        .append(",\"quantity\":")
        .append(1 + r.nextInt(5))
        .append(",\"category\":\"")
        .append(CATEGORIES[r.nextInt(CATEGORIES.length)])
        .append('"');
    if (r.nextInt(4) == 0) {
      s.append(",\"currency\":\"USD\"");
    }
    s.append("},\"context\":{\"ip\":\"")
        .append(r.nextInt(223) + 1)
        .append('.')
        .append(r.nextInt(256))
        .append('.')
        .append(r.nextInt(256))
        .append('.')
        .append(r.nextInt(256))
        .append("\",\"locale\":\"")
        .append(LOCALES[r.nextInt(LOCALES.length)])
        .append("\",\"timezone\":\"")
        .append(ZONES[r.nextInt(ZONES.length)])
        .append("\",\"library\":{")
        .append(LIBRARIES[r.nextInt(LIBRARIES.length)])
        .append("}}");
    if (r.nextInt(8) == 0) {
      s.append(",\"sentAt\":\"").append(Instant.ofEpochMilli(millis + r.nextInt(5000))).append('"');
    }
    return s.append('}').toString();
  }
}
