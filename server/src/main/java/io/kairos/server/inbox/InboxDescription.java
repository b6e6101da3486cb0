package io.kairos.server.inbox;

import io.kairos.server.openapi.OpenApi;
import io.kairos.server.workspace.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAPI description of {@link InboxApi}'s routes (docs/api.md has the prose). */
final class InboxDescription {
  private InboxDescription() {}

  private static final String TOKEN =
      "With an inbox token (POST /v1/inbox/tokens), as `Authorization: Bearer <token>` or"
          + " `?token=<token>`; no API key.";

  private static Map<String, Object> string() {
    return Map.of("type", "string");
  }

  private static Map<String, Object> nullable(String type) {
    return Map.of("type", List.of(type, "null"));
  }

  private static Map<String, Object> object(Map<String, Object> properties) {
    return Map.of("type", "object", "properties", properties);
  }

  static void describe(OpenApi api) {
    api.tag(
        "inbox",
        "The in-app inbox: messages a journey sent to the inbox channel, listed, read and archived"
            + " by the customer's app with a per-profile token, and streamed live (Server-Sent"
            + " Events)");
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("id", string());
    message.put("title", nullable("string"));
    message.put("body", nullable("string"));
    message.put("url", nullable("string"));
    message.put("image_url", nullable("string"));
    message.put("data", Map.of("type", "object"));
    message.put("category", nullable("string"));
    message.put("topic", nullable("string"));
    message.put("journey", nullable("string"));
    message.put("template", nullable("string"));
    message.put("created_at", Map.of("type", "string", "format", "date-time"));
    message.put("read", Map.of("type", "boolean"));
    message.put("read_at", nullable("string"));
    message.put("archived", Map.of("type", "boolean"));
    message.put("archived_at", nullable("string"));
    message.put("event_id", Map.of("type", "string", "description", "its last change's id"));
    api.schema("InboxMessage", object(message));
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("profile", Map.of("type", "string", "description", "server side only"));
    page.put("messages", Map.of("type", "array", "items", OpenApi.ref("InboxMessage")));
    page.put("unread_count", Map.of("type", "integer"));
    page.put(
        "last_event_id",
        Map.of("type", "string", "description", "open the stream from here (last_event_id)"));
    page.put("next", nullable("string"));
    api.schema("InboxPage", object(page));
    Map<String, Object> changed = new LinkedHashMap<>();
    changed.put("message", OpenApi.ref("InboxMessage"));
    changed.put("unread_count", Map.of("type", "integer"));

    api.operation("GET", "/v1/profiles/{id}/inbox", "inbox", "A profile's inbox")
        .scope(Scope.READ)
        .pathParameter("id", "the profile: its id, userId or any of its anonymous ids")
        .description("Newest first; archived messages only with include_archived=true.")
        .query("limit", "messages per page, 1-500 (default 50)", Map.of("type", "integer"))
        .query("cursor", "`next` of the previous page", string())
        .query("unread", "true: only unread messages", Map.of("type", "boolean"))
        .query("include_archived", "true: archived messages too", Map.of("type", "boolean"))
        .json(200, "a page of messages, the unread count", OpenApi.ref("InboxPage"))
        .problem(400, "a parameter is invalid")
        .problem(404, "no such profile");
    Map<String, Object> tokenRequest = new LinkedHashMap<>();
    tokenRequest.put("user_id", string());
    tokenRequest.put("anonymous_id", string());
    tokenRequest.put(
        "ttl",
        Map.of("type", "integer", "description", "seconds, 60 to 2592000 (default 86400: 24 h)"));
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("token", string());
    token.put("expires_at", Map.of("type", "string", "format", "date-time"));
    token.put("user_id", string());
    token.put("anonymous_id", string());
    api.operation("POST", "/v1/inbox/tokens", "inbox", "Mint an inbox token for one profile")
        .scope(Scope.READ)
        .description(
            "Your backend calls this for the signed-in customer (user_id) or the visitor"
                + " (anonymous_id) and hands the token to the app; it opens that inbox only.")
        .body(
            "whose inbox, for how long",
            Map.of("application/json", Map.of("schema", object(tokenRequest))))
        .json(201, "the token", object(token))
        .problem(400, "a field is invalid");
    api.operation("GET", "/v1/inbox", "inbox", "The token's inbox")
        .description(TOKEN + " Newest first.")
        .query("token", "the inbox token, when not in Authorization", string())
        .query("limit", "messages per page, 1-500 (default 50)", Map.of("type", "integer"))
        .query("cursor", "`next` of the previous page", string())
        .query("unread", "true: only unread messages", Map.of("type", "boolean"))
        .query("include_archived", "true: archived messages too", Map.of("type", "boolean"))
        .json(200, "a page of messages, the unread count", OpenApi.ref("InboxPage"))
        .problem(400, "a parameter is invalid")
        .problem(401, "no token, or a forged or expired one");
    for (String[] c :
        List.of(
            new String[] {"read", "Mark a message read (records Inbox Message Read)"},
            new String[] {"unread", "Mark a message unread"},
            new String[] {"archive", "Archive a message (records Inbox Message Archived)"})) {
      api.operation("POST", "/v1/inbox/messages/{id}/" + c[0], "inbox", c[1])
          .description(TOKEN + " Idempotent: a message already so is answered as it is.")
          .pathParameter("id", "the message id")
          .query("token", "the inbox token, when not in Authorization", string())
          .json(200, "the message and the unread count", object(changed))
          .problem(401, "no token, or a forged or expired one")
          .problem(404, "no such message in this inbox")
          .problem(503, "not written (the server is busy or stopping); send it again");
    }
    Map<String, Object> readAll = new LinkedHashMap<>();
    readAll.put("read", Map.of("type", "integer", "description", "messages marked read"));
    readAll.put("unread_count", Map.of("type", "integer"));
    api.operation("POST", "/v1/inbox/read-all", "inbox", "Mark every message read")
        .description(TOKEN)
        .query("token", "the inbox token, when not in Authorization", string())
        .json(200, "how many were marked", object(readAll))
        .problem(401, "no token, or a forged or expired one")
        .problem(503, "not written (the server is busy or stopping); send it again");
    api.operation("GET", "/v1/inbox/stream", "inbox", "The inbox's changes, live (SSE)")
        .description(
            TOKEN
                + " A text/event-stream: `message` (a new message) and `update` (read, unread,"
                + " archived) events whose data is {message, unread_count}, each with an id; a"
                + " `reset` event when too much changed since Last-Event-ID (reload the list);"
                + " comments as heartbeats. Reconnect with Last-Event-ID (or ?last_event_id=) to"
                + " get what was missed.")
        .query("token", "the inbox token, when not in Authorization", string())
        .query(
            "last_event_id", "resume after this event id (the Last-Event-ID header wins)", string())
        .content(200, "the event stream", "text/event-stream", string())
        .problem(401, "no token, or a forged or expired one")
        .problem(406, "Accept does not include text/event-stream")
        .problem(503, "the server is stopping");
  }
}
