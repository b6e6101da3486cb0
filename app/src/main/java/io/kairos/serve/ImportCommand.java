package io.kairos.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kairos import}: sends a CSV or JSON Lines file of profiles to a running server's {@code
 * /v1/profiles/import} in chunks of rows, printing progress and every refused row ({@code
 * FILE:LINE: COLUMN: REASON}) to stderr. Re-running a file is safe: rows already imported are
 * reported as duplicates and change nothing.
 *
 * <p>Exit codes: 0 every row imported (or already there); 1 some rows were refused, or the server
 * refused the import (key, limits) or could not be reached; 2 bad usage.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = "Imports profiles from a CSV or JSON Lines file into a running server.")
public final class ImportCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 5;

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080",
      description = "the server (default ${DEFAULT-VALUE})")
  String url;

  @Option(names = "--key", required = true, description = "an API key of scope ingest or admin")
  String key;

  @Option(names = "--file", required = true, paramLabel = "FILE", description = "the file")
  Path file;

  @Option(
      names = "--format",
      description = "csv or jsonl (default: from the file name, .csv or .jsonl/.ndjson)")
  String format;

  @Option(
      names = "--chunk",
      defaultValue = "1000",
      description = "rows per request (default ${DEFAULT-VALUE})")
  int chunk;

  private PrintWriter err;
  private HttpClient client;
  private long rows;
  private long accepted;
  private long duplicates;
  private long invalid;

  @Override
  public Integer call() {
    err = spec.commandLine().getErr();
    boolean csv;
    try {
      csv = csv();
    } catch (IllegalArgumentException e) {
      err.println("kairos import: " + e.getMessage());
      return 2;
    }
    if (!Files.isReadable(file)) {
      err.println("kairos import: --file: cannot read " + file);
      return 2;
    }
    if (chunk < 1 || chunk > 100_000) {
      err.println("kairos import: --chunk: must be between 1 and 100000, got " + chunk);
      return 2;
    }
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                Files.newInputStream(file),
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
      boolean ok = csv ? sendCsv(in) : sendJsonLines(in);
      err.println(summary(ok ? "done" : "stopped"));
      err.flush();
      return ok && invalid == 0 ? 0 : 1;
    } catch (CharacterCodingException e) {
      err.println("kairos import: " + file + ": not UTF-8 after row " + rows);
      return 1;
    } catch (IOException e) {
      err.println("kairos import: " + file + ": " + e.getMessage());
      return 1;
    }
  }

  private boolean csv() {
    String f = format;
    if (f == null) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".csv")) {
        return true;
      }
      if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
        return false;
      }
      throw new IllegalArgumentException(
          "--format: csv or jsonl is needed, the file name does not tell");
    }
    return switch (f.toLowerCase(Locale.ROOT)) {
      case "csv" -> true;
      case "jsonl", "ndjson" -> false;
      default ->
          throw new IllegalArgumentException("--format: expected csv or jsonl, got '" + f + "'");
    };
  }

  // A record may span lines inside quotes: it ends at a line where the quotes seen are even.
  private boolean sendCsv(BufferedReader in) throws IOException {
    StringBuilder header = new StringBuilder();
    int line = 0;
    String l;
    int quotes = 0;
    while ((l = in.readLine()) != null) {
      line++;
      header.append(l).append('\n');
      quotes += count(l);
      if (quotes % 2 == 0) {
        break;
      }
    }
    if (header.length() == 0) {
      err.println("kairos import: " + file + ": empty");
      return false;
    }
    StringBuilder body = new StringBuilder(header);
    int firstLine = line + 1;
    int records = 0;
    boolean inRecord = false;
    boolean content = false;
    quotes = 0;
    while ((l = in.readLine()) != null) {
      line++;
      body.append(l).append('\n');
      if (!inRecord) {
        inRecord = true;
        content = !l.isBlank(); // a blank line between records is no record
      }
      quotes += count(l);
      if (quotes % 2 != 0) {
        continue;
      }
      quotes = 0;
      inRecord = false;
      if (content) {
        records++;
      }
      if (records >= chunk) {
        if (!send(body.toString(), "text/csv", firstLine - 2)) {
          return false;
        }
        body.setLength(0);
        body.append(header);
        firstLine = line + 1;
        records = 0;
      }
    }
    return records == 0 || send(body.toString(), "text/csv", firstLine - 2);
  }

  private boolean sendJsonLines(BufferedReader in) throws IOException {
    StringBuilder body = new StringBuilder();
    int line = 0;
    int firstLine = 1;
    int records = 0;
    String l;
    while ((l = in.readLine()) != null) {
      line++;
      body.append(l).append('\n');
      if (!l.isBlank()) {
        records++;
      }
      if (records >= chunk) {
        if (!send(body.toString(), "application/x-ndjson", firstLine - 1)) {
          return false;
        }
        body.setLength(0);
        firstLine = line + 1;
        records = 0;
      }
    }
    return records == 0 || send(body.toString(), "application/x-ndjson", firstLine - 1);
  }

  private static int count(String line) {
    int n = 0;
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '"') {
        n++;
      }
    }
    return n;
  }

  /** Sends one chunk, retrying while the server asks to; false when the import cannot go on. */
  private boolean send(String body, String contentType, int lineOffset) {
    URI target =
        URI.create(stripSlash(url) + "/v1/profiles/import?line_offset=" + Math.max(0, lineOffset));
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofMinutes(5))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", contentType + "; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> r;
      try {
        r = client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        if (attempt < ATTEMPTS) {
          pause(attempt, null);
          continue;
        }
        err.println("kairos import: --url: cannot connect to " + url);
        return false;
      } catch (IOException e) {
        if (attempt < ATTEMPTS) {
          pause(attempt, null);
          continue;
        }
        err.println("kairos import: " + url + ": " + e.getMessage());
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (r.statusCode() == 503 && attempt < ATTEMPTS) {
        pause(attempt, r.headers().firstValue("Retry-After").orElse(null));
        continue;
      }
      return handle(r);
    }
  }

  private boolean handle(HttpResponse<String> r) {
    JsonNode json;
    try {
      json = JSON.readTree(r.body());
    } catch (IOException e) {
      json = null;
    }
    boolean perRow = json != null && json.has("rows");
    if (perRow) {
      rows += json.path("rows").asLong();
      accepted += json.path("accepted").asLong();
      duplicates += json.path("duplicates").asLong();
      invalid += json.path("invalid").asLong();
      for (JsonNode e : json.path("errors")) {
        err.println(
            file
                + ":"
                + e.path("line").asInt()
                + ": "
                + e.path("column").asText()
                + ": "
                + e.path("reason").asText());
      }
    }
    if (r.statusCode() == 200 || (r.statusCode() == 400 && perRow)) {
      err.println(summary("progress"));
      err.flush();
      return true;
    }
    String detail = json != null && json.has("detail") ? json.get("detail").asText() : r.body();
    err.println("kairos import: the server refused the import (" + r.statusCode() + "): " + detail);
    return false;
  }

  private String summary(String what) {
    return "kairos import: "
        + what
        + ": "
        + rows
        + " rows ("
        + accepted
        + " imported, "
        + duplicates
        + " already there, "
        + invalid
        + " refused)";
  }

  // Waits as the server asked (Retry-After, at most 30 s) or 1, 2, 4... seconds.
  private void pause(int attempt, String retryAfter) {
    long seconds = 1L << Math.min(attempt - 1, 4);
    if (retryAfter != null) {
      try {
        seconds = Math.min(30, Math.max(1, Long.parseLong(retryAfter.trim())));
      } catch (NumberFormatException ignored) {
        // keep the back-off
      }
    }
    err.println("kairos import: server busy, retrying in " + seconds + " s");
    err.flush();
    try {
      Thread.sleep(seconds * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
