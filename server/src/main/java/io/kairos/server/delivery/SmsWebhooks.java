package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kairos.channel.sms.InboundSms;
import io.kairos.channel.sms.TwilioSignature;
import io.kairos.policy.DeliveryEvents;
import io.kairos.server.Capability;
import io.kairos.server.config.DeliveryConfig;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import io.kairos.server.ingest.EventLog;
import io.kairos.server.openapi.OpenApi;
import io.kairos.server.store.Database;
import io.kairos.server.store.SqlWork;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What SMS providers post back: replies to our number ({@code POST /v1/sms/twilio/inbound}, {@code
 * POST /v1/sms/inbound} for the generic gateway) and Twilio's delivery reports ({@code POST
 * /v1/sms/twilio/status}). These routes take no API key: a request is trusted by the provider's
 * signature (Twilio's {@code X-Twilio-Signature}) or the gateway's bearer token.
 *
 * <p>A reply of STOP (and the other opt-out keywords) becomes {@code Unsubscribed {channel: sms}},
 * START becomes {@code Subscribed {channel: sms}}, anything else {@code SMS Received}, for every
 * profile in every workspace whose SMS address is the sender's number (the number texted is the
 * server's, shared by its workspaces). A delivery report becomes {@code Message Delivered}, {@code
 * Message Bounced} (a permanent destination error: the number is suppressed) or {@code Message
 * Failed} for the message the callback URL names.
 *
 * <p>Each event's id comes from the provider's message id, and is claimed in the ingest dedupe
 * table ({@code message_ids}) in the transaction that logs it: a provider's retry of a request
 * already recorded changes nothing. The answer is sent after the commit.
 */
public final class SmsWebhooks implements Capability {
  private static final String LIBRARY = "kairos-sms";

  private static final Logger log = LoggerFactory.getLogger(SmsWebhooks.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
  private static final long COMMIT_WAIT_SECONDS = 10;

  /** Where Twilio posts delivery reports (under {@code server.public_url}). */
  static final String TWILIO_STATUS = "/v1/sms/twilio/status";

  /** The event of an ordinary reply (anything but an opt-out or opt-in keyword). */
  public static final String SMS_RECEIVED = "SMS Received";

  /**
   * Twilio error codes that say the number can never take a text: 21211 invalid number, 21614 not a
   * mobile number, 30005 unknown or inactive number, 30006 landline or unreachable carrier. 30003
   * (handset switched off or out of coverage) is temporary and is not among them.
   */
  static final Set<String> PERMANENT_ERRORS = Set.of("21211", "21614", "30005", "30006");

  /** Twilio's error when the recipient replied STOP to the sender. */
  static final String OPTED_OUT = "21610";

  private final DeliveryConfig.Sms sms;
  private final Supplier<String> base;
  private final Database db;
  private final EventLog eventLog;
  private final Recipients recipients;
  private final ProfilesByPhone phones;
  private final InstantSource clock;

  SmsWebhooks(
      DeliveryConfig.Sms sms,
      Supplier<String> base,
      Database db,
      EventLog eventLog,
      Recipients recipients,
      ProfilesByPhone phones,
      InstantSource clock) {
    this.sms = sms;
    this.base = base;
    this.db = db;
    this.eventLog = eventLog;
    this.recipients = recipients;
    this.phones = phones;
    this.clock = clock;
  }

  @Override
  public void routes(RoutesConfig r) {
    r.post("/v1/sms/twilio/inbound", this::twilioInbound);
    r.post(TWILIO_STATUS, this::twilioStatus);
    r.post("/v1/sms/inbound", this::gatewayInbound);
  }

  @Override
  public void describe(OpenApi api) {
    api.tag("sms", "Replies and delivery reports from SMS providers (no API key: signed)");
    Map<String, Object> twilioForm =
        Map.of(
            "type",
            "object",
            "properties",
            Map.of(
                "From", Map.of("type", "string", "description", "the sender, E.164"),
                "To", Map.of("type", "string", "description", "our number"),
                "Body", Map.of("type", "string"),
                "MessageSid", Map.of("type", "string")),
            "required",
            List.of("From", "To", "MessageSid"));
    api.operation(
            "POST",
            "/v1/sms/twilio/inbound",
            "sms",
            "Twilio's webhook for a text to our number (STOP, START, replies)")
        .description(
            "Configure it as the number's \"A message comes in\" webhook (HTTP POST). Trusted by"
                + " X-Twilio-Signature over server.public_url + path + query. STOP/START and the"
                + " other keywords change SMS consent; other texts are recorded as 'SMS"
                + " Received', for every profile whose phone is From, in every workspace.")
        .body("Twilio's form", Map.of("application/x-www-form-urlencoded", twilioForm))
        .content(200, "recorded (or a retry of one already recorded)", "text/xml", Map.of())
        .problem(400, "From, To or MessageSid is missing")
        .problem(401, "no X-Twilio-Signature header")
        .problem(403, "X-Twilio-Signature does not match")
        .problem(404, "Twilio is not the configured SMS provider")
        .problem(503, "the server is stopping or busy; nothing was recorded");
    api.operation(
            "POST",
            "/v1/sms/twilio/status",
            "sms",
            "Twilio's delivery report for a message Kairos sent (StatusCallback)")
        .description(
            "Kairos asks Twilio for it on every text when server.public_url is set."
                + " delivered → Message Delivered; undelivered/failed → Message Bounced for"
                + " errors 21211, 21614, 30005, 30006 (the number is suppressed), else Message"
                + " Failed; other statuses are ignored. Signed like the inbound webhook.")
        .query("workspace", "the message's workspace (Kairos adds it)", Map.of("type", "string"))
        .query("message", "the message's id (Kairos adds it)", Map.of("type", "string"))
        .body(
            "Twilio's form: MessageSid, MessageStatus, ErrorCode, To, ...",
            Map.of("application/x-www-form-urlencoded", Map.of("type", "object")))
        .empty(204, "recorded, ignored, or for no message Kairos knows")
        .problem(401, "no X-Twilio-Signature header")
        .problem(403, "X-Twilio-Signature does not match")
        .problem(404, "Twilio is not the configured SMS provider")
        .problem(503, "the server is stopping or busy; nothing was recorded");
    Map<String, Object> gateway =
        Map.of(
            "type",
            "object",
            "properties",
            Map.of(
                "from", Map.of("type", "string", "description", "the sender, E.164"),
                "to", Map.of("type", "string", "description", "our number"),
                "text", Map.of("type", "string"),
                "id", Map.of("type", "string", "description", "the gateway's id of the text")),
            "required",
            List.of("from", "text", "id"));
    api.operation("POST", "/v1/sms/inbound", "sms", "A generic SMS gateway's text to our number")
        .description(
            "Authorization: Bearer <channels.sms.http.token>. Same keywords and events as"
                + " Twilio's webhook; a repeated id is recorded once.")
        .body("the text", Map.of("application/json", gateway))
        .json(
            200,
            "for how many profiles it was recorded (0 for a repeated id)",
            Map.of("type", "object", "properties", Map.of("recorded", Map.of("type", "integer"))))
        .problem(400, "a field is missing or not a string")
        .problem(401, "no bearer token")
        .problem(403, "the token is not channels.sms.http.token")
        .problem(404, "no gateway token is configured")
        .problem(503, "the server is stopping or busy; nothing was recorded");
  }

  // ---- Twilio -------------------------------------------------------------------------------

  private void twilioInbound(Context ctx) {
    Map<String, List<String>> form = verifiedTwilioForm(ctx);
    InboundSms in;
    try {
      in = InboundSms.parse(form);
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw ProblemException.badField(m.replaceAll(".* field (\\w+) .*", "$1"), m);
    }
    int n = inbound("twilio", in.messageSid(), in.from(), in.to(), in.body());
    log.debug(
        "sms: Twilio text {} from {} recorded for {} profiles", in.messageSid(), in.from(), n);
    ctx.contentType("text/xml; charset=utf-8").result(EMPTY_TWIML);
  }

  private void twilioStatus(Context ctx) {
    Map<String, List<String>> form = verifiedTwilioForm(ctx);
    ctx.status(204);
    String sid = first(form, "MessageSid", "SmsSid");
    String status = first(form, "MessageStatus", "SmsStatus");
    String workspace = ctx.queryParam("workspace");
    String messageId = ctx.queryParam("message");
    if (sid == null || status == null || workspace == null || messageId == null) {
      return;
    }
    String event;
    String code = first(form, "ErrorCode");
    switch (status.toLowerCase(Locale.ROOT)) {
      case "delivered" -> event = DeliveryEvents.DELIVERED;
      case "undelivered", "failed" ->
          event =
              code != null && PERMANENT_ERRORS.contains(code)
                  ? DeliveryEvents.BOUNCED
                  : DeliveryEvents.FAILED;
      default -> {
        return; // queued, sending, sent, accepted, ...: not an outcome
      }
    }
    OutboxMessage m = OutboxStore.find(db, workspace, messageId);
    if (m == null || !"sms".equals(m.channel())) {
      log.debug("sms: status {} for {} names no text Kairos sent; ignored", status, sid);
      return;
    }
    // The signed URL names the message; its recorded sid may be another attempt's (an ambiguous
    // attempt retried), whose report counts as well: the event id is the message's, so it is
    // recorded once.
    Recipient r = recipients.load(workspace, m.profile());
    if (r == null) {
      return; // erased
    }
    long now = clock.millis();
    String to = first(form, "To");
    String reason = code == null ? null : "Twilio " + code + reason(form);
    List<EventLog.LogEntry> entries = new ArrayList<>();
    entries.add(
        report(
            m,
            r,
            event,
            now,
            p -> {
              p.put("provider_id", sid);
              p.put("status", status);
              if (to != null) {
                p.put("address", to);
              }
              if (code != null) {
                p.put("error_code", code);
                p.put("reason", reason);
              }
              if (event.equals(DeliveryEvents.BOUNCED)) {
                p.put("type", "hard");
              } else if (event.equals(DeliveryEvents.FAILED)) {
                p.put("retryable", false);
                if (OPTED_OUT.equals(code)) {
                  p.put("address_gone", true);
                }
              }
            }));
    if (event.equals(DeliveryEvents.FAILED) && OPTED_OUT.equals(code)) {
      // The recipient replied STOP to the provider: their consent says so from now on.
      entries.add(
          track(
              m.workspace(),
              r.profileId(),
              r.profile().userId(),
              m.messageId() + "/unsubscribed",
              "Unsubscribed",
              now,
              p -> {
                p.put("channel", "sms");
                p.put("message_id", m.messageId());
                p.put("reason", reason);
              }));
    }
    // The journey stats count it with the report, in the same transaction (MessageMarks).
    List<MessageMarks.Entry> marks = new ArrayList<>();
    if (event.equals(DeliveryEvents.BOUNCED)) {
      marks.add(new MessageMarks.Entry(workspace, m.messageId(), MessageMarks.Mark.BOUNCED, now));
    } else if (event.equals(DeliveryEvents.FAILED)) {
      marks.add(new MessageMarks.Entry(workspace, m.messageId(), MessageMarks.Mark.FAILED, now));
      if (OPTED_OUT.equals(code)) {
        marks.add(
            new MessageMarks.Entry(workspace, m.messageId(), MessageMarks.Mark.UNSUBSCRIBED, now));
      }
    }
    record(entries, marks);
  }

  /** The form of a request whose Twilio signature holds; answers 401, 403 or 404 otherwise. */
  private Map<String, List<String>> verifiedTwilioForm(Context ctx) {
    String signature = ctx.header("X-Twilio-Signature");
    if (signature == null || signature.isBlank()) {
      throw new ProblemException(
          Problem.of(
              401, "Unauthorized", "no X-Twilio-Signature header: only Twilio may call this"));
    }
    if (sms == null || !"twilio".equals(sms.provider())) {
      throw ProblemException.notFound(
          "Twilio is not the configured SMS provider (channels.sms.provider)");
    }
    Map<String, List<String>> form = form(ctx.body());
    String url =
        baseUrl(ctx) + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
    if (!TwilioSignature.valid(sms.twilioAuthToken(), url, form, signature)) {
      log.warn(
          "sms: refused a request to {} whose X-Twilio-Signature does not match; behind a proxy,"
              + " set server.public_url to the URL Twilio calls",
          url);
      throw new ProblemException(
          Problem.of(
              403,
              "Forbidden",
              "X-Twilio-Signature does not match "
                  + url
                  + " (behind a proxy, server.public_url must be the URL Twilio calls)"));
    }
    return form;
  }

  /**
   * Where Twilio reaches the server: the base of the links in messages ({@code server.public_url},
   * else this server's own address).
   */
  private String baseUrl(Context ctx) {
    return base.get();
  }

  private static String reason(Map<String, List<String>> form) {
    String message = first(form, "ErrorMessage");
    return message == null ? "" : ": " + message;
  }

  // ---- the generic gateway ------------------------------------------------------------------

  private void gatewayInbound(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ProblemException(
          Problem.of(401, "Unauthorized", "no Authorization: Bearer <channels.sms.http.token>"));
    }
    String token = sms == null ? null : sms.httpToken();
    if (token == null) {
      throw ProblemException.notFound(
          "no SMS gateway token is configured (channels.sms.http.token)");
    }
    if (!MessageDigest.isEqual(
        token.getBytes(StandardCharsets.UTF_8),
        auth.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
      throw new ProblemException(
          Problem.of(403, "Forbidden", "the bearer token is not channels.sms.http.token"));
    }
    JsonNode body;
    try {
      body = JSON.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw ProblemException.badField("body", "not JSON: " + e.getMessage());
    }
    if (body == null || !body.isObject()) {
      throw ProblemException.badField("body", "expected a JSON object {from, to, text, id}");
    }
    String from = string(body, "from", true);
    String to = string(body, "to", false);
    String text = string(body, "text", false);
    String id = string(body, "id", true);
    if (text == null && body.has("text") && !body.get("text").isNull()) {
      text = body.get("text").asText();
    }
    int n = inbound("http", id, from, to, text == null ? "" : text);
    ctx.json(Map.of("recorded", n));
  }

  private static String string(JsonNode body, String field, boolean required) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw ProblemException.badField(field, "required");
      }
      return null;
    }
    if (!n.isTextual()) {
      throw ProblemException.badField(field, "expected a string");
    }
    if (required && n.asText().isBlank()) {
      throw ProblemException.badField(field, "must not be empty");
    }
    return n.asText();
  }

  // ---- recording ----------------------------------------------------------------------------

  /**
   * Records a text from {@code from} for every profile it belongs to.
   *
   * @return the number of profiles
   */
  private int inbound(String provider, String providerId, String from, String to, String text) {
    InboundSms.Keyword keyword = InboundSms.keyword(text);
    String event =
        switch (keyword) {
          case OPT_OUT -> "Unsubscribed";
          case OPT_IN -> "Subscribed";
          default -> SMS_RECEIVED;
        };
    long now = clock.millis();
    List<EventLog.LogEntry> entries = new ArrayList<>();
    for (ProfilesByPhone.Match m : phones.find(from)) {
      entries.add(
          track(
              m.workspace(),
              m.profileId(),
              m.userId(),
              "sms-in/" + provider + "/" + providerId + "/" + m.profileId(),
              event,
              now,
              p -> {
                if (!event.equals(SMS_RECEIVED)) {
                  p.put("channel", "sms");
                }
                p.put("from", from);
                if (to != null) {
                  p.put("to", to);
                }
                p.put("text", text);
                if (keyword != InboundSms.Keyword.NONE) {
                  p.put("keyword", keyword.name().toLowerCase(Locale.ROOT));
                }
                p.put("provider", provider);
                p.put("provider_id", providerId);
              }));
    }
    if (entries.isEmpty()) {
      log.debug("sms: a text from {} matches no profile's phone; nothing recorded", from);
      return 0;
    }
    return record(entries, List.of());
  }

  private interface Props {
    void fill(ObjectNode p);
  }

  private static EventLog.LogEntry track(
      String workspace,
      String profileId,
      String userId,
      String id,
      String event,
      long now,
      Props props) {
    return MessageEvents.track(workspace, profileId, userId, event, id, now, LIBRARY, props::fill);
  }

  /** A delivery report about message {@code m}, with the properties the dispatcher's carry. */
  private static EventLog.LogEntry report(
      OutboxMessage m, Recipient r, String event, long now, Props extra) {
    String kind = event.substring("Message ".length()).toLowerCase(Locale.ROOT);
    return MessageEvents.about(m, r, event, m.messageId() + "/" + kind, now, LIBRARY, extra::fill);
  }

  /** Thrown inside the log's transaction when an id was claimed meanwhile: nothing is written. */
  private static final class Claimed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Claimed() {
      super("already recorded", null, false, false);
    }
  }

  /**
   * Appends the entries not recorded before, claiming their ids in the same transaction, and waits
   * for the commit. A request retried while the first is still committing loses the claim and looks
   * again.
   *
   * <p>{@code marks} ({@link MessageMarks}) are written with them, when they are.
   *
   * @return how many entries were new
   */
  private int record(List<EventLog.LogEntry> entries, List<MessageMarks.Entry> marks) {
    for (int round = 0; round < 3; round++) {
      List<EventLog.LogEntry> fresh = unclaimed(entries);
      if (fresh.isEmpty()) {
        return 0;
      }
      long now = clock.millis();
      SqlWork<Void> claim =
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO message_ids(workspace, message_id, received_at) VALUES (?,?,?)"
                        + " ON CONFLICT (workspace, message_id) DO NOTHING")) {
              for (EventLog.LogEntry e : fresh) {
                ps.setString(1, e.workspace());
                ps.setString(2, e.messageId());
                ps.setLong(3, now);
                if (ps.executeUpdate() == 0) {
                  throw new Claimed();
                }
              }
            }
            MessageMarks.apply(c, marks);
            return null;
          };
      try {
        eventLog.claiming(fresh);
        eventLog.append(fresh, claim).get(COMMIT_WAIT_SECONDS, TimeUnit.SECONDS);
        return fresh.size();
      } catch (ExecutionException e) {
        if (!claimedMeanwhile(e)) {
          throw unavailable("the store did not record it; nothing was recorded");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unavailable("interrupted before the commit");
      } catch (TimeoutException e) {
        throw unavailable("the commit is taking too long");
      } catch (RuntimeException e) {
        // The writer refused the work: the server is stopping, or its queue is full.
        throw unavailable("the server is stopping or busy; nothing was recorded");
      }
    }
    throw unavailable("the ids kept being claimed by other requests");
  }

  private static boolean claimedMeanwhile(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof Claimed) {
        return true;
      }
    }
    return false;
  }

  private static ProblemException unavailable(String detail) {
    return new ProblemException(Problem.of(503, "Service Unavailable", detail + "; send again"));
  }

  /** The entries whose ids are not in the dedupe table yet. */
  private List<EventLog.LogEntry> unclaimed(List<EventLog.LogEntry> entries) {
    return db.read(
        c -> {
          List<EventLog.LogEntry> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT 1 FROM message_ids WHERE workspace = ? AND message_id = ?")) {
            for (EventLog.LogEntry e : entries) {
              ps.setString(1, e.workspace());
              ps.setString(2, e.messageId());
              try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                  out.add(e);
                }
              }
            }
          }
          return out;
        });
  }

  // ---- forms --------------------------------------------------------------------------------

  /** An {@code application/x-www-form-urlencoded} body, name to values in order. */
  static Map<String, List<String>> form(String body) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (body == null || body.isEmpty()) {
      return out;
    }
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), k -> new ArrayList<>())
            .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw ProblemException.badField("body", "not a form: " + e.getMessage());
      }
    }
    return out;
  }

  private static String first(Map<String, List<String>> form, String... names) {
    for (String n : names) {
      List<String> v = form.get(n);
      if (v != null && !v.isEmpty() && !v.get(0).isBlank()) {
        return v.get(0);
      }
    }
    return null;
  }
}
