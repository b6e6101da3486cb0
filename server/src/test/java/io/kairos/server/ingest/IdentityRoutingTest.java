package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IdentityRoutingTest {
  @TempDir Path dir;

  private static String call(String type, String fields) {
    return "{\"type\":\"" + type + "\"," + fields + ",\"timestamp\":\"2025-12-31T10:00:00Z\"}";
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void identifyMergesTheAnonymousProfileWithAMarkerRowBeforeTheEvent(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir, c -> c.set("runtime.partitions", "4"))) {
      Partitioner p = new Partitioner(4);
      f.post("/v1/page", call("page", "\"anonymousId\":\"anon-1\",\"name\":\"Home\""));
      f.post(
          "/v1/identify",
          call(
              "identify",
              "\"anonymousId\":\"anon-1\",\"userId\":\"user-1\",\"messageId\":\"idf\""));
      f.post("/v1/track", call("track", "\"anonymousId\":\"anon-1\",\"event\":\"Later\""));
      f.post(
          "/v1/track",
          call("track", "\"anonymousId\":\"anon-1\",\"userId\":\"user-1\",\"event\":\"Again\""));

      List<Map<String, Object>> rows = f.eventRows();
      assertThat(rows)
          .extracting(r -> r.get("type"))
          .containsExactly("page", "merge_out", "identify", "track", "track");
      Map<String, Object> page = rows.get(0);
      assertThat(page.get("profile")).isEqualTo("anon-1");
      assertThat(((Number) page.get("partition")).intValue())
          .isEqualTo(p.partition("default", "anon-1"));

      Map<String, Object> marker = rows.get(1);
      assertThat(marker.get("profile")).isEqualTo("anon-1");
      assertThat(marker.get("name")).isEqualTo("user-1");
      assertThat(marker.get("body")).isEqualTo("{}");
      assertThat(marker.get("merge_from")).isNull();
      assertThat(((Number) marker.get("partition")).intValue())
          .isEqualTo(p.partition("default", "anon-1"));

      Map<String, Object> identify = rows.get(2);
      assertThat(identify.get("profile")).isEqualTo("user-1");
      assertThat(identify.get("merge_from")).isEqualTo("anon-1");
      assertThat(identify.get("message_id")).isEqualTo("idf");
      assertThat(((Number) identify.get("seq")).longValue())
          .isGreaterThan(((Number) marker.get("seq")).longValue());
      assertThat(((Number) identify.get("partition")).intValue())
          .isEqualTo(p.partition("default", "user-1"));

      // Later anonymous events follow to the user; nothing is merged twice.
      assertThat(rows.get(3).get("profile")).isEqualTo("user-1");
      assertThat(rows.get(3).get("merge_from")).isNull();
      assertThat(rows.get(4).get("merge_from")).isNull();
      assertThat(f.rows("SELECT kind, value, profile FROM identities ORDER BY kind, value"))
          .containsExactly(
              Map.of("kind", "anonymous", "value", "anon-1", "profile", "user-1"),
              Map.of("kind", "user", "value", "user-1", "profile", "user-1"));
      // The runtime is told how far the log is committed.
      assertThat(f.server.ingestion().eventLog().lastCommittedSeq()).isEqualTo(5);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aliasMergesThePreviousIdAndEachMergeHasItsMarker(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      f.post("/v1/track", call("track", "\"anonymousId\":\"device-a\",\"event\":\"Opened\""));
      f.post("/v1/track", call("track", "\"anonymousId\":\"device-b\",\"event\":\"Opened\""));
      f.post("/v1/track", call("track", "\"userId\":\"known\",\"event\":\"Opened\""));
      f.post("/v1/alias", call("alias", "\"previousId\":\"device-a\",\"userId\":\"u-7\""));
      // Two merges at once (an anonymousId and a different previousId): one marker each, the
      // first merge as a merge_in row of its own, the last carried by the event.
      f.post("/v1/track", call("track", "\"anonymousId\":\"device-c\",\"event\":\"Opened\""));
      f.post("/v1/track", call("track", "\"anonymousId\":\"device-d\",\"event\":\"Opened\""));
      f.post(
          "/v1/alias",
          call(
              "alias",
              "\"anonymousId\":\"device-c\",\"previousId\":\"device-d\",\"userId\":\"u-8\""));
      // A previousId that is a known user's id is not merged.
      f.post("/v1/alias", call("alias", "\"previousId\":\"known\",\"userId\":\"u-9\""));

      List<Map<String, Object>> rows = f.eventRows();
      assertThat(rows)
          .extracting(r -> r.get("type") + ":" + r.get("profile") + ":" + r.get("merge_from"))
          .containsExactly(
              "track:device-a:null",
              "track:device-b:null",
              "track:known:null",
              "merge_out:device-a:null",
              "alias:u-7:device-a",
              "track:device-c:null",
              "track:device-d:null",
              "merge_out:device-c:null",
              "merge_out:device-d:null",
              "merge_in:u-8:device-c",
              "alias:u-8:device-d",
              "alias:u-9:null");
      assertThat(rows.get(7).get("name")).isEqualTo("u-8");
      assertThat(rows.get(8).get("name")).isEqualTo("u-8");
      assertThat(rows)
          .extracting(r -> ((Number) r.get("seq")).longValue())
          .isSorted()
          .doesNotHaveDuplicates();
    }
  }
}
