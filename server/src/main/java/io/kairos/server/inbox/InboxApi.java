package io.kairos.server.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseHandler;
import io.kairos.server.Capability;
import io.kairos.server.delivery.MessageMarks;
import io.kairos.server.http.Authenticator;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import io.kairos.server.ingest.EventLog;
import io.kairos.server.openapi.OpenApi;
import io.kairos.server.profiles.Cursor;
import io.kairos.server.profiles.Params;
import io.kairos.server.store.Database;
import io.kairos.server.workspace.ApiKey;
import io.kairos.server.workspace.Scope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox API. Server side, with an API key: a profile's inbox ({@code GET
 * /v1/profiles/{id}/inbox}) and per-profile tokens ({@code POST /v1/inbox/tokens}). Client side,
 * with such a token (browsers and apps): the list, read, unread, archive, read-all, and a
 * Server-Sent Events stream of the changes.
 *
 * <p>Reading and archiving are recorded as events ({@code Inbox Message Read}, {@code Inbox Message
 * Archived}) in the same transaction of the event log's writer as the change, so journeys react to
 * them and a crash keeps both or neither.
 */
final class InboxApi implements Capability {
  private static final Logger log = LoggerFactory.getLogger(InboxApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CURSOR = "inbox";

  static final String READ_EVENT = "Inbox Message Read";
  static final String ARCHIVED_EVENT = "Inbox Message Archived";

  static final long DEFAULT_TTL = Duration.ofHours(24).toSeconds();
  static final long MIN_TTL = 60;
  static final long MAX_TTL = Duration.ofDays(30).toSeconds();
  private static final int MAX_ID = 256;
  private static final int READ_ALL_BATCH = 500;
  private static final Duration WRITE_WAIT = Duration.ofSeconds(30);

  private enum Change {
    READ,
    UNREAD,
    ARCHIVE
  }

  private final Database db;
  private final InboxStore store;
  private final InboxHub hub;
  private final InboxTokens tokens;
  private final EventLog eventLog;
  private final Authenticator auth;
  private final InstantSource clock;
  private volatile boolean accepting = true;

  InboxApi(
      Database db,
      InboxStore store,
      InboxHub hub,
      InboxTokens tokens,
      EventLog eventLog,
      Authenticator auth,
      InstantSource clock) {
    this.db = db;
    this.store = store;
    this.hub = hub;
    this.tokens = tokens;
    this.eventLog = eventLog;
    this.auth = auth;
    this.clock = clock;
  }

  @Override
  public void routes(RoutesConfig r) {
    r.get("/v1/profiles/{id}/inbox", this::profileInbox);
    r.post("/v1/inbox/tokens", this::mint);
    r.get("/v1/inbox", this::list);
    r.post("/v1/inbox/messages/{id}/read", ctx -> change(ctx, Change.READ));
    r.post("/v1/inbox/messages/{id}/unread", ctx -> change(ctx, Change.UNREAD));
    r.post("/v1/inbox/messages/{id}/archive", ctx -> change(ctx, Change.ARCHIVE));
    r.post("/v1/inbox/read-all", this::readAll);
    r.get("/v1/inbox/stream", this::stream);
  }

  @Override
  public void describe(OpenApi api) {
    InboxDescription.describe(api);
  }

  /** Closes every stream: a stopping server answers them and does not wait for them. */
  @Override
  public void stopAccepting() {
    accepting = false;
    hub.close();
  }

  // ---------------------------------------------------------------- server side

  private void profileInbox(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    Params p = Params.of(ctx, Set.of("limit", "cursor", "unread", "include_archived"), null);
    String id = ctx.pathParam("id");
    InboxStore.Owner owner = store.owner(key.workspace(), id, true);
    if (!store.exists(owner)) {
      throw ProblemException.notFound("no profile '" + id + "'");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("profile", owner.profile());
    body.putAll(page(owner, p));
    ctx.json(body);
  }

  private void mint(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    Params.of(ctx, Set.of(), null);
    JsonNode body = body(ctx);
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!Set.of("user_id", "anonymous_id", "ttl").contains(name)) {
        throw ProblemException.badField(
            name, "unknown field; a token request has user_id or anonymous_id, and ttl");
      }
    }
    String userId = identity(body, "user_id");
    String anonymousId = identity(body, "anonymous_id");
    if ((userId == null) == (anonymousId == null)) {
      throw ProblemException.badField(
          userId == null ? "user_id" : "anonymous_id",
          "give exactly one of user_id and anonymous_id: whose inbox the token opens");
    }
    long ttl = DEFAULT_TTL;
    JsonNode t = body.get("ttl");
    if (t != null && !t.isNull()) {
      if (!t.isIntegralNumber() || t.asLong() < MIN_TTL || t.asLong() > MAX_TTL) {
        throw ProblemException.badField(
            "ttl",
            "expected seconds, a whole number from "
                + MIN_TTL
                + " to "
                + MAX_TTL
                + " (30 days), got "
                + t);
      }
      ttl = t.asLong();
    }
    long expires = clock.millis() / 1000 + ttl;
    String token =
        tokens.mint(new InboxTokens.Claims(key.workspace(), userId, anonymousId, expires));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("token", token);
    out.put("expires_at", Instant.ofEpochSecond(expires).toString());
    out.put(userId != null ? "user_id" : "anonymous_id", userId != null ? userId : anonymousId);
    ctx.status(201).json(out);
  }

  private static String identity(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > MAX_ID) {
      throw ProblemException.badField(
          field, "expected a non-empty string of at most " + MAX_ID + " characters");
    }
    return v.asText();
  }

  // ---------------------------------------------------------------- client side

  private InboxStore.Owner client(Context ctx) {
    // Browsers on another origin: the token is a bearer credential, never a cookie, so any origin
    // may call (and an EventSource passes it as ?token=, which needs no preflight).
    ctx.header("Access-Control-Allow-Origin", "*");
    String token = null;
    String h = ctx.header("Authorization");
    if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = h.substring(7).trim();
    } else if (h != null) {
      throw new ProblemException(
          Problem.of(401, "Unauthorized", "Authorization: expected Bearer <inbox token>"));
    }
    if (token == null) {
      token = ctx.queryParam("token");
    }
    if (token == null || token.isEmpty()) {
      throw new ProblemException(
          Problem.of(
              401,
              "Unauthorized",
              "an inbox token is required: Authorization: Bearer <token>, or ?token=<token>"));
    }
    InboxTokens.Claims c = tokens.verify(token, clock.millis());
    return store.owner(c.workspace(), c.identity(), c.anonymousId() != null);
  }

  private void list(Context ctx) {
    InboxStore.Owner owner = client(ctx);
    Params p =
        Params.of(ctx, Set.of("token", "limit", "cursor", "unread", "include_archived"), null);
    ctx.json(page(owner, p));
  }

  private Map<String, Object> page(InboxStore.Owner owner, Params p) {
    int limit = p.limit();
    boolean unread = bool(p, "unread");
    boolean archived = bool(p, "include_archived");
    InboxStore.Position after = null;
    String cursor = p.string("cursor");
    if (cursor != null) {
      Cursor.Position c = Cursor.decode(cursor, CURSOR, "n", "cursor");
      after = new InboxStore.Position(c.number(0));
    }
    // Read before the page: a change the page misses has a later number, so a stream opened
    // from this id sends it.
    long last = store.lastSeq(owner);
    List<InboxMessage> rows = store.page(owner, unread, archived, after, limit + 1);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, rows.size()); i++) {
      out.add(rows.get(i).view());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("messages", out);
    body.put("unread_count", store.unreadCount(owner));
    body.put("last_event_id", Long.toString(last));
    String next = null;
    if (rows.size() > limit) {
      InboxMessage m = rows.get(limit - 1);
      next = Cursor.encode(CURSOR, m.firstSeq());
    }
    body.put("next", next);
    return body;
  }

  private static boolean bool(Params p, String name) {
    String v = p.string(name);
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw ProblemException.badField(name, "expected true or false, got '" + v + "'");
  }

  private void change(Context ctx, Change change) {
    InboxStore.Owner owner = client(ctx);
    Params.of(ctx, Set.of("token"), null);
    String id = ctx.pathParam("id");
    InboxHub.Key key = new InboxHub.Key(owner.workspace(), owner.profile());
    InboxMessage now =
        hub.locked(
            key,
            () -> {
              InboxMessage before = store.get(owner, id);
              if (before == null) {
                throw ProblemException.notFound("no message '" + id + "' in this inbox");
              }
              long at = clock.millis();
              Long read = before.readAt();
              Long archived = before.archivedAt();
              String event = null;
              switch (change) {
                case READ -> {
                  if (read != null) {
                    return before;
                  }
                  read = at;
                  event = READ_EVENT;
                }
                case UNREAD -> {
                  if (read == null) {
                    return before;
                  }
                  read = null;
                }
                case ARCHIVE -> {
                  if (archived != null) {
                    return before;
                  }
                  archived = at;
                  event = ARCHIVED_EVENT;
                }
              }
              InboxMessage after = before.with(read, archived, hub.nextSeq());
              List<EventLog.LogEntry> events = new ArrayList<>();
              if (event != null) {
                events.add(event(owner, after, event, at));
              }
              write(ctx, events, List.of(before), List.of(after));
              hub.publish(key, List.of(after), "update");
              return after;
            });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", now.view());
    body.put("unread_count", store.unreadCount(owner));
    ctx.json(body);
  }

  private void readAll(Context ctx) {
    InboxStore.Owner owner = client(ctx);
    Params.of(ctx, Set.of("token"), null);
    InboxHub.Key key = new InboxHub.Key(owner.workspace(), owner.profile());
    int read =
        hub.locked(
            key,
            () -> {
              int n = 0;
              while (true) {
                List<InboxMessage> unread = store.unread(owner, READ_ALL_BATCH);
                if (unread.isEmpty()) {
                  return n;
                }
                long at = clock.millis();
                List<InboxMessage> after = new ArrayList<>(unread.size());
                List<EventLog.LogEntry> events = new ArrayList<>(unread.size());
                for (InboxMessage m : unread) {
                  InboxMessage a = m.with(at, m.archivedAt(), hub.nextSeq());
                  after.add(a);
                  events.add(event(owner, a, READ_EVENT, at));
                }
                write(ctx, events, unread, after);
                hub.publish(key, after, "update");
                n += unread.size();
                if (unread.size() < READ_ALL_BATCH) {
                  return n;
                }
              }
            });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("read", read);
    body.put("unread_count", store.unreadCount(owner));
    ctx.json(body);
  }

  /**
   * Writes the changed messages, with their events when there are any (through the event log's
   * writer, in one transaction). Nothing is written when it fails: a 503, to be sent again.
   */
  private void write(
      Context ctx,
      List<EventLog.LogEntry> events,
      List<InboxMessage> before,
      List<InboxMessage> after) {
    io.kairos.server.store.SqlWork<Void> work =
        c -> {
          List<MessageMarks.Entry> marks = new ArrayList<>();
          for (int i = 0; i < before.size(); i++) {
            InboxMessage b = before.get(i);
            InboxMessage a = after.get(i);
            if (!InboxStore.update(c, b, a)) {
              throw new java.sql.SQLException(
                  "inbox message " + b.messageId() + " changed meanwhile");
            }
            if (b.readAt() == null && a.readAt() != null) {
              // Read (the Inbox Message Read event logged with it): the journey stats' count.
              marks.add(
                  new MessageMarks.Entry(
                      a.workspace(), a.messageId(), MessageMarks.Mark.READ, a.readAt()));
            }
          }
          MessageMarks.apply(c, marks);
          return null;
        };
    try {
      if (events.isEmpty()) {
        db.transaction(work);
      } else {
        eventLog.append(events, work).get(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(ctx);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.warn("inbox: a change was not written: {}", e.toString());
      throw unavailable(ctx);
    }
  }

  private static ProblemException unavailable(Context ctx) {
    ctx.header("Retry-After", "5");
    return new ProblemException(
        Problem.of(
            503, "Service Unavailable", "the change was not written (nothing changed); try again"));
  }

  private EventLog.LogEntry event(InboxStore.Owner owner, InboxMessage m, String name, long at) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "track");
    body.put("event", name);
    String userId = store.userId(owner.workspace(), owner.profile());
    if (userId != null) {
      body.put("userId", userId);
    } else {
      body.put("anonymousId", owner.profile());
    }
    String id =
        m.messageId() + "/" + (name.equals(READ_EVENT) ? "read" : "archived") + "/" + m.seq();
    body.put("messageId", id);
    body.put("timestamp", Instant.ofEpochMilli(at).toString());
    ObjectNode p = body.putObject("properties");
    p.put("message_id", m.messageId());
    p.put("channel", "inbox");
    putIf(p, "journey", m.journey());
    putIf(p, "template", m.template());
    putIf(p, "category", m.category());
    putIf(p, "topic", m.topic());
    body.putObject("context").putObject("library").put("name", "kairos-inbox");
    return new EventLog.LogEntry(
        owner.workspace(),
        owner.profile(),
        "track",
        name,
        id,
        at,
        at,
        body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void putIf(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }

  private void stream(Context ctx) {
    InboxStore.Owner owner = client(ctx);
    Params p = Params.of(ctx, Set.of("token", "last_event_id"), null);
    String last = ctx.header("Last-Event-ID");
    String field = "Last-Event-ID";
    if (last == null || last.isBlank()) {
      last = p.string("last_event_id");
      field = "last_event_id";
    }
    Long after = null;
    if (last != null) {
      try {
        after = Long.parseLong(last.trim());
      } catch (NumberFormatException e) {
        throw ProblemException.badField(
            field, "expected the id of an event of this stream (a number), got '" + last + "'");
      }
    }
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw new ProblemException(
          new Problem(
              406,
              "Not Acceptable",
              "this is a Server-Sent Events stream: send Accept: text/event-stream",
              List.of(new Problem.FieldError("Accept", "must include text/event-stream"))));
    }
    if (!accepting) {
      ctx.header("Retry-After", "5");
      throw new ProblemException(
          Problem.of(503, "Service Unavailable", "the server is stopping; reconnect later"));
    }
    Long from = after;
    new SseHandler(
            client -> {
              client.keepAlive();
              hub.open(client, owner, from);
            })
        .handle(ctx);
  }

  private static JsonNode body(Context ctx) {
    JsonNode n;
    try {
      n = JSON.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw ProblemException.badField("body", "not valid JSON");
    }
    if (n == null || !n.isObject()) {
      throw ProblemException.badField("body", "expected a JSON object");
    }
    return n;
  }
}
