package io.kairos.server.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kairos.event.EventType;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import io.kairos.server.workspace.ApiKey;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/profiles/import}: profiles from CSV ({@code text/csv}: a header row; a {@code
 * user_id}, {@code email} or {@code anonymous_id} column identifies, the other columns become
 * traits) or JSON Lines ({@code application/x-ndjson}: {@code {"userId": .., "traits": {..}}} per
 * line). Each row becomes an {@code identify} in the event log with a messageId derived from the
 * workspace and the row's content, so a re-run within the dedupe window changes nothing and reports
 * duplicates. The body is read as a stream (up to {@code ingest.max_import_bytes}) and committed
 * every {@link #CHUNK} rows: rows reported are durable even if the request fails later.
 */
final class ProfileImport {
  static final int CHUNK = 1000;
  static final int MAX_LISTED_ERRORS = 1000;

  static final List<String> CSV = List.of("text/csv");
  static final List<String> JSONL =
      List.of("application/x-ndjson", "application/jsonl", "application/x-jsonlines");

  private static final Pattern NUMBER =
      Pattern.compile("-?(0|[1-9][0-9]{0,17})(\\.[0-9]+)?([eE][+-]?[0-9]{1,3})?");
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final TrackingApi tracking;
  private final IngestWriter writer;
  private final MessageIntake intake;
  private final IngestMetrics metrics;
  private final InstantSource clock;
  private final long maxBytes;

  ProfileImport(
      TrackingApi tracking,
      IngestWriter writer,
      MessageIntake intake,
      IngestMetrics metrics,
      InstantSource clock,
      long maxBytes) {
    this.tracking = tracking;
    this.writer = writer;
    this.intake = intake;
    this.metrics = metrics;
    this.clock = clock;
    this.maxBytes = maxBytes;
  }

  void routes(RoutesConfig routes) {
    routes.post("/v1/profiles/import", this::handle);
  }

  /** The state of one import request: counts, listed errors, the chunk not yet committed. */
  private final class Run {
    final String workspace;
    final long receivedAt;
    final int lineOffset;
    int rows;
    int accepted;
    int duplicates;
    int invalid;
    final List<ItemError> errors = new ArrayList<>();
    final List<Accepted> chunk = new ArrayList<>(CHUNK);
    final List<Integer> chunkLines = new ArrayList<>(CHUNK);

    Run(String workspace, long receivedAt, int lineOffset) {
      this.workspace = workspace;
      this.receivedAt = receivedAt;
      this.lineOffset = lineOffset;
    }

    void error(int line, String column, String reason) {
      invalid++;
      metrics.invalid.increment();
      if (errors.size() < MAX_LISTED_ERRORS) {
        errors.add(new ItemError(line + lineOffset, column, reason));
      }
    }

    void add(Accepted a, int line) {
      chunk.add(a);
      chunkLines.add(line);
      if (chunk.size() >= CHUNK) {
        flush();
      }
    }

    void flush() {
      if (chunk.isEmpty()) {
        return;
      }
      long[] seqs = TrackingApi.store(writer, new ArrayList<>(chunk));
      for (long s : seqs) {
        if (s < 0) {
          duplicates++;
        } else {
          accepted++;
        }
      }
      chunk.clear();
      chunkLines.clear();
    }

    Map<String, Object> counts() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", rows);
      m.put("accepted", accepted);
      m.put("duplicates", duplicates);
      m.put("invalid", invalid);
      if (invalid > errors.size()) {
        m.put("errorsListed", errors.size());
      }
      return m;
    }
  }

  private void handle(Context ctx) {
    long receivedAt = clock.millis();
    List<String> types = new ArrayList<>(CSV);
    types.addAll(JSONL);
    ApiKey key = tracking.begin(ctx, types, false);
    boolean csv = CSV.contains(RequestBody.mediaType(ctx, types));
    Run run = new Run(key.workspace(), receivedAt, lineOffset(ctx));
    try (InputStream in = RequestBody.open(ctx, maxBytes, "ingest.max_import_bytes")) {
      if (csv) {
        csv(in, run);
      } else {
        jsonl(in, run);
      }
      run.flush();
    } catch (RequestBody.TooLarge e) {
      run.flush();
      ProblemException p = RequestBody.tooLarge("(body)", -1, maxBytes, "ingest.max_import_bytes");
      Problems.send(
          ctx,
          413,
          "Content Too Large",
          p.problem().detail() + "; the rows counted here were imported, send the rest again",
          run.errors,
          true,
          run.counts());
      return;
    } catch (CharacterCodingException e) {
      run.flush();
      Problems.send(
          ctx,
          400,
          "Bad Request",
          "(body): not UTF-8 after row "
              + run.rows
              + "; the rows counted here were imported, fix the file and send it again",
          run.errors,
          true,
          run.counts());
      return;
    } catch (IOException e) {
      throw new ProblemException(
          Problem.badField("(body)", "could not be read (" + e.getMessage() + ")"));
    }
    Map<String, Object> counts = run.counts();
    if (run.accepted + run.duplicates == 0 && run.invalid > 0) {
      Problems.send(
          ctx,
          400,
          "Bad Request",
          "every row is invalid (" + run.invalid + "); nothing was imported",
          run.errors,
          true,
          counts);
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", true);
    body.putAll(counts);
    body.put("errors", Problems.entries(run.errors, true));
    ctx.json(body);
  }

  private static int lineOffset(Context ctx) {
    String v = ctx.queryParam("line_offset");
    if (v == null || v.isBlank()) {
      return 0;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ProblemException.badField(
        "line_offset",
        "expected a whole number of lines, 0 or more, got '" + Problems.cut(v) + "'");
  }

  // ---- CSV

  private void csv(InputStream in, Run run) throws IOException {
    CsvReader reader =
        new CsvReader(
            new InputStreamReader(
                in,
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)));
    CsvReader.Row header = reader.next();
    if (header == null) {
      throw ProblemException.badField("header", "required: the first line names the columns");
    }
    if (header.error() != null) {
      throw ProblemException.badField("header", header.error());
    }
    List<String> names = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    int userCol = -1;
    int emailCol = -1;
    int anonCol = -1;
    for (int i = 0; i < header.cells().size(); i++) {
      String name = header.cells().get(i).trim();
      if (name.isEmpty()) {
        throw ProblemException.badField("header", "column " + (i + 1) + " has no name");
      }
      if (seen.put(name, i) != null) {
        throw ProblemException.badField(
            "header", "column '" + Problems.cut(name) + "' appears twice");
      }
      names.add(name);
      switch (name.toLowerCase(Locale.ROOT)) {
        case "user_id" -> userCol = i;
        case "email" -> emailCol = i;
        case "anonymous_id" -> anonCol = i;
        default -> {
          // a trait
        }
      }
    }
    if (userCol < 0 && emailCol < 0 && anonCol < 0) {
      throw ProblemException.badField(
          "header", "needs a user_id, email or anonymous_id column to identify each profile");
    }
    for (CsvReader.Row row; (row = reader.next()) != null; ) {
      run.rows++;
      if (row.error() != null) {
        run.error(row.line(), "(row)", row.error());
        continue;
      }
      List<String> cells = row.cells();
      if (cells.size() != names.size()) {
        run.error(
            row.line(),
            "(row)",
            "expected " + names.size() + " cells as in the header, got " + cells.size());
        continue;
      }
      String userId = cell(cells, userCol);
      String idColumn = names.get(Math.max(userCol, 0));
      if (userId == null && emailCol >= 0) {
        userId = cell(cells, emailCol);
        idColumn = names.get(emailCol);
      }
      String anonymousId = cell(cells, anonCol);
      if (userId == null && anonymousId == null) {
        run.error(
            row.line(),
            names.get(userCol >= 0 ? userCol : emailCol >= 0 ? emailCol : anonCol),
            "no identity: one of user_id, email, anonymous_id must have a value");
        continue;
      }
      Map<String, Object> traits = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        if (i == userCol || i == anonCol) {
          continue;
        }
        String v = cell(cells, i);
        if (v != null) {
          traits.put(names.get(i), typed(v));
        }
      }
      Map<String, String> columns = new HashMap<>();
      columns.put("userId", idColumn);
      if (anonCol >= 0) {
        columns.put("anonymousId", names.get(anonCol));
      }
      identify(run, row.line(), userId, anonymousId, traits, null, null, columns);
    }
  }

  private static String cell(List<String> cells, int col) {
    if (col < 0) {
      return null;
    }
    String v = cells.get(col).trim();
    return v.isEmpty() ? null : v;
  }

  /**
   * A CSV cell as a trait value: {@code true}/{@code false} (any case) as booleans, numbers in JSON
   * form without leading zeros as numbers (so zip codes like 02134 and long ids stay text), and
   * everything else, ISO dates included, as text.
   */
  static Object typed(String v) {
    if (v.equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    }
    if (v.equalsIgnoreCase("false")) {
      return Boolean.FALSE;
    }
    if (NUMBER.matcher(v).matches()) {
      if (v.indexOf('.') < 0 && v.indexOf('e') < 0 && v.indexOf('E') < 0) {
        return Long.parseLong(v);
      }
      return new BigDecimal(v);
    }
    return v;
  }

  // ---- JSON Lines

  private void jsonl(InputStream raw, Run run) throws IOException {
    InputStream in = new BufferedInputStream(raw, 65536);
    int limit = intakeLimit();
    byte[] line = new byte[4096];
    int lineNo = 0;
    while (true) {
      int n = 0;
      boolean over = false;
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        if (n < limit) {
          if (n == line.length) {
            line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, limit));
          }
          line[n++] = (byte) c;
        } else {
          over = true;
        }
      }
      if (c < 0 && n == 0 && !over) {
        return;
      }
      lineNo++;
      if (n > 0 && line[n - 1] == '\r') {
        n--;
      }
      jsonLine(run, lineNo, line, n, over);
      if (c < 0) {
        return;
      }
    }
  }

  private int intakeLimit() {
    return intake.maxEventBytes();
  }

  private void jsonLine(Run run, int lineNo, byte[] line, int n, boolean over) {
    JsonScan scan = new JsonScan(line, n);
    if (!over && scan.skipWs(0) == n) {
      return; // a blank line
    }
    run.rows++;
    if (over) {
      run.error(lineNo, "(line)", "longer than " + intakeLimit() + " bytes");
      return;
    }
    int bad = Utf8Check.firstInvalid(line, n);
    if (bad >= 0) {
      run.error(
          lineNo,
          "(json)",
          (line[bad] == 0 ? "NUL byte" : "invalid UTF-8") + JsonScan.at(line, bad));
      return;
    }
    JsonNode node;
    try {
      node = JSON.readTree(line, 0, n);
    } catch (JsonProcessingException e) {
      run.error(lineNo, "(json)", e.getOriginalMessage());
      return;
    } catch (IOException e) {
      run.error(lineNo, "(json)", e.getMessage());
      return;
    }
    if (!(node instanceof ObjectNode o)) {
      run.error(lineNo, "(json)", "must be a JSON object with userId or anonymousId and traits");
      return;
    }
    JsonNode traits = o.get("traits");
    if (traits != null && !traits.isNull() && !traits.isObject()) {
      run.error(lineNo, "traits", "must be an object");
      return;
    }
    String userId = id(o.get("userId"));
    String anonymousId = id(o.get("anonymousId"));
    if (userId == null
        && anonymousId == null
        && traits != null
        && traits.path("email").isTextual()) {
      userId = traits.get("email").asText().trim();
    }
    if (userId == null && anonymousId == null) {
      run.error(lineNo, "userId", "userId or anonymousId required (or traits.email)");
      return;
    }
    JsonNode messageId = o.get("messageId");
    JsonNode timestamp = o.get("timestamp");
    identify(
        run,
        lineNo,
        userId,
        anonymousId,
        traits == null || traits.isNull() ? Map.of() : traits,
        messageId != null && messageId.isTextual() ? messageId.asText() : null,
        timestamp != null && timestamp.isTextual() ? timestamp.asText() : null,
        Map.of());
  }

  private static String id(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    String s = n.isNumber() ? n.numberValue().toString() : n.asText();
    return s.isEmpty() ? null : s;
  }

  // ---- both

  /**
   * Builds the identify for one row and runs it through the same intake as the tracking API.
   *
   * @param columns how the intake's field names map to the file's column names, for errors
   */
  private void identify(
      Run run,
      int line,
      String userId,
      String anonymousId,
      Object traits,
      String messageId,
      String timestamp,
      Map<String, String> columns) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", "identify");
    if (userId != null) {
      message.put("userId", userId);
    }
    if (anonymousId != null) {
      message.put("anonymousId", anonymousId);
    }
    if (timestamp != null) {
      message.put("timestamp", timestamp);
    }
    message.put("traits", traits);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(message);
      if (messageId == null) {
        messageId = "import-" + digest(run.workspace, bytes);
      }
      Map<String, Object> withId = new LinkedHashMap<>();
      withId.put("messageId", messageId);
      withId.putAll(message);
      bytes = JSON.writeValueAsBytes(withId);
    } catch (JsonProcessingException e) {
      run.error(line, "(row)", "cannot be written as JSON (" + e.getOriginalMessage() + ")");
      return;
    }
    MessageIntake.Envelope env =
        new MessageIntake.Envelope(
            run.workspace,
            run.receivedAt,
            EventType.IDENTIFY,
            new JsonScan(bytes, bytes.length),
            null,
            null,
            null);
    Object r = intake.message(env, bytes, 0, bytes.length, line);
    if (r instanceof ItemError e) {
      run.error(line, columns.getOrDefault(e.field(), e.field()), e.reason());
      return;
    }
    run.add((Accepted) r, line);
  }

  // The messageId of a row: the same row content in the same workspace always gets the same one.
  private static String digest(String workspace, byte[] content) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(workspace.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(content);
      return HexFormat.of().formatHex(md.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
