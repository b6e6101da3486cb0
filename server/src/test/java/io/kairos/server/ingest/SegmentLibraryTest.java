package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;
import io.kairos.event.Event;
import io.kairos.event.EventParser;
import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The official Segment library for Java, unchanged, pointed at the server. */
class SegmentLibraryTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theOfficialJavaLibraryDeliversEveryCallType(StoreKind kind) throws Exception {
    try (Fixture f = Fixture.start(kind, dir)) {
      int calls = 6;
      CountDownLatch done = new CountDownLatch(calls);
      Map<String, Message> delivered = new ConcurrentHashMap<>();
      Map<String, Throwable> failed = new ConcurrentHashMap<>();
      Analytics analytics =
          Analytics.builder(f.ingestKey)
              .endpoint("http://127.0.0.1:" + f.server.port())
              .flushQueueSize(calls)
              .retries(1)
              .callback(
                  new Callback() {
                    @Override
                    public void success(Message message) {
                      delivered.put(message.messageId(), message);
                      done.countDown();
                    }

                    @Override
                    public void failure(Message message, Throwable throwable) {
                      failed.put(message.messageId(), throwable);
                      done.countDown();
                    }
                  })
              .build();
      try {
        analytics.enqueue(AliasMessage.builder("visitor-1").userId("user-1"));
        analytics.enqueue(
            IdentifyMessage.builder().userId("user-1").traits(Map.of("plan", "pro", "seats", 3)));
        analytics.enqueue(
            TrackMessage.builder("Order Completed")
                .userId("user-1")
                .properties(Map.of("total", 99.5, "currency", "EUR")));
        analytics.enqueue(PageMessage.builder("Pricing").userId("user-1"));
        analytics.enqueue(ScreenMessage.builder("Cart").anonymousId("device-9"));
        analytics.enqueue(
            GroupMessage.builder("acme").userId("user-1").traits(Map.of("name", "Acme")));
        analytics.flush();
        assertThat(done.await(30, TimeUnit.SECONDS)).as("callbacks").isTrue();
      } finally {
        analytics.shutdown();
      }
      assertThat(failed).isEmpty();
      assertThat(delivered).hasSize(calls);

      List<Map<String, Object>> rows = f.eventRows();
      assertThat(rows)
          .extracting(r -> r.get("type") + ":" + r.get("name") + ":" + r.get("profile"))
          .containsExactly(
              "alias:Alias:user-1",
              "identify:Identify:user-1",
              "track:Order Completed:user-1",
              "page:Page Viewed:user-1",
              "screen:Screen Viewed:device-9",
              "group:Group:user-1");
      EventParser parser = new EventParser();
      for (Map<String, Object> row : rows) {
        String id = (String) row.get("message_id");
        assertThat(delivered).containsKey(id);
        Event e = ((EventParser.Result.Parsed) parser.parse((String) row.get("body"))).event();
        assertThat(e.messageId()).isEqualTo(id);
        // The library stamps with the real clock and says when it sent; the server corrects the
        // skew against its own (test) clock, so the event lands just before its arrival.
        long ts = ((Number) row.get("timestamp")).longValue();
        assertThat(ts)
            .isBetween(Fixture.START.toEpochMilli() - 30_000, Fixture.START.toEpochMilli());
      }
      Event track =
          ((EventParser.Result.Parsed) parser.parse((String) rows.get(2).get("body"))).event();
      assertThat(track.properties().get("currency")).isEqualTo("EUR");
      Event identify =
          ((EventParser.Result.Parsed) parser.parse((String) rows.get(1).get("body"))).event();
      assertThat(identify.traits().get("plan")).isEqualTo("pro");
      Event page =
          ((EventParser.Result.Parsed) parser.parse((String) rows.get(3).get("body"))).event();
      assertThat(page.properties().get("name")).isEqualTo("Pricing");
      // The library's batch context (its name and version) reached every message.
      assertThat(track.context().raw().get("library")).isNotNull();
    }
  }
}
