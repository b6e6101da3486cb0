package io.kairos.server.profiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kairos.journey.Journey;
import io.kairos.journey.Trigger;
import io.kairos.server.Capability;
import io.kairos.server.definitions.DefinitionManager;
import io.kairos.server.definitions.Head;
import io.kairos.server.definitions.Kind;
import io.kairos.server.definitions.Status;
import io.kairos.server.http.Authenticator;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import io.kairos.server.openapi.OpenApi;
import io.kairos.server.runtime.JourneyCounts;
import io.kairos.server.runtime.LiveRuntime;
import io.kairos.server.store.Database;
import io.kairos.server.workspace.ApiKey;
import io.kairos.server.workspace.Scope;
import io.kairos.time.Timestamps;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profiles API: a profile with its engine state, search by identity and trait, the timeline
 * (events and decisions with their reasons), GDPR erasure with its audit record, journey stats and
 * API triggers. Every route acts in the workspace of the request's key only — another workspace's
 * profiles and journeys are not found (404), never forbidden — and needs scope read (GET) or admin
 * (erase, trigger, the audit log).
 *
 * <p>Reads see committed rows only, never a partition writer's memory: the writer commits a
 * profile's state, its timeline rows and its outbox rows in one transaction, and each answer here
 * is read in one statement.
 */
public final class ProfilesApi implements Capability {
  private static final Logger log = LoggerFactory.getLogger(ProfilesApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long an erase request waits for the runtime before answering 202 instead of 200. */
  static final Duration ERASE_WAIT = Duration.ofSeconds(2);

  private static final String PROFILES_CURSOR = "profiles";
  private static final String TIMELINE_CURSOR = "timeline";
  private static final String AUDIT_CURSOR = "audit";
  private static final String TRAIT = "trait.";

  private final Authenticator auth;
  private final LiveRuntime runtime;
  private final DefinitionManager definitions;
  private final InstantSource clock;
  private final ProfileStore profiles;
  private final TimelineStore timeline;
  private final JourneyStats stats;
  private final AuditStore audit;

  public ProfilesApi(
      Database db,
      LiveRuntime runtime,
      DefinitionManager definitions,
      Authenticator auth,
      InstantSource clock) {
    this.auth = auth;
    this.runtime = runtime;
    this.definitions = definitions;
    this.clock = clock;
    this.profiles = new ProfileStore(db);
    this.timeline = new TimelineStore(db);
    this.stats = new JourneyStats(db);
    this.audit = new AuditStore(db);
  }

  @Override
  public void routes(RoutesConfig r) {
    r.get("/v1/profiles", this::search);
    r.get("/v1/profiles/{id}", this::profile);
    r.delete("/v1/profiles/{id}", this::erase);
    r.get("/v1/profiles/{id}/timeline", this::timeline);
    r.get("/v1/audit", this::audit);
    r.get("/v1/journeys/{id}/stats", ctx -> stats(ctx, ctx.pathParam("id")));
    r.get("/v1/stats/journeys", ctx -> stats(ctx, null));
    r.post("/v1/journeys/{id}/trigger", this::trigger);
  }

  @Override
  public void describe(OpenApi api) {
    ProfilesDescription.describe(api);
  }

  // ---------------------------------------------------------------- profiles

  private void profile(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    Params.of(ctx, Set.of(), null);
    String id = ctx.pathParam("id");
    ProfileStore.Row row = profiles.get(key.workspace(), id);
    if (row == null) {
      throw ProblemException.notFound("no profile '" + id + "'");
    }
    if (row.mergedInto() != null) {
      throw ProblemException.notFound(
          "no profile '" + id + "': it was merged into '" + row.mergedInto() + "'");
    }
    LiveRuntime.StoredState state = decode(key.workspace(), row);
    ctx.json(Views.profile(row, state, clock.millis()));
  }

  private LiveRuntime.StoredState decode(String workspace, ProfileStore.Row row) {
    try {
      return runtime.decode(workspace, row.state());
    } catch (IllegalArgumentException e) {
      log.error("stored state of profile {} in {} cannot be read", row.id(), workspace, e);
      throw new ProblemException(
          Problem.of(
              500,
              "Internal Server Error",
              "the stored state of profile '" + row.id() + "' cannot be read: " + e.getMessage()));
    }
  }

  private void search(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    Params p = Params.of(ctx, Set.of("user_id", "anonymous_id", "email", "limit", "cursor"), TRAIT);
    Map<String, String> traits = new LinkedHashMap<>();
    for (String name : p.names()) {
      if (name.startsWith(TRAIT)) {
        String trait = name.substring(TRAIT.length());
        if (!Dialect.TRAIT.matcher(trait).matches()) {
          throw ProblemException.badField(
              name,
              "expected trait.NAME with NAME of letters, digits, '_' and '-' (dots reach into"
                  + " nested objects: trait.address.city)");
        }
        traits.put(trait, p.string(name));
      }
    }
    int limit = p.limit();
    String after = null;
    String cursor = p.string("cursor");
    if (cursor != null) {
      after = Cursor.decode(cursor, PROFILES_CURSOR, "s", "cursor").text(0);
    }
    ProfileStore.Filters f =
        new ProfileStore.Filters(
            p.string("user_id"), p.string("anonymous_id"), p.string("email"), traits);
    List<ProfileStore.Found> found = profiles.search(key.workspace(), f, after, limit + 1);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, found.size()); i++) {
      out.add(Views.found(found.get(i)));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("profiles", out);
    body.put(
        "next",
        found.size() > limit ? Cursor.encode(PROFILES_CURSOR, found.get(limit - 1).id()) : null);
    ctx.json(body);
  }

  // ---------------------------------------------------------------- timeline

  private void timeline(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.READ);
    Params p = Params.of(ctx, Set.of("limit", "before"), null);
    int limit = p.limit();
    TimelineStore.Key before = before(p.string("before"));
    String ws = key.workspace();
    String id = ctx.pathParam("id");
    Set<String> ids = new LinkedHashSet<>();
    ids.add(id);
    ProfileStore.Row row = profiles.get(ws, id);
    if (row == null) {
      if (!profiles.exists(ws, id)) {
        throw ProblemException.notFound("no profile '" + id + "'");
      }
    } else if (row.mergedInto() == null) {
      // The history of the anonymous visitors the customer was before: the ids an erasure of
      // the profile removes too.
      ids.addAll(decode(ws, row).state().profile().anonymousIds());
    }
    List<TimelineStore.Item> items = timeline.page(ws, ids, before, limit + 1);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, items.size()); i++) {
      out.add(Views.item(items.get(i)));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("profile", id);
    body.put("items", out);
    String next = null;
    if (items.size() > limit) {
      TimelineStore.Key k = items.get(limit - 1).key();
      next = Cursor.encode(TIMELINE_CURSOR, k.time(), k.seq(), (long) k.source(), k.id());
    }
    body.put("next", next);
    ctx.json(body);
  }

  /** {@code before}: a cursor from {@code next}, or a timestamp (everything earlier). */
  private static TimelineStore.Key before(String text) {
    if (text == null) {
      return null;
    }
    if (text.length() >= 20 && Character.isDigit(text.charAt(0)) && text.charAt(4) == '-') {
      try {
        return TimelineStore.Key.before(Timestamps.parse(text));
      } catch (IllegalArgumentException e) {
        throw ProblemException.badField(
            "before", "not an ISO-8601 timestamp such as 2026-03-01T00:00:00Z: '" + text + "'");
      }
    }
    Cursor.Position c = Cursor.decode(text, TIMELINE_CURSOR, "nnnn", "before");
    long source = c.number(2);
    if (source < 0 || source > 1) {
      throw ProblemException.badField("before", "not a cursor of this list");
    }
    return new TimelineStore.Key(c.number(0), c.number(1), (int) source, c.number(3));
  }

  // ---------------------------------------------------------------- erase and audit

  private void erase(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.ADMIN);
    Params.of(ctx, Set.of(), null);
    String id = ctx.pathParam("id");
    if (!profiles.exists(key.workspace(), id)) {
      throw ProblemException.notFound("no profile '" + id + "'");
    }
    // Durable when erase returns: the request is in the log, and its writer will apply it also
    // after a crash. The answer only says whether that already happened.
    long seq = logged(ctx, () -> runtime.erase(key.workspace(), id, key.id()));
    boolean done = runtime.awaitApplied(seq, ERASE_WAIT);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("seq", seq);
    body.put("status", done ? "erased" : "pending");
    if (!done) {
      ctx.status(202);
      ctx.header("Location", "/v1/audit?action=profile.erased&subject=" + urlEncode(id));
    }
    ctx.json(body);
  }

  /**
   * Appends through the runtime to the event log; a log that does not take it (the ingest writer is
   * busy or stopping, the store failed) is a 503 with {@code Retry-After: 5}: nothing was logged,
   * the request may be sent again as it is.
   */
  private static long logged(Context ctx, java.util.function.LongSupplier append) {
    try {
      return append.getAsLong();
    } catch (IllegalArgumentException | ProblemException e) {
      throw e;
    } catch (RuntimeException e) {
      // Expected while the server drains (the ingest writer stopped): one line, no stack trace.
      log.warn("the event log did not take a request: {}", e.toString());
      ctx.header("Retry-After", "5");
      throw new ProblemException(
          Problem.of(
              503,
              "Service Unavailable",
              "the event log did not take the request (nothing was logged); send it again"));
    }
  }

  private static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private void audit(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.ADMIN);
    Params p = Params.of(ctx, Set.of("action", "subject", "limit", "cursor"), null);
    int limit = p.limit();
    long[] before = null;
    String cursor = p.string("cursor");
    if (cursor != null) {
      Cursor.Position c = Cursor.decode(cursor, AUDIT_CURSOR, "nn", "cursor");
      before = new long[] {c.number(0), c.number(1)};
    }
    List<AuditStore.Entry> entries =
        audit.page(key.workspace(), p.string("action"), p.string("subject"), before, limit + 1);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, entries.size()); i++) {
      AuditStore.Entry e = entries.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", e.id());
      m.put("at", Views.time(e.at()));
      m.put("actor", e.actor());
      m.put("action", e.action());
      m.put("subject", e.subject());
      m.put("detail", detail(e.detail()));
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("records", out);
    String next = null;
    if (entries.size() > limit) {
      AuditStore.Entry last = entries.get(limit - 1);
      next = Cursor.encode(AUDIT_CURSOR, last.at(), last.id());
    }
    body.put("next", next);
    ctx.json(body);
  }

  private static Object detail(String text) {
    if (text == null) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return text;
    }
  }

  // ---------------------------------------------------------------- stats

  private void stats(Context ctx, String journeyId) {
    ApiKey key = auth.require(ctx, Scope.READ);
    Params p = Params.of(ctx, Set.of("from", "to", "by"), null);
    Long from = onQuarterHour("from", p.time("from"));
    Long to = onQuarterHour("to", p.time("to"));
    if (from != null && to != null && to <= from) {
      throw ProblemException.badField("to", "must be later than from");
    }
    String by = p.string("by");
    if (by != null && !by.equals("version")) {
      throw ProblemException.badField("by", "expected 'version', got '" + by + "'");
    }
    boolean byVersion = by != null;
    String ws = key.workspace();
    Map<String, Journey> live = new LinkedHashMap<>();
    for (Journey j : definitions.published(ws).journeys()) {
      live.put(j.id(), j);
    }
    if (journeyId != null) {
      if (definitions.head(ws, Kind.JOURNEY, journeyId).isEmpty()) {
        throw ProblemException.notFound("no journey '" + journeyId + "'");
      }
      List<JourneyStats.Group> groups = stats.groups(ws, journeyId, from, to, byVersion);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("journey", journeyId);
      range(body, from, to);
      body.putAll(StatsView.journey(journeyId, live.get(journeyId), groups, byVersion));
      ctx.json(body);
      return;
    }
    Map<String, List<JourneyStats.Group>> byJourney = new LinkedHashMap<>();
    for (Head h : definitions.heads(ws, Kind.JOURNEY)) {
      byJourney.put(h.id(), new ArrayList<>());
    }
    for (JourneyStats.Group g : stats.groups(ws, null, from, to, byVersion)) {
      byJourney.computeIfAbsent(g.journey(), k -> new ArrayList<>()).add(g);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    byJourney.forEach(
        (id, groups) -> out.add(StatsView.journey(id, live.get(id), groups, byVersion)));
    Map<String, Object> body = new LinkedHashMap<>();
    range(body, from, to);
    body.put("journeys", out);
    ctx.json(body);
  }

  /** The counters are kept per quarter hour: a window starts and ends on one. */
  private static Long onQuarterHour(String field, Long time) {
    if (time != null && Math.floorMod(time, JourneyCounts.BUCKET_MILLIS) != 0) {
      throw ProblemException.badField(
          field,
          "must be on a quarter hour (minutes 00, 15, 30 or 45, no seconds), as the stats are"
              + " counted per quarter hour; got "
              + Views.time(time));
    }
    return time;
  }

  private static void range(Map<String, Object> body, Long from, Long to) {
    body.put("from", from == null ? null : Views.time(from));
    body.put("to", to == null ? null : Views.time(to));
  }

  // ---------------------------------------------------------------- trigger

  private void trigger(Context ctx) {
    ApiKey key = auth.require(ctx, Scope.ADMIN);
    Params.of(ctx, Set.of(), null);
    String ws = key.workspace();
    String id = ctx.pathParam("id");
    Head head =
        definitions
            .head(ws, Kind.JOURNEY, id)
            .orElseThrow(() -> ProblemException.notFound("no journey '" + id + "'"));
    if (head.status() != Status.PUBLISHED) {
      throw new ProblemException(
          new Problem(
              409,
              "Conflict",
              "journey '" + id + "' is " + head.status().label() + ": publish it to trigger it",
              List.of(
                  new Problem.FieldError(
                      "journey", "is " + head.status().label() + ", not published"))));
    }
    Journey journey = null;
    for (Journey j : definitions.published(ws).journeys()) {
      if (j.id().equals(id)) {
        journey = j;
      }
    }
    if (journey != null && !(journey.trigger() instanceof Trigger.Api)) {
      throw ProblemException.badField(
          "journey", "'" + id + "' is not triggered by the API (its trigger is not `api`)");
    }
    TriggerRequest request = TriggerRequest.read(ctx);
    long seq;
    try {
      seq = logged(ctx, () -> runtime.trigger(ws, id, request.userId(), request.data()));
    } catch (IllegalArgumentException e) {
      // The journey changed between the checks above and the call (paused, trigger edited).
      String m = e.getMessage();
      int colon = m.indexOf(':');
      throw ProblemException.badField(
          colon > 0 ? m.substring(0, colon) : "journey",
          colon > 0 ? m.substring(colon + 1).trim() : m);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("journey", id);
    answer.put("userId", request.userId());
    answer.put("seq", seq);
    ctx.status(202).json(answer);
  }
}
