package io.kairos.server.ingest;

import io.kairos.event.Event;
import io.kairos.event.EventParser;
import io.kairos.event.EventType;
import io.kairos.time.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Turns one message of a request into an {@link Accepted} row or an {@link ItemError}: validation
 * by the core {@link EventParser} (the one Segment parser), the limits the store needs (identity
 * lengths, no NUL in text columns), the timestamp rules, a messageId when there is none, and the
 * body as stored. Stateless and thread-safe: request threads share one.
 *
 * <p>The stored body is the message as sent, members copied byte for byte, with these changes at
 * its start: {@code type} (the route's, or the parsed one), {@code messageId} (generated when
 * missing), {@code timestamp} (the corrected time), {@code receivedAt}, {@code originalTimestamp}
 * (the sender's timestamp, unless it sent one), the batch's {@code sentAt} and {@code context}
 * (merged under the message's own context keys); {@code writeKey} is dropped, so no secret is kept
 * in the log.
 */
final class MessageIntake {

  /** Ids are keys of indexed columns: PostgreSQL refuses index entries above about 2.7 KB. */
  static final int MAX_ID_BYTES = 1024;

  private static final byte[] TYPE = ascii("{\"type\":\"");
  private static final byte[] MESSAGE_ID = ascii(",\"messageId\":");
  private static final byte[] TIMESTAMP = ascii(",\"timestamp\":\"");
  private static final byte[] RECEIVED_AT = ascii("\",\"receivedAt\":\"");
  private static final byte[] ORIGINAL_TIMESTAMP = ascii(",\"originalTimestamp\":");
  private static final byte[] SENT_AT = ascii(",\"sentAt\":");
  private static final byte[] CONTEXT = ascii(",\"context\":");

  private final EventParser parser;
  private final int maxEventBytes;
  private final long futureMillis;

  MessageIntake(EventParser parser, int maxEventBytes, Duration futureTolerance) {
    this.parser = parser;
    this.maxEventBytes = maxEventBytes;
    this.futureMillis = futureTolerance.toMillis();
  }

  /** The largest message accepted, in bytes. */
  int maxEventBytes() {
    return maxEventBytes;
  }

  /**
   * What a request gives all its messages.
   *
   * @param routeType the type the route implies (a single call), or null in a batch
   * @param scan the scanner over the request body
   * @param context the batch's context object (start and end in the body), or null
   * @param sentAt the batch's {@code sentAt} in epoch millis, or null
   * @param sentAtRaw the batch's {@code sentAt} JSON string as sent, or null
   */
  record Envelope(
      String workspace,
      long receivedAt,
      EventType routeType,
      JsonScan scan,
      int[] context,
      Long sentAt,
      byte[] sentAtRaw) {}

  /** The message in {@code body[start, end)}: an {@link Accepted}, or an {@link ItemError}. */
  Object message(Envelope env, byte[] body, int start, int end, int index) {
    int length = end - start;
    if (length > maxEventBytes) {
      return new ItemError(
          index,
          "(message)",
          "larger than " + maxEventBytes + " bytes (" + length + "); split it or trim properties");
    }
    JsonScan scan = env.scan();
    List<JsonScan.Member> members;
    int[] closeOut = new int[1];
    try {
      members = scan.members(start, false, 0, closeOut);
    } catch (JsonScan.Malformed e) {
      members = null;
    }
    Fields f = members == null ? null : fields(scan, members);

    byte[] buf = body;
    int from = start;
    int to = end;
    EventType route = env.routeType();
    if (route != null
        && f != null
        && (f.type == null || scan.isNull(f.type.valueStart(), f.type.valueEnd()))) {
      // A single call's type is its route: fill it in so the parser reads the call the route names.
      byte[] wire = ascii("\"" + route.wireName() + "\"");
      if (f.type != null) {
        buf = splice(body, start, end, f.type.valueStart(), f.type.valueEnd(), wire);
      } else {
        int close = closeOut[0] - 1;
        byte[] member =
            ascii(
                (members.isEmpty() ? "" : ",")
                    + "\"type\":"
                    + new String(wire, StandardCharsets.US_ASCII));
        buf = splice(body, start, end, close, close, member);
      }
      from = 0;
      to = buf.length;
    }
    EventParser.Result r = parser.parse(buf, from, to - from);
    if (r instanceof EventParser.Result.Invalid bad) {
      return new ItemError(index, bad.field(), bad.reason());
    }
    if (f == null) {
      // The parser accepted what the scanner could not delimit: never expected, refused to be safe.
      return new ItemError(index, EventParser.Result.Invalid.JSON, "could not be read");
    }
    Event e = ((EventParser.Result.Parsed) r).event();
    if (route != null && e.type() != route) {
      return new ItemError(
          index,
          "type",
          "must be '"
              + route.wireName()
              + "' (or left out) on /v1/"
              + route.wireName()
              + ", got '"
              + e.type().wireName()
              + "'");
    }
    ItemError bad =
        firstBad(
            index,
            "userId",
            e.userId(),
            "anonymousId",
            e.anonymousId(),
            "previousId",
            e.previousId(),
            "groupId",
            e.groupId());
    if (bad != null) {
      return bad;
    }
    boolean hasMessageId =
        f.messageId != null
            && scan.isString(f.messageId.valueStart())
            && f.messageId.valueEnd() - f.messageId.valueStart() > 2;
    if (hasMessageId) {
      bad = checkId(index, "messageId", e.messageId());
      if (bad != null) {
        return bad;
      }
    }
    if (e.name().indexOf('\0') >= 0) {
      return new ItemError(index, "event", "must not contain NUL (\\u0000)");
    }

    Object time = time(env, scan, f, e.timestamp(), index);
    if (time instanceof ItemError err) {
      return err;
    }
    long timestamp = (Long) time;
    String messageId = hasMessageId ? e.messageId() : UUID.randomUUID().toString();
    byte[] stored = body(env, body, members, f, e.type(), hasMessageId, messageId, timestamp);
    return new Accepted(
        env.workspace(),
        messageId,
        e.type(),
        e.name(),
        e.userId(),
        e.anonymousId(),
        e.previousId(),
        timestamp,
        env.receivedAt(),
        stored);
  }

  /**
   * The event time: the message's, corrected for the sender's clock skew when it says when it was
   * sent (Segment's rule: receivedAt - (sentAt - timestamp)), and at most {@code futureTolerance}
   * ahead of its arrival (else its arrival). A message without any time happened when it arrived.
   */
  private Object time(Envelope env, JsonScan scan, Fields f, long parsed, int index) {
    long receivedAt = env.receivedAt();
    if (parsed == Ingestion.NO_TIME) {
      return receivedAt;
    }
    Long sentAt = env.sentAt();
    if (f.sentAt != null && scan.isString(f.sentAt.valueStart())) {
      try {
        sentAt = Timestamps.parse(scan.text(f.sentAt.valueStart() + 1, f.sentAt.valueEnd() - 1));
      } catch (IllegalArgumentException ex) {
        return new ItemError(index, "sentAt", ex.getMessage());
      }
    } else if (f.sentAt != null && !scan.isNull(f.sentAt.valueStart(), f.sentAt.valueEnd())) {
      return new ItemError(index, "sentAt", "must be an ISO-8601 string");
    }
    long timestamp = parsed;
    if (sentAt != null) {
      try {
        timestamp = Math.subtractExact(receivedAt, Math.subtractExact(sentAt, parsed));
      } catch (ArithmeticException ex) {
        return new ItemError(index, "sentAt", "too far from timestamp");
      }
    }
    if (timestamp > receivedAt + futureMillis) {
      return receivedAt;
    }
    return timestamp;
  }

  private static ItemError firstBad(int index, String... namesAndValues) {
    for (int i = 0; i < namesAndValues.length; i += 2) {
      ItemError bad = checkId(index, namesAndValues[i], namesAndValues[i + 1]);
      if (bad != null) {
        return bad;
      }
    }
    return null;
  }

  static ItemError checkId(int index, String field, String value) {
    if (value == null) {
      return null;
    }
    if (value.indexOf('\0') >= 0) {
      return new ItemError(index, field, "must not contain NUL (\\u0000)");
    }
    if (value.length() > MAX_ID_BYTES / 3 && utf8Length(value) > MAX_ID_BYTES) {
      return new ItemError(index, field, "longer than " + MAX_ID_BYTES + " bytes");
    }
    return null;
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** The members the intake reads or replaces; null when absent. */
  private static final class Fields {
    JsonScan.Member type;
    JsonScan.Member messageId;
    JsonScan.Member timestamp;
    JsonScan.Member originalTimestamp;
    JsonScan.Member sentAt;
    JsonScan.Member context;
    boolean[] drop;
  }

  private static Fields fields(JsonScan scan, List<JsonScan.Member> members) {
    Fields f = new Fields();
    f.drop = new boolean[members.size()];
    for (int i = 0; i < members.size(); i++) {
      JsonScan.Member m = members.get(i);
      if (scan.nameIs(m, "type")) {
        f.type = m;
        f.drop[i] = true;
      } else if (scan.nameIs(m, "messageId")) {
        f.messageId = m;
        f.drop[i] = true;
      } else if (scan.nameIs(m, "timestamp")) {
        f.timestamp = m;
        f.drop[i] = true;
      } else if (scan.nameIs(m, "receivedAt") || scan.nameIs(m, "writeKey")) {
        f.drop[i] = true;
      } else if (scan.nameIs(m, "originalTimestamp")) {
        f.originalTimestamp = m;
      } else if (scan.nameIs(m, "sentAt")) {
        f.sentAt = m;
      } else if (scan.nameIs(m, "context")) {
        f.context = m;
      }
    }
    return f;
  }

  private static byte[] body(
      Envelope env,
      byte[] src,
      List<JsonScan.Member> members,
      Fields f,
      EventType type,
      boolean hasMessageId,
      String messageId,
      long timestamp) {
    Buffer out = new Buffer(estimate(src, members) + 160);
    out.put(TYPE).put(ascii(type.wireName())).put((byte) '"');
    out.put(MESSAGE_ID);
    if (hasMessageId) {
      out.put(src, f.messageId.valueStart(), f.messageId.valueEnd());
    } else {
      out.put((byte) '"').put(ascii(messageId)).put((byte) '"');
    }
    out.put(TIMESTAMP).put(Timestamps.formatAscii(timestamp));
    out.put(RECEIVED_AT).put(Timestamps.formatAscii(env.receivedAt())).put((byte) '"');
    if (f.timestamp != null
        && f.originalTimestamp == null
        && env.scan().isString(f.timestamp.valueStart())) {
      out.put(ORIGINAL_TIMESTAMP).put(src, f.timestamp.valueStart(), f.timestamp.valueEnd());
    }
    if (f.sentAt == null && env.sentAtRaw() != null) {
      out.put(SENT_AT).put(env.sentAtRaw());
    }
    int[] batchContext = env.context();
    boolean mergeContext = batchContext != null;
    if (mergeContext) {
      out.put(CONTEXT);
      mergedContext(env.scan(), src, f.context, batchContext, out);
    }
    for (int i = 0; i < members.size(); i++) {
      JsonScan.Member m = members.get(i);
      if (f.drop[i] || (mergeContext && m == f.context)) {
        continue;
      }
      out.put((byte) ',').put(src, m.nameStart() - 1, m.valueEnd());
    }
    out.put((byte) '}');
    return out.toArray();
  }

  // The message's own context keys win; the batch's fill in the rest (Segment applies a batch's
  // context to every call in it).
  private static void mergedContext(
      JsonScan scan, byte[] src, JsonScan.Member own, int[] batch, Buffer out) {
    if (own == null || scan.isNull(own.valueStart(), own.valueEnd())) {
      out.put(src, batch[0], batch[1]);
      return;
    }
    int[] ignored = new int[1];
    List<JsonScan.Member> mine = scan.members(own.valueStart(), false, 0, ignored);
    List<JsonScan.Member> theirs = scan.members(batch[0], false, 0, ignored);
    out.put((byte) '{');
    boolean first = true;
    for (JsonScan.Member m : mine) {
      if (!first) {
        out.put((byte) ',');
      }
      first = false;
      out.put(src, m.nameStart() - 1, m.valueEnd());
    }
    for (JsonScan.Member t : theirs) {
      if (has(scan, mine, t)) {
        continue;
      }
      if (!first) {
        out.put((byte) ',');
      }
      first = false;
      out.put(src, t.nameStart() - 1, t.valueEnd());
    }
    out.put((byte) '}');
  }

  private static boolean has(JsonScan scan, List<JsonScan.Member> members, JsonScan.Member name) {
    String n = scan.text(name.nameStart(), name.nameEnd());
    for (JsonScan.Member m : members) {
      if (scan.nameIs(m, n)) {
        return true;
      }
    }
    return false;
  }

  private static int estimate(byte[] src, List<JsonScan.Member> members) {
    if (members.isEmpty()) {
      return 16;
    }
    return members.get(members.size() - 1).valueEnd() - members.get(0).nameStart() + 16;
  }

  private static byte[] splice(byte[] src, int start, int end, int from, int to, byte[] insert) {
    byte[] out = new byte[(end - start) - (to - from) + insert.length];
    System.arraycopy(src, start, out, 0, from - start);
    System.arraycopy(insert, 0, out, from - start, insert.length);
    System.arraycopy(src, to, out, from - start + insert.length, end - to);
    return out;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A growable byte array without the locking of ByteArrayOutputStream. */
  static final class Buffer {
    private byte[] bytes;
    private int size;

    Buffer(int capacity) {
      bytes = new byte[Math.max(16, capacity)];
    }

    Buffer put(byte b) {
      ensure(1);
      bytes[size++] = b;
      return this;
    }

    Buffer put(byte[] src) {
      return put(src, 0, src.length);
    }

    Buffer put(byte[] src, int from, int to) {
      int n = to - from;
      ensure(n);
      System.arraycopy(src, from, bytes, size, n);
      size += n;
      return this;
    }

    private void ensure(int n) {
      if (size + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
      }
    }

    byte[] toArray() {
      return Arrays.copyOf(bytes, size);
    }
  }
}
