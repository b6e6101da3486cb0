package io.kairos.server.profiles;

import io.kairos.server.openapi.OpenApi;
import io.kairos.server.workspace.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAPI description of {@link ProfilesApi}'s routes (docs/api.md has the prose). */
final class ProfilesDescription {
  /** The stats window's bounds: counters are kept per quarter hour. */
  private static final String FROM =
      "count decisions (and the messages decided) at or after this time, on a quarter hour"
          + " (minutes 00, 15, 30 or 45)";

  private static final String TO =
      "count decisions (and the messages decided) before this time, on a quarter hour";

  private ProfilesDescription() {}

  private static Map<String, Object> string() {
    return Map.of("type", "string");
  }

  private static Map<String, Object> nullable(String type) {
    return Map.of("type", List.of(type, "null"));
  }

  private static Map<String, Object> time() {
    return Map.of("type", "string", "format", "date-time");
  }

  private static Map<String, Object> integer() {
    return Map.of("type", "integer");
  }

  private static Map<String, Object> object(Map<String, Object> properties) {
    return Map.of("type", "object", "properties", properties);
  }

  private static Map<String, Object> array(Map<String, Object> items) {
    return Map.of("type", "array", "items", items);
  }

  private static Map<String, Object> page(String name, Map<String, Object> items) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(name, array(items));
    p.put(
        "next",
        Map.of(
            "type",
            List.of("string", "null"),
            "description",
            "the cursor of the next page; null on the last page"));
    return object(p);
  }

  static void describe(OpenApi api) {
    api.tag(
        "profiles",
        "Customers as the live engine keeps them: identity, traits, journeys in flight, deferred"
            + " messages, consent; search, timeline, GDPR erasure");
    api.tag(
        "stats",
        "What journeys decided and what became of their messages, per journey, step and version");

    Map<String, Object> profile = new LinkedHashMap<>();
    profile.put("id", string());
    profile.put("user_id", nullable("string"));
    profile.put("anonymous_ids", array(string()));
    profile.put("traits", Map.of("type", "object"));
    profile.put("tags", array(string()));
    profile.put("timezone", nullable("string"));
    profile.put("locale", nullable("string"));
    profile.put("first_seen", time());
    profile.put("last_seen", time());
    profile.put(
        "events",
        Map.of(
            "type",
            "object",
            "description",
            "per event name: count and the time of the last one",
            "additionalProperties",
            object(Map.of("count", integer(), "last", time()))));
    profile.put("segments", array(string()));
    profile.put("places", array(string()));
    profile.put(
        "scores",
        Map.of(
            "type",
            "object",
            "description",
            "every score of the workspace, decayed to the time of the request",
            "additionalProperties",
            Map.of("type", "number")));
    profile.put("lifecycle_stage", nullable("string"));
    Map<String, Object> inFlight = new LinkedHashMap<>();
    inFlight.put("journey", string());
    inFlight.put("version", string());
    inFlight.put("instance", integer());
    inFlight.put("step", string());
    inFlight.put(
        "state", Map.of("type", "string", "enum", List.of("waiting", "waiting_for_event")));
    inFlight.put("entered_at", time());
    inFlight.put("until", Map.of("type", List.of("string", "null"), "format", "date-time"));
    profile.put("journeys", array(object(inFlight)));
    Map<String, Object> deferred = new LinkedHashMap<>();
    for (String f :
        List.of("message_id", "journey", "version", "step", "channel", "template", "category")) {
      deferred.put(f, string());
    }
    deferred.put("topic", nullable("string"));
    deferred.put("deferred_at", time());
    deferred.put("due", time());
    deferred.put("expires_at", Map.of("type", List.of("string", "null"), "format", "date-time"));
    profile.put("deferred_messages", array(object(deferred)));
    profile.put(
        "consent",
        array(
            object(
                Map.of(
                    "channel", string(),
                    "topic", string(),
                    "subscribed", Map.of("type", "boolean"),
                    "at", time(),
                    "source", string()))));
    profile.put(
        "suppressions",
        array(
            object(
                Map.of(
                    "channel", string(), "address", string(), "at", time(), "source", string()))));
    profile.put("updated_at", time());
    api.schema("Profile", object(profile));
    api.schema(
        "ProfileSummary",
        object(
            Map.of(
                "id",
                string(),
                "user_id",
                nullable("string"),
                "traits",
                Map.of("type", "object"),
                "updated_at",
                time())));
    Map<String, Object> item = new LinkedHashMap<>();
    item.put(
        "kind",
        Map.of(
            "type",
            "string",
            "description",
            "`event` for what the customer did (or an API trigger); otherwise the runtime's"
                + " decision kind: entered, entry_refused, waiting, resumed, branch, split, send,"
                + " deferred, skipped, webhook, profile_updated, emitted, converted, exited,"
                + " completed, merged, historical, error and the workspace rules' kinds"));
    item.put("at", time());
    item.put("type", Map.of("type", "string", "description", "events: track, identify, ..."));
    item.put("name", Map.of("type", "string", "description", "events: the event name"));
    item.put(
        "seq",
        Map.of(
            "type",
            List.of("integer", "null"),
            "description",
            "events: the log seq; decisions: the seq of the event that caused them (null: a"
                + " timer)"));
    item.put("received_at", time());
    item.put("message_id", nullable("string"));
    item.put("properties", Map.of("type", "object"));
    item.put("traits", Map.of("type", "object"));
    item.put("journey", nullable("string"));
    item.put("version", nullable("string"));
    item.put("step", nullable("string"));
    item.put("revenue", Map.of("type", "number"));
    item.put("summary", string());
    item.put("reason", string());
    item.put("detail", Map.of("type", "object"));
    api.schema("TimelineItem", object(item));
    Map<String, Object> counters = new LinkedHashMap<>();
    for (String c : JourneyStats.COUNTERS) {
      counters.put(c, Map.of("type", c.endsWith("revenue") ? "number" : "integer"));
    }
    Map<String, Object> step = new LinkedHashMap<>(counters);
    step.put("step", string());
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("version", nullable("string"));
    version.put("totals", object(counters));
    version.put("steps", array(object(step)));
    Map<String, Object> journeyStats = new LinkedHashMap<>();
    journeyStats.put("journey", string());
    journeyStats.put("totals", object(counters));
    journeyStats.put("steps", array(object(step)));
    journeyStats.put("versions", array(object(version)));
    api.schema("JourneyStats", object(journeyStats));
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("id", integer());
    record.put("at", time());
    record.put("actor", Map.of("type", "string", "description", "the id of the key that asked"));
    record.put("action", Map.of("type", "string", "description", "profile.erased, ..."));
    record.put("subject", string());
    record.put("detail", Map.of("type", List.of("object", "null")));

    Map<String, Object> limit =
        Map.of("type", "integer", "minimum", 1, "maximum", Params.MAX_LIMIT, "default", 50);
    api.operation("GET", "/v1/profiles", "profiles", "Searches profiles")
        .scope(Scope.READ)
        .description(
            "Every filter given must hold; none lists every profile. Ordered by id; `next` is"
                + " the cursor of the next page. An unknown parameter is a 400.")
        .query("user_id", "the profile with this userId", string())
        .query(
            "anonymous_id",
            "the profile this anonymousId leads to (also after it was merged into a known"
                + " customer)",
            string())
        .query("email", "trait email, compared without regard to case", string())
        .query(
            "trait.NAME",
            "trait NAME (letters, digits, _ and -; dots reach into nested objects) has this"
                + " value, compared as text (true/false for booleans); repeatable for several"
                + " traits",
            string())
        .query("limit", "profiles per page", limit)
        .query("cursor", "`next` of the previous page", string())
        .json(200, "a page of profiles", page("profiles", OpenApi.ref("ProfileSummary")))
        .problem(400, "a bad parameter (named in `errors`)");
    api.operation("GET", "/v1/profiles/{id}", "profiles", "A profile")
        .scope(Scope.READ)
        .pathParameter("id", "the profile id: the userId, or the anonymousId of a visitor")
        .json(200, "the profile", OpenApi.ref("Profile"))
        .problem(404, "no such profile in the key's workspace");
    api.operation("DELETE", "/v1/profiles/{id}", "profiles", "Erases a profile (GDPR)")
        .scope(Scope.ADMIN)
        .description(
            "Durable when answered: the erase request is in the log and is applied also after a"
                + " crash. It removes the profile's state, events, messages, timers, timeline and"
                + " identities, also those of the anonymous visitors it was, and writes an audit"
                + " record (action profile.erased). 200 when done within a short wait, 202 while"
                + " the runtime has not applied it yet.")
        .json(
            200,
            "erased",
            object(Map.of("id", string(), "seq", integer(), "status", Map.of("const", "erased"))))
        .json(
            202,
            "accepted, not yet applied; Location: the audit records to look for",
            object(Map.of("id", string(), "seq", integer(), "status", Map.of("const", "pending"))))
        .problem(404, "no such profile in the key's workspace")
        .problem(503, "the event log did not take the request: nothing was logged, send it again");
    api.operation(
            "GET", "/v1/profiles/{id}/timeline", "profiles", "A profile's events and decisions")
        .scope(Scope.READ)
        .description(
            "One stream, newest first: the customer's events and every decision the runtime"
                + " made for it, with its reason.")
        .query("limit", "items per page", limit)
        .query(
            "before",
            "`next` of the previous page, or an ISO-8601 timestamp: items before it",
            string())
        .json(200, "a page of the timeline", page("items", OpenApi.ref("TimelineItem")))
        .problem(400, "a bad parameter (named in `errors`)")
        .problem(404, "no such profile in the key's workspace");
    api.operation("GET", "/v1/audit", "profiles", "The workspace's audit log")
        .scope(Scope.ADMIN)
        .query("action", "only records of this action (profile.erased)", string())
        .query("subject", "only records about this subject (a profile id)", string())
        .query("limit", "records per page", limit)
        .query("cursor", "`next` of the previous page", string())
        .json(200, "a page of records, newest first", page("records", object(record)))
        .problem(400, "a bad parameter (named in `errors`)");
    Map<String, Object> from = Map.of("type", "string", "format", "date-time");
    api.operation("GET", "/v1/journeys/{id}/stats", "stats", "A journey's stats")
        .scope(Scope.READ)
        .description(
            "Counters per journey and step, defined in docs/api.md (Journey stats): the decisions,"
                + " and per message decided in the window what became of it (delivered, bounced,"
                + " failed, unique_opens, machine_opens, unique_clicks, unsubscribed, read).")
        .query("from", FROM, from)
        .query("to", TO, from)
        .query("by", "`version`: split by the journey version", Map.of("enum", List.of("version")))
        .json(200, "the journey's stats", OpenApi.ref("JourneyStats"))
        .problem(400, "a bad parameter (named in `errors`)")
        .problem(404, "no such journey in the key's workspace");
    api.operation("GET", "/v1/stats/journeys", "stats", "Every journey's stats")
        .scope(Scope.READ)
        .query("from", FROM, from)
        .query("to", TO, from)
        .query("by", "`version`: split by the journey version", Map.of("enum", List.of("version")))
        .json(
            200,
            "the stats of every journey of the workspace",
            object(Map.of("journeys", array(OpenApi.ref("JourneyStats")))))
        .problem(400, "a bad parameter (named in `errors`)");
    api.operation(
            "POST", "/v1/journeys/{id}/trigger", "journeys", "Starts an API-triggered journey")
        .scope(Scope.ADMIN)
        .description(
            "For a journey with `trigger: api`. Durable when answered; the journey's entry policy"
                + " decides as for any trigger, and the decision shows in the profile's"
                + " timeline.")
        .body(
            "who and with what",
            Map.of(
                "application/json",
                Map.of(
                    "type",
                    "object",
                    "required",
                    List.of("userId"),
                    "properties",
                    Map.of(
                        "userId",
                        string(),
                        "data",
                        Map.of(
                            "type",
                            "object",
                            "description",
                            "visible to the journey as event.properties")))))
        .json(
            202,
            "accepted: in the log",
            object(Map.of("journey", string(), "userId", string(), "seq", integer())))
        .problem(400, "a bad body, or the journey's trigger is not api (field journey)")
        .problem(404, "no such journey in the key's workspace")
        .problem(409, "the journey is not published (draft, paused or archived)")
        .problem(415, "not JSON")
        .problem(503, "the event log did not take the request: nothing was logged, send it again");
  }
}
