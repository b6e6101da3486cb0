package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.EventType;
import io.kairos.server.store.Database;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Duplicates are found across a restart with the dedupe filter in front of the store: the filter is
 * filled from {@code message_ids} at the start, and once it is, a new messageId is acknowledged
 * without a lookup in the store while a duplicate still is looked up and dropped.
 */
class DedupeWindowTest {
  @TempDir Path dir;

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDuplicateOfAnEventStoredBeforeTheStartIsDroppedAndNewOnesSkipTheStore(StoreKind kind)
      throws Exception {
    VirtualClock clock = new VirtualClock(NOW);
    try (Database db = TestStores.open(kind, dir)) {
      // More than one scan query's worth, in two workspaces.
      int before = 25_000;
      IngestWriter first = writer(db, clock, new SimpleMeterRegistry());
      first.start();
      try {
        for (int from = 0; from < before; from += 500) {
          List<Accepted> batch = new ArrayList<>();
          for (int i = from; i < from + 500; i++) {
            batch.add(track(i));
          }
          first.submit(batch).get(60, TimeUnit.SECONDS);
        }
        first.awaitStored(Duration.ofSeconds(60));
      } finally {
        first.stop(Duration.ofSeconds(30));
      }

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      IngestWriter second = writer(db, clock, registry);
      second.start();
      try {
        assertThat(second.awaitDedupeFilter(Duration.ofSeconds(60))).isTrue();

        // Every earlier id is a duplicate, whichever workspace it was in.
        List<Accepted> again = new ArrayList<>();
        for (int i = 0; i < before; i += 97) {
          again.add(track(i));
        }
        long[] seqs = second.submit(again).get(60, TimeUnit.SECONDS);
        assertThat(seqs).containsOnly(-1L);
        assertThat(count(registry, "store")).isEqualTo(again.size());

        // New ids: acknowledged and logged, the store not asked (one in 100,000 may be).
        List<Accepted> fresh = new ArrayList<>();
        for (int i = before; i < before + 2_000; i++) {
          fresh.add(track(i));
        }
        long[] logged = second.submit(fresh).get(60, TimeUnit.SECONDS);
        assertThat(java.util.Arrays.stream(logged).min().getAsLong()).isPositive();
        assertThat(count(registry, "filter")).isGreaterThanOrEqualTo(fresh.size() - 1);
        assertThat(count(registry, "store")).isLessThanOrEqualTo(again.size() + 1L);

        // And they are duplicates right after, stored or not.
        assertThat(second.submit(fresh.subList(0, 10)).get(60, TimeUnit.SECONDS)).containsOnly(-1L);
        second.awaitStored(Duration.ofSeconds(60));
        assertThat(second.submit(fresh.subList(10, 20)).get(60, TimeUnit.SECONDS))
            .containsOnly(-1L);
      } finally {
        second.stop(Duration.ofSeconds(30));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anIdClaimedBySomeoneElseInTheDedupeTableIsADuplicate(StoreKind kind) throws Exception {
    VirtualClock clock = new VirtualClock(NOW);
    try (Database db = TestStores.open(kind, dir)) {
      IngestWriter writer = writer(db, clock, new SimpleMeterRegistry());
      writer.start();
      try {
        assertThat(writer.awaitDedupeFilter(Duration.ofSeconds(60))).isTrue();
        // As the SMS webhooks do: the caller claims the id in its own work alongside an append.
        EventLog.LogEntry entry =
            new EventLog.LogEntry(
                "default", "u-1", "track", "SMS Received", "sms-in/x/1/u-1", 0, 0, new byte[0]);
        writer.claiming(List.of(entry));
        writer
            .append(
                List.of(),
                c -> {
                  try (PreparedStatement ps =
                      c.prepareStatement(
                          "INSERT INTO message_ids(workspace, message_id, received_at)"
                              + " VALUES (?,?,?)")) {
                    ps.setString(1, "default");
                    ps.setString(2, "sms-in/x/1/u-1");
                    ps.setLong(3, NOW.toEpochMilli());
                    ps.executeUpdate();
                  }
                  return null;
                })
            .get(60, TimeUnit.SECONDS);
        Accepted same = withId(track(2), "sms-in/x/1/u-1");
        assertThat(writer.submit(List.of(same)).get(60, TimeUnit.SECONDS)).containsExactly(-1L);
      } finally {
        writer.stop(Duration.ofSeconds(30));
      }
    }
  }

  private IngestWriter writer(Database db, VirtualClock clock, SimpleMeterRegistry registry) {
    return new IngestWriter(
        db,
        dir.resolve("ingest-log"),
        1 << 20,
        new Partitioner(2),
        Duration.ofDays(7),
        DedupeFilterTest.MEMORY,
        clock,
        100_000,
        new IngestMetrics(registry, () -> 0));
  }

  private static double count(SimpleMeterRegistry registry, String answeredBy) {
    return registry
        .get("kairos.ingest.dedupe.ids")
        .tag("answered_by", answeredBy)
        .counter()
        .count();
  }

  private static Accepted track(int i) {
    return withId(
        new Accepted(
            i % 2 == 0 ? "default" : "other",
            null,
            EventType.TRACK,
            "Clicked",
            "u-" + i % 50,
            null,
            null,
            NOW.toEpochMilli(),
            NOW.toEpochMilli(),
            null),
        "m-" + i);
  }

  private static Accepted withId(Accepted a, String messageId) {
    String body =
        "{\"type\":\"track\",\"messageId\":\""
            + messageId
            + "\",\"userId\":\""
            + a.userId()
            + "\",\"event\":\"Clicked\",\"timestamp\":\"2026-01-01T00:00:00.000Z\"}";
    return new Accepted(
        a.workspace(),
        messageId,
        a.type(),
        a.name(),
        a.userId(),
        null,
        null,
        a.timestamp(),
        a.receivedAt(),
        body.getBytes(StandardCharsets.UTF_8));
  }
}
