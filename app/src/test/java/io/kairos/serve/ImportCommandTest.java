package io.kairos.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.cli.Main;
import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {
  @TempDir Path dir;
  private KairosServer server;
  private String key;
  private String url;

  private record Run(int code, String err) {}

  @BeforeEach
  void start() {
    server =
        KairosServer.start(
            new ConfigLoader()
                .set("server.port", "0")
                .set("data.dir", dir.resolve("data").toString())
                .build(),
            InstantSource.system());
    key = server.workspaces().createKey(Workspaces.DEFAULT, Scope.INGEST, "import").secret();
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, err.toString());
  }

  private long events() {
    assertThat(server.ingestion().eventLog().awaitStored(java.time.Duration.ofSeconds(30)))
        .as("acknowledged rows stored")
        .isNotNegative();
    return server
        .database()
        .read(
            c -> {
              try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM events")) {
                rs.next();
                return rs.getLong(1);
              }
            });
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void importsInChunksReportsRefusedRowsByFileLineAndIsIdempotent() throws IOException {
    Path csv =
        write(
            "people.csv",
            String.join(
                "\n",
                "user_id,email,plan",
                "u1,a@example.com,pro",
                "u2,b@example.com,\"multi",
                "line\"",
                "u3,c@example.com",
                "",
                "u4,d@example.com,free",
                ",,nobody",
                "u5,e@example.com,pro",
                ""));
    Run first = run("import", "--url", url, "--key", key, "--file", csv.toString(), "--chunk", "2");
    assertThat(first.code()).as(first.err()).isEqualTo(1);
    assertThat(first.err())
        .contains(csv + ":5: (row): expected 3 cells")
        .contains(csv + ":8: user_id: no identity")
        .contains("6 rows (4 imported, 0 already there, 2 refused)");
    assertThat(events()).isEqualTo(4);

    Run again = run("import", "--url", url, "--key", key, "--file", csv.toString(), "--chunk", "3");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("(0 imported, 4 already there, 2 refused)");
    assertThat(events()).isEqualTo(4);

    Path jsonl =
        write(
            "people.jsonl",
            "{\"userId\":\"u6\",\"traits\":{\"plan\":\"pro\"}}\n"
                + "{\"userId\":\"u7\",\"traits\":{\"plan\":\"free\"}}\n");
    Run clean = run("import", "--url", url, "--key", key, "--file", jsonl.toString());
    assertThat(clean.code()).as(clean.err()).isZero();
    assertThat(clean.err()).contains("2 rows (2 imported");
    assertThat(events()).isEqualTo(6);
  }

  @Test
  void refusalsAndBadUsageHaveTheirExitCodes() throws IOException {
    Path csv = write("x.csv", "user_id\nu1\n");
    Run wrongKey = run("import", "--url", url, "--key", "kairos_no_no", "--file", csv.toString());
    assertThat(wrongKey.code()).isEqualTo(1);
    assertThat(wrongKey.err()).contains("refused the import (401)");
    Run noHeader =
        run(
            "import",
            "--url",
            url,
            "--key",
            key,
            "--file",
            write("y.csv", "plan\npro\n").toString());
    assertThat(noHeader.code()).isEqualTo(1);
    assertThat(noHeader.err()).contains("header");
    Run missing =
        run("import", "--url", url, "--key", key, "--file", dir.resolve("nope.csv").toString());
    assertThat(missing.code()).isEqualTo(2);
    Run format =
        run("import", "--url", url, "--key", key, "--file", write("z.txt", "x").toString());
    assertThat(format.code()).isEqualTo(2);
    assertThat(format.err()).contains("--format");
    assertThat(events()).isZero();
  }
}
