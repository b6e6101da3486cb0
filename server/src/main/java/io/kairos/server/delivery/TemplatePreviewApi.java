package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kairos.channel.Channel;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.policy.MessagePolicy;
import io.kairos.policy.Policies;
import io.kairos.profile.Profile;
import io.kairos.server.Capability;
import io.kairos.server.http.Authenticator;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import io.kairos.server.openapi.OpenApi;
import io.kairos.server.workspace.ApiKey;
import io.kairos.server.workspace.Scope;
import io.kairos.template.RenderResult;
import java.io.IOException;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /v1/templates/{id}/preview}: a template rendered for a customer (a stored profile,
 * traits given in the request, or both) and an event, exactly as the dispatcher would; and {@code
 * POST /v1/templates/{id}/test}: the same, sent at once to the address given, through the channel's
 * provider (not the outbox, not the customer's consent: a test goes to the sender's own inbox or
 * phone).
 */
public final class TemplatePreviewApi implements Capability {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS =
      Set.of("profile", "traits", "event", "locale", "data", "to");

  private final Authenticator auth;
  private final Recipients recipients;
  private final TemplateRendering rendering;
  private final MessageComposer composer;
  private final Map<String, Channel> channels;
  private final InstantSource clock;

  TemplatePreviewApi(
      Authenticator auth,
      Recipients recipients,
      TemplateRendering rendering,
      MessageComposer composer,
      Map<String, Channel> channels,
      InstantSource clock) {
    this.auth = auth;
    this.recipients = recipients;
    this.rendering = rendering;
    this.composer = composer;
    this.channels = channels;
    this.clock = clock;
  }

  @Override
  public void routes(RoutesConfig r) {
    r.post("/v1/templates/{id}/preview", ctx -> handle(ctx, false));
    r.post("/v1/templates/{id}/test", ctx -> handle(ctx, true));
  }

  @Override
  public void describe(OpenApi api) {
    Map<String, Object> request =
        Map.of(
            "type",
            "object",
            "properties",
            Map.of(
                "profile", Map.of("type", "string", "description", "a stored profile's id"),
                "traits", Map.of("type", "object", "description", "traits to use or override"),
                "event",
                    Map.of(
                        "type",
                        "object",
                        "description",
                        "{name, properties}: the event the message is about"),
                "locale", Map.of("type", "string"),
                "data", Map.of("type", "object", "description", "the journey's data"),
                "to", Map.of("type", "string", "description", "test: the address to send to")));
    api.operation("POST", "/v1/templates/{id}/preview", "templates", "Render a template")
        .scope(Scope.READ)
        .pathParameter("id", "the template")
        .body("who and what to render for", Map.of("application/json", Map.of("schema", request)))
        .json(
            200,
            "the rendered fields, the locale chosen, the direction, SMS segments, undefined"
                + " variables",
            Map.of("type", "object"))
        .problem(400, "a field of the request is invalid, or the template does not render")
        .problem(404, "no such template or profile");
    api.operation("POST", "/v1/templates/{id}/test", "templates", "Send a test message")
        .scope(Scope.ADMIN)
        .pathParameter("id", "the template")
        .body("as for a preview, with 'to'", Map.of("application/json", Map.of("schema", request)))
        .json(200, "the provider's answer: outcome, detail, provider_id", Map.of("type", "object"))
        .problem(400, "a field of the request is invalid, or the template does not render")
        .problem(404, "no such template or profile")
        .problem(409, "the template's channel has no provider configured");
  }

  private void handle(Context ctx, boolean send) {
    ApiKey key = auth.require(ctx, send ? Scope.ADMIN : Scope.READ);
    String ws = key.workspace();
    String id = ctx.pathParam("id");
    JsonNode body = body(ctx);
    String channel = rendering.channelOf(ws, id);
    if (channel == null) {
      throw ProblemException.notFound("no template '" + id + "'");
    }
    long now = clock.millis();
    Recipient r = recipient(ws, body);
    String to = text(body, "to");
    if (send && to == null) {
      throw ProblemException.badField("to", "required: the address to send the test to");
    }
    if (to != null) {
      String trait =
          channel.equals("push") ? "push_token" : MessagePolicy.DEFAULT_ADDRESSES.get(channel);
      if (trait != null) {
        r.profile().setTrait(trait, to);
      }
    }
    ObjectNode payload = JSON.createObjectNode();
    if (body.has("event")) {
      payload.set("event", body.get("event"));
    }
    if (body.has("data")) {
      payload.set("data", body.get("data"));
    }
    if (body.hasNonNull("locale")) {
      payload.set("locale", body.get("locale"));
    }
    if (channel.equals("webhook") && to != null) {
      payload.put("url", to);
    }
    String messageId = (send ? "test-" : "preview-") + UUID.randomUUID();
    OutboxMessage m =
        new OutboxMessage(
            ws,
            messageId,
            r.profileId(),
            null,
            null,
            channel,
            id,
            null,
            null,
            now,
            now,
            0,
            null,
            payload);
    TemplateRendering.Full full = rendering.full(m, r, now);
    if (full.problem() != null) {
      throw ProblemException.badField(
          full.field() == null ? "template" : full.field(), full.problem());
    }
    if (!send) {
      ctx.json(view(id, full.rendered()));
      return;
    }
    Channel c = channels.get(channel);
    if (c == null) {
      throw new ProblemException(
          new Problem(
              409,
              "Conflict",
              "no " + channel + " provider is configured (see docs/channels.md)",
              List.of(new Problem.FieldError("channel", channel + ": no provider"))));
    }
    Composer.Composed composed = composer.compose(m, r, now);
    if (composed instanceof Composer.Composed.NoAddress na) {
      throw ProblemException.badField("to", na.reason());
    }
    if (composed instanceof Composer.Composed.Broken b) {
      throw ProblemException.badField("template", b.reason());
    }
    Composer.Composed.Ready ready = (Composer.Composed.Ready) composed;
    Outcome o = c.send(new Delivery(messageId, ws, r.profileId(), 1, ready.content()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("message_id", messageId);
    out.put("to", ready.address());
    out.put("outcome", o.getClass().getSimpleName().toLowerCase(Locale.ROOT));
    out.put("detail", o.detail());
    out.put("provider_id", o instanceof Outcome.Sent s ? s.providerId() : null);
    ctx.json(out);
  }

  private Recipient recipient(String ws, JsonNode body) {
    Recipient r;
    String profileId = text(body, "profile");
    if (profileId != null) {
      r = recipients.load(ws, profileId);
      if (r == null) {
        throw ProblemException.notFound("no profile '" + profileId + "'");
      }
    } else {
      r = new Recipient("preview", new Profile("preview"), null, ZoneOffset.UTC, Policies.NONE);
    }
    JsonNode traits = body.get("traits");
    if (traits != null && !traits.isNull()) {
      if (!traits.isObject()) {
        throw ProblemException.badField("traits", "expected a JSON object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = traits.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> t = it.next();
        r.profile().setTrait(t.getKey(), JSON.convertValue(t.getValue(), Object.class));
      }
    }
    return r;
  }

  private static Map<String, Object> view(String id, RenderResult.Rendered r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("template", id);
    out.put("channel", r.channel());
    out.put("locale", r.locale());
    out.put("direction", r.direction());
    out.put("fields", r.fields());
    if (r.sms() != null) {
      Map<String, Object> sms = new LinkedHashMap<>();
      sms.put("encoding", r.sms().encoding().name().replace('_', '-'));
      sms.put("units", r.sms().units());
      sms.put("segments", r.sms().segments());
      sms.put("first_non_gsm", r.sms().firstNonGsm());
      out.put("sms", sms);
    }
    out.put(
        "undefined",
        r.undefined().stream()
            .map(u -> Map.of("field", u.field(), "variable", u.variable(), "line", u.line()))
            .toList());
    return out;
  }

  private static JsonNode body(Context ctx) {
    JsonNode body;
    try {
      byte[] raw = ctx.bodyAsBytes();
      body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
    } catch (IOException e) {
      throw ProblemException.badField("body", "not JSON: " + e.getMessage());
    }
    if (!body.isObject()) {
      throw ProblemException.badField("body", "expected a JSON object");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw ProblemException.badField(
            f, "unknown field; expected profile, traits, event, locale, data, to");
      }
    }
    JsonNode event = body.get("event");
    if (event != null && !event.isNull() && !event.isObject()) {
      throw ProblemException.badField("event", "expected {\"name\": ..., \"properties\": {...}}");
    }
    return body;
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      throw ProblemException.badField(field, "expected a non-empty string");
    }
    return n.asText();
  }
}
