package io.kairos.server.ingest;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kairos.event.EventParser;
import io.kairos.event.EventType;
import io.kairos.server.http.Authenticator;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import io.kairos.server.workspace.ApiKey;
import io.kairos.server.workspace.Scope;
import io.kairos.time.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Segment-compatible tracking API: {@code POST /v1/track|identify|page|screen|group|alias} (one
 * message; its type is the route's) and {@code /v1/batch} and {@code /v1/import} (a batch: {@code
 * {"batch": [...], "context"?, "sentAt"?, "writeKey"?}}). The request thread reads and validates;
 * the {@link IngestWriter} commits; the answer comes after the commit. The rules are in
 * docs/tracking.md.
 */
final class TrackingApi {
  static final List<String> JSON_TYPES = List.of("application/json", "text/plain");

  /** How long a request waits for its commit before it is answered 503 (the writer is stuck). */
  private static final long COMMIT_WAIT_SECONDS = 60;

  private static final int ENVELOPE_DEPTH = 64;

  private final Authenticator auth;
  private final IngestWriter writer;
  private final MessageIntake intake;
  private final EventParser parser;
  private final IngestMetrics metrics;
  private final InstantSource clock;
  private final int maxEventBytes;
  private final int maxBatchBytes;

  TrackingApi(
      Authenticator auth,
      IngestWriter writer,
      MessageIntake intake,
      EventParser parser,
      IngestMetrics metrics,
      InstantSource clock,
      int maxEventBytes,
      int maxBatchBytes) {
    this.auth = auth;
    this.writer = writer;
    this.intake = intake;
    this.parser = parser;
    this.metrics = metrics;
    this.clock = clock;
    this.maxEventBytes = maxEventBytes;
    this.maxBatchBytes = maxBatchBytes;
  }

  void routes(RoutesConfig routes) {
    for (EventType t : EventType.values()) {
      routes.post("/v1/" + t.wireName(), ctx -> single(ctx, t));
    }
    routes.post("/v1/batch", this::batch);
    routes.post("/v1/import", this::batch);
    routes.exception(RetryLater.class, (e, ctx) -> e.answer(ctx));
  }

  /**
   * What every tracking request starts with: the writer takes work, the media type, and the key in
   * the header, checked before the body is read (a wrong one costs no reading).
   *
   * @param bodyMayCarryKey whether a {@code writeKey} in the body may stand in for the header
   * @return the header's key, or null when the body must carry one
   */
  ApiKey begin(Context ctx, List<String> mediaTypes, boolean bodyMayCarryKey) {
    if (!writer.running()) {
      throw unavailable("the server is stopping; retry on another instance or later", 5);
    }
    String presented = Authenticator.presented(ctx).orElse(null);
    if (presented == null && (!bodyMayCarryKey || ctx.req().getContentLengthLong() == 0)) {
      auth.check(null, Scope.INGEST); // nothing could authenticate this request: 401
    }
    RequestBody.mediaType(ctx, mediaTypes);
    return presented == null ? null : auth.check(presented, Scope.INGEST);
  }

  static RetryLater unavailable(String detail, int retryAfterSeconds) {
    return new RetryLater(detail, retryAfterSeconds);
  }

  /** Answered 503 with Retry-After: the request may be sent again as it is. */
  static final class RetryLater extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int retryAfterSeconds;

    RetryLater(String detail, int retryAfterSeconds) {
      super(detail, null, false, false);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    void answer(Context ctx) {
      ctx.header("Retry-After", Integer.toString(retryAfterSeconds));
      ctx.status(503).json(Problem.of(503, "Service Unavailable", getMessage()).body());
      ctx.contentType(Problem.MEDIA_TYPE);
    }
  }

  private void single(Context ctx, EventType type) {
    long receivedAt = clock.millis();
    ApiKey key = begin(ctx, JSON_TYPES, true);
    int[] length = new int[1];
    byte[] body = RequestBody.read(ctx, maxEventBytes, "ingest.max_event_bytes", length);
    int n = length[0];
    checkEncoding(body, n);
    JsonScan scan = new JsonScan(body, n);
    int start = scan.skipWs(0);
    if (key == null) {
      key = auth.check(writeKeyOf(scan, start), Scope.INGEST);
    }
    MessageIntake.Envelope env =
        new MessageIntake.Envelope(key.workspace(), receivedAt, type, scan, null, null, null);
    Object r = intake.message(env, body, start, n, 0);
    if (r instanceof ItemError e) {
      metrics.invalid.increment();
      throw ProblemException.badField(e.field(), e.reason());
    }
    commit(ctx, List.of((Accepted) r), new int[] {0}, List.of());
  }

  // The body's writeKey member, if the body is an object that has one as a string.
  private static String writeKeyOf(JsonScan scan, int start) {
    try {
      for (JsonScan.Member m : scan.members(start, false, 0, new int[1])) {
        if (scan.nameIs(m, "writeKey") && scan.isString(m.valueStart())) {
          return scan.text(m.valueStart() + 1, m.valueEnd() - 1);
        }
      }
    } catch (JsonScan.Malformed e) {
      // Not an object: no key in it, and the request is refused as unauthenticated.
    }
    return null;
  }

  private static void checkEncoding(byte[] body, int n) {
    int bad = Utf8Check.firstInvalid(body, n);
    if (bad >= 0) {
      String what = body[bad] == 0 ? "NUL byte" : "invalid UTF-8";
      throw ProblemException.badField(
          EventParser.Result.Invalid.JSON, what + JsonScan.at(body, bad));
    }
  }

  private void batch(Context ctx) {
    long receivedAt = clock.millis();
    ApiKey key = begin(ctx, JSON_TYPES, true);
    int[] length = new int[1];
    byte[] body = RequestBody.read(ctx, maxBatchBytes, "ingest.max_batch_bytes", length);
    int n = length[0];
    checkEncoding(body, n);
    JsonScan scan = new JsonScan(body, n);
    Batch b = envelope(scan, body);
    if (key == null) {
      key = auth.check(b.writeKey, Scope.INGEST);
    }
    MessageIntake.Envelope env =
        new MessageIntake.Envelope(
            key.workspace(), receivedAt, null, scan, b.context, b.sentAt, b.sentAtRaw);
    int count = b.items.length / 2;
    List<Accepted> accepted = new ArrayList<>(count);
    int[] indexes = new int[count];
    List<ItemError> errors = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int s = b.items[2 * i];
      int e = b.items[2 * i + 1];
      Object r;
      if (body[s] != '{') {
        // The parser words what the element is instead ("must be a JSON object, not an array").
        EventParser.Result.Invalid bad = (EventParser.Result.Invalid) parser.parse(body, s, e - s);
        r = new ItemError(i, bad.field(), bad.reason());
      } else {
        r = intake.message(env, body, s, e, i);
      }
      if (r instanceof ItemError err) {
        errors.add(err);
      } else {
        indexes[accepted.size()] = i;
        accepted.add((Accepted) r);
      }
    }
    metrics.invalid.increment(errors.size());
    if (accepted.isEmpty() && !errors.isEmpty()) {
      Problems.send(
          ctx,
          400,
          "Bad Request",
          "every message of the batch is invalid (" + errors.size() + "); nothing was stored",
          errors,
          false,
          null);
      return;
    }
    commit(ctx, accepted, indexes, errors);
  }

  /** The envelope of a batch: where the items are, and the batch-wide fields. */
  private static final class Batch {
    int[] items;
    int[] context;
    Long sentAt;
    byte[] sentAtRaw;
    String writeKey;
  }

  private Batch envelope(JsonScan scan, byte[] body) {
    int start = scan.skipWs(0);
    if (start >= scan.end()) {
      throw ProblemException.badField(EventParser.Result.Invalid.JSON, "empty body");
    }
    Batch b = new Batch();
    try {
      int[] endOut = new int[1];
      List<JsonScan.Member> members = scan.members(start, false, 0, endOut);
      int after = scan.skipWs(endOut[0]);
      if (after < scan.end()) {
        throw new JsonScan.Malformed(after, "unexpected content after the object");
      }
      boolean seenBatch = false;
      boolean seenContext = false;
      boolean seenSentAt = false;
      for (JsonScan.Member m : members) {
        int vs = m.valueStart();
        int ve = m.valueEnd();
        if (scan.nameIs(m, "batch")) {
          seenBatch = once(seenBatch, "batch");
          if (scan.at(vs) != '[') {
            throw ProblemException.badField("batch", "must be an array of messages");
          }
          b.items = scan.elements(vs, ENVELOPE_DEPTH, new int[1]);
        } else if (scan.nameIs(m, "context")) {
          seenContext = once(seenContext, "context");
          validate(scan, m, "context");
          if (!scan.isNull(vs, ve)) {
            if (scan.at(vs) != '{') {
              throw ProblemException.badField("context", "must be an object");
            }
            checkContext(body, vs, ve);
            b.context = new int[] {vs, ve};
          }
        } else if (scan.nameIs(m, "sentAt")) {
          seenSentAt = once(seenSentAt, "sentAt");
          if (scan.isString(vs)) {
            try {
              b.sentAt = Timestamps.parse(scan.text(vs + 1, ve - 1));
            } catch (IllegalArgumentException e) {
              throw ProblemException.badField("sentAt", e.getMessage());
            }
            b.sentAtRaw = Arrays.copyOfRange(body, vs, ve);
          } else if (!scan.isNull(vs, ve)) {
            throw ProblemException.badField("sentAt", "must be an ISO-8601 string");
          }
        } else if (scan.nameIs(m, "writeKey")) {
          if (scan.isString(vs)) {
            b.writeKey = scan.text(vs + 1, ve - 1);
          }
        } else {
          validate(scan, m, scan.text(m.nameStart(), m.nameEnd()));
        }
      }
      if (!seenBatch) {
        throw ProblemException.badField("batch", "required: an array of messages");
      }
    } catch (JsonScan.Malformed e) {
      throw ProblemException.badField(
          EventParser.Result.Invalid.JSON, e.reason + JsonScan.at(body, e.pos));
    }
    return b;
  }

  private static boolean once(boolean seen, String field) {
    if (seen) {
      throw ProblemException.badField(field, "duplicate field");
    }
    return true;
  }

  // Members the scanner only delimited are validated here, so the whole body is strict JSON.
  private static void validate(JsonScan scan, JsonScan.Member m, String field) {
    try {
      int end = scan.skipValue(m.valueStart(), ENVELOPE_DEPTH);
      if (end != m.valueEnd()) {
        throw new JsonScan.Malformed(end, "unexpected content");
      }
    } catch (JsonScan.Malformed e) {
      throw ProblemException.badField(Problems.cut(field), e.reason);
    }
  }

  // The batch context is checked once by the parser's own rules (time zone, location...), as it
  // would be inside each message.
  private void checkContext(byte[] body, int from, int to) {
    byte[] head =
        "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"x\",\"timestamp\":\"2000-01-01T00:00:00Z\",\"context\":"
            .getBytes(StandardCharsets.US_ASCII);
    byte[] probe = new byte[head.length + (to - from) + 1];
    System.arraycopy(head, 0, probe, 0, head.length);
    System.arraycopy(body, from, probe, head.length, to - from);
    probe[probe.length - 1] = '}';
    EventParser.Result r = parser.parse(probe, 0, probe.length);
    if (r instanceof EventParser.Result.Invalid bad) {
      throw ProblemException.badField(bad.field(), bad.reason());
    }
  }

  /** Hands accepted messages to the writer, waits for the commit and answers. */
  void commit(Context ctx, List<Accepted> accepted, int[] indexes, List<ItemError> errors) {
    long[] seqs = accepted.isEmpty() ? new long[0] : store(writer, accepted);
    ctx.json(result(accepted, indexes, errors, seqs));
  }

  /**
   * Submits messages to the writer and waits for their commit.
   *
   * @return each message's seq, -1 for a duplicate
   * @throws RetryLater when the queue is full, the server is stopping or the commit failed
   */
  static long[] store(IngestWriter writer, List<Accepted> accepted) {
    CompletableFuture<long[]> done;
    try {
      done = writer.submit(accepted);
    } catch (IngestWriter.Busy e) {
      throw e.stopping
          ? unavailable("the server is stopping; nothing was stored", 5)
          : unavailable(
              "the ingest queue is full ("
                  + writer.backlog()
                  + " events waiting for the store or the engine); nothing was stored, send"
                  + " again shortly",
              1);
    }
    try {
      return done.get(COMMIT_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted before the commit; nothing is known to be stored", 1);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IngestWriter.Busy) {
        throw unavailable("the server is stopping; nothing was stored", 5);
      }
      throw unavailable(
          "the store did not commit the messages; nothing was stored, send them again", 1);
    } catch (TimeoutException e) {
      throw unavailable("the commit is taking too long; send the messages again", 1);
    }
  }

  static Map<String, Object> result(
      List<Accepted> accepted, int[] indexes, List<ItemError> errors, long[] seqs) {
    int dup = 0;
    List<Map<String, Object>> duplicates = new ArrayList<>();
    for (int i = 0; i < seqs.length; i++) {
      if (seqs[i] < 0) {
        dup++;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("index", indexes[i]);
        d.put("messageId", accepted.get(i).messageId());
        duplicates.add(d);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", true);
    body.put("accepted", seqs.length - dup);
    body.put("duplicates", dup);
    body.put("invalid", errors.size());
    if (!errors.isEmpty()) {
      body.put("errors", Problems.entries(errors, false));
    }
    if (!duplicates.isEmpty()) {
      body.put("duplicateMessages", duplicates);
    }
    return body;
  }
}
