package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.event.Event;
import io.kairos.event.EventParser;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProfileImportTest {
  @TempDir Path dir;

  private static final String CSV =
      String.join(
          "\n",
          "user_id,email,plan,seats,vip,signed_up,zip,note",
          "u1,ann@example.com,pro,3,TRUE,2025-06-01,02134,plain",
          "u2,bob@example.com,free,1,false,2025-07-01,10001,\"two",
          "lines, and a \"\"quote\"\"\"",
          "u3,only-five,cells,1,true",
          ",,free,1,false,2025-01-01,1,no identity",
          ",carol@example.com,team,12.5,false,2025-01-02,99999,email only",
          "u4,dan@example.com,pro,2,true,2025-01-03,1,\"bad\"quote",
          "u5,eve@example.com,pro,007,true,2025-01-04,1,last",
          "");

  private static Event event(Map<String, Object> row) {
    return ((EventParser.Result.Parsed) new EventParser().parse((String) row.get("body"))).event();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void csvRowsBecomeIdentifiesWithTypedTraitsAndPerRowErrors(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      Http.Response r = f.post("/v1/profiles/import", f.ingestKey, "text/csv", CSV);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode json = r.json();
      assertThat(json.get("rows").asInt()).isEqualTo(7);
      assertThat(json.get("accepted").asInt()).isEqualTo(4);
      assertThat(json.get("invalid").asInt()).isEqualTo(3);
      JsonNode errors = json.get("errors");
      assertThat(errors.get(0).get("line").asInt()).isEqualTo(5);
      assertThat(errors.get(0).get("column").asText()).isEqualTo("(row)");
      assertThat(errors.get(0).get("reason").asText()).contains("expected 8 cells");
      assertThat(errors.get(1).get("line").asInt()).isEqualTo(6);
      assertThat(errors.get(1).get("column").asText()).isEqualTo("user_id");
      assertThat(errors.get(2).get("line").asInt()).isEqualTo(8);
      assertThat(errors.get(2).get("reason").asText()).contains("closing quote");

      List<Map<String, Object>> rows = f.eventRows();
      assertThat(rows).extracting(m -> m.get("type")).containsOnly("identify");
      assertThat(rows)
          .extracting(m -> m.get("profile"))
          .containsExactly("u1", "u2", "carol@example.com", "u5");
      Map<String, Object> ann = event(rows.get(0)).traits().asMap();
      assertThat(ann)
          .containsEntry("email", "ann@example.com")
          .containsEntry("plan", "pro")
          .containsEntry("vip", true)
          .containsEntry("signed_up", "2025-06-01")
          .containsEntry("zip", "02134")
          .doesNotContainKey("user_id");
      assertThat(((Number) ann.get("seats")).intValue()).isEqualTo(3);
      assertThat(event(rows.get(1)).traits().get("note")).isEqualTo("two\nlines, and a \"quote\"");
      assertThat(((Number) event(rows.get(2)).traits().get("seats")).doubleValue()).isEqualTo(12.5);
      assertThat(event(rows.get(3)).traits().get("seats")).isEqualTo("007");
      assertThat(rows.get(0).get("message_id").toString()).startsWith("import-");

      // A re-run changes nothing and says so.
      Http.Response again = f.post("/v1/profiles/import", f.ingestKey, "text/csv", CSV);
      assertThat(again.json().get("accepted").asInt()).isZero();
      assertThat(again.json().get("duplicates").asInt()).isEqualTo(4);
      assertThat(f.events()).isEqualTo(4);

      // line_offset: what a client sending a file in parts adds to the line numbers.
      Http.Response part =
          f.post(
              "/v1/profiles/import?line_offset=1000",
              f.ingestKey,
              "text/csv; charset=utf-8",
              "user_id,plan\nu9\n");
      assertThat(part.status()).isEqualTo(400);
      assertThat(part.json().get("errors").get(0).get("line").asInt()).isEqualTo(1002);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void jsonLinesWithErrorsByLineAndField(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      String body =
          String.join(
              "\n",
              "{\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\",\"seats\":3}}",
              "",
              "{\"userId\":\"u2\",\"traits\":[1]}",
              "{not json}",
              "{\"traits\":{\"plan\":\"free\"}}",
              "{\"anonymousId\":\"device-1\",\"traits\":{\"plan\":\"free\"}}",
              "{\"traits\":{\"email\":\"x@example.com\"}}",
              "{\"userId\":\"u\\u0000\",\"traits\":{}}\r");
      Http.Response r = f.post("/v1/profiles/import", f.adminKey, "application/x-ndjson", body);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode json = r.json();
      assertThat(json.get("rows").asInt()).isEqualTo(7);
      assertThat(json.get("accepted").asInt()).isEqualTo(3);
      JsonNode errors = json.get("errors");
      assertThat(errors)
          .extracting(e -> e.get("line").asInt() + ":" + e.get("column").asText())
          .containsExactly("3:traits", "4:(json)", "5:userId", "8:userId");
      assertThat(f.eventRows())
          .extracting(m -> m.get("profile"))
          .containsExactly("u1", "device-1", "x@example.com");
      Http.Response again = f.post("/v1/profiles/import", f.adminKey, "application/x-ndjson", body);
      assertThat(again.json().get("duplicates").asInt()).isEqualTo(3);
      assertThat(f.events()).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void refusalsNameTheHeaderTheKeyOrTheContentType(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      Http.Response noId =
          f.post("/v1/profiles/import", f.ingestKey, "text/csv", "name,plan\nx,y\n");
      assertThat(noId.status()).isEqualTo(400);
      assertThat(noId.json().get("errors").get(0).get("field").asText()).isEqualTo("header");
      Http.Response allBad =
          f.post("/v1/profiles/import", f.ingestKey, "application/x-ndjson", "[1]\n{}\n");
      assertThat(allBad.status()).isEqualTo(400);
      assertThat(allBad.contentType()).startsWith("application/problem+json");
      assertThat(allBad.json().get("errors")).hasSize(2);
      assertThat(f.post("/v1/profiles/import", f.readKey, "text/csv", CSV).status()).isEqualTo(403);
      assertThat(f.post("/v1/profiles/import", null, "text/csv", CSV).status()).isEqualTo(401);
      Http.Response type = f.post("/v1/profiles/import", f.ingestKey, "application/json", "{}");
      assertThat(type.status()).isEqualTo(415);
      assertThat(type.json().get("detail").asText()).contains("text/csv");
      assertThat(f.events()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void largeImportsStreamInChunksAndStopAtTheImportLimit(StoreKind kind) throws Exception {
    try (Fixture f =
        Fixture.start(
            kind,
            dir,
            c ->
                c.set("ingest.max_batch_bytes", "65536")
                    .set("ingest.max_import_bytes", "150000"))) {
      StringBuilder csv = new StringBuilder("user_id,plan,score\n");
      int n = 0;
      while (csv.length() < 140_000) {
        csv.append("user-").append(n).append(",pro,").append(n % 100).append('\n');
        n++;
      }
      // Over the batch limit, under the import limit: all of it, in chunks of 1000 rows.
      Http.Response r = f.post("/v1/profiles/import", f.ingestKey, "text/csv", csv.toString());
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().get("accepted").asInt()).isEqualTo(n);
      assertThat(f.events()).isEqualTo(n);
      assertThat(f.server.ingestion().writer().metricsLogAppends())
          .isGreaterThanOrEqualTo(n / ProfileImport.CHUNK);

      // Over the import limit: refused at the limit; the chunks before it are kept and counted.
      StringBuilder more = new StringBuilder("user_id,plan\n");
      int m = 0;
      while (more.length() < 200_000) {
        more.append("other-").append(m++).append(",free\n");
      }
      byte[] bytes = more.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      RawHttp.Response over =
          RawHttp.exchange(
              f.server.port(),
              RawHttp.chunked(bytes),
              "POST /v1/profiles/import HTTP/1.1",
              "Authorization: Bearer " + f.ingestKey,
              "Content-Type: text/csv",
              "Transfer-Encoding: chunked");
      assertThat(over.status()).isEqualTo(413);
      JsonNode overJson = Http.mapper().readTree(over.body());
      int kept = overJson.get("accepted").asInt();
      assertThat(kept).isPositive().isEqualTo((int) (f.events() - n));
    }
  }
}
