package io.kairos.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {

  private static final GeneratorOptions OPTIONS = GeneratorOptions.of(2000, 100, 42);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] bytes;
  private static Summary summary;
  private static List<JsonNode> events;

  @BeforeAll
  static void generate() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    summary = EventGenerator.generate(OPTIONS, out);
    bytes = out.toByteArray();
    events = new ArrayList<>();
    for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n", -1)) {
      if (!line.isEmpty()) {
        events.add(JSON.readTree(line));
      }
    }
  }

  @Test
  void the_same_seed_gives_the_same_bytes() {
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    EventGenerator.generate(OPTIONS, again);
    assertThat(again.toByteArray()).isEqualTo(bytes);
  }

  @Test
  void another_seed_gives_another_file() {
    ByteArrayOutputStream other = new ByteArrayOutputStream();
    EventGenerator.generate(GeneratorOptions.of(2000, 100, 43), other);
    assertThat(other.toByteArray()).isNotEqualTo(bytes);
  }

  @Test
  void writes_exactly_the_requested_number_of_valid_track_events_one_per_line() {
    assertThat(bytes[bytes.length - 1]).isEqualTo((byte) '\n');
    assertThat(events).hasSize(2000);
    assertThat(summary.events()).isEqualTo(2000);
    for (JsonNode event : events) {
      assertThat(event.path("type").asText()).isEqualTo("track");
      assertThat(event.path("messageId").asText()).startsWith("m-");
      assertThat(event.path("userId").asText()).startsWith("u-");
      assertThat(event.path("properties").isObject()).isTrue();
      assertThat(event.path("context").path("timezone").asText()).contains("/");
    }
    assertThat(events.stream().map(e -> e.path("messageId").asText()).distinct()).hasSize(2000);
  }

  @Test
  void timestamps_never_decrease() {
    Instant previous = Instant.MIN;
    for (JsonNode event : events) {
      Instant at = Instant.parse(event.path("timestamp").asText());
      assertThat(at).isAfterOrEqualTo(previous);
      previous = at;
    }
  }

  @Test
  void every_user_starts_with_signed_up_and_signs_up_once() {
    Map<String, String> first = new HashMap<>();
    Map<String, Integer> signups = new HashMap<>();
    for (JsonNode event : events) {
      String user = event.path("userId").asText();
      String name = event.path("event").asText();
      first.putIfAbsent(user, name);
      if (name.equals("Signed Up")) {
        signups.merge(user, 1, Integer::sum);
      }
    }
    assertThat(first)
        .isNotEmpty()
        .allSatisfy((user, name) -> assertThat(name).isEqualTo("Signed Up"));
    assertThat(signups.values()).containsOnly(1);
    assertThat(signups).hasSize(summary.users());
  }

  @Test
  void has_same_second_ties_and_quiet_weeks() {
    int ties = 0;
    boolean weekGap = false;
    Map<String, Instant> lastSeen = new HashMap<>();
    String previous = "";
    for (JsonNode event : events) {
      String timestamp = event.path("timestamp").asText();
      if (timestamp.equals(previous)) {
        ties++;
      }
      previous = timestamp;
      Instant at = Instant.parse(timestamp);
      Instant before = lastSeen.put(event.path("userId").asText(), at);
      if (before != null && Duration.between(before, at).compareTo(Duration.ofDays(7)) >= 0) {
        weekGap = true;
      }
    }
    assertThat(ties).isEqualTo(summary.tiedEvents()).isPositive();
    assertThat(weekGap).isTrue();
  }

  @Test
  void exercises_every_journey_event_and_both_cart_outcomes() {
    assertThat(summary.countsByEvent()).allSatisfy((name, count) -> assertThat(count).isPositive());
    assertThat(summary.cartAddsAbandoned()).isPositive();
    assertThat(summary.cartAddsBought()).isPositive();
    Duration span = Duration.between(summary.first(), summary.last());
    assertThat(span).isBetween(Duration.ofDays(60), Duration.ofDays(90));
  }

  @Test
  void an_order_revenue_is_the_sum_of_its_lines() {
    for (JsonNode event : events) {
      if (event.path("event").asText().equals("Order Completed")) {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode line : event.path("properties").path("products")) {
          sum =
              sum.add(
                  line.path("price").decimalValue().multiply(line.path("quantity").decimalValue()));
        }
        assertThat(event.path("properties").path("revenue").decimalValue())
            .isEqualByComparingTo(sum);
      }
    }
  }
}
