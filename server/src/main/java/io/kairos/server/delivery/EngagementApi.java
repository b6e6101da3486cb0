package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kairos.policy.Consent;
import io.kairos.policy.Policies;
import io.kairos.policy.Topic;
import io.kairos.server.Capability;
import io.kairos.server.engagement.LinkSigner;
import io.kairos.server.engagement.LinkToken;
import io.kairos.server.engagement.MachineSignals;
import io.kairos.server.engagement.Pages;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import io.kairos.server.ingest.EventLog;
import io.kairos.server.openapi.OpenApi;
import io.kairos.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public endpoints behind the links in messages (docs/engagement.md): the open pixel, click
 * redirects, the unsubscribe page and RFC 8058 one-click unsubscribe, the preference centre and
 * view in browser. No API key: the signed token in the path is the credential, and it names the
 * workspace, the message and the profile. What people do becomes events in the profile's log
 * ({@code Email Opened}, {@code Email Link Clicked}, {@code Unsubscribed}, {@code Subscribed}),
 * committed before the answer is sent. An erased profile gets a neutral answer and nothing is
 * recorded.
 */
public final class EngagementApi implements Capability {
  private static final Logger log = LoggerFactory.getLogger(EngagementApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A transparent 1x1 GIF. */
  static final byte[] PIXEL =
      Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

  private static final String HTML = "text/html; charset=utf-8";
  private static final String PAGE_CSP =
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none';"
          + " base-uri 'none'";
  private static final String VIEW_CSP =
      "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";
  private static final List<String> PAGE_CHANNELS = List.of("email", "sms", "push");
  private static final Map<String, String> CHANNEL_NAMES =
      Map.of("email", "Email", "sms", "Text messages (SMS)", "push", "Push notifications");

  private final LinkSigner signer;
  private final MessageLinks links;
  private final Recipients recipients;
  private final TemplateRendering rendering;
  private final EventLog eventLog;
  private final Database db;
  private final InstantSource clock;

  EngagementApi(
      LinkSigner signer,
      MessageLinks links,
      Recipients recipients,
      TemplateRendering rendering,
      EventLog eventLog,
      Database db,
      InstantSource clock) {
    this.signer = signer;
    this.links = links;
    this.recipients = recipients;
    this.rendering = rendering;
    this.eventLog = eventLog;
    this.db = db;
    this.clock = clock;
  }

  @Override
  public void routes(RoutesConfig r) {
    r.get("/t/o/{token}", this::open);
    r.get("/t/c/{token}", this::click);
    r.get("/u/{token}", this::unsubscribePage);
    r.post("/u/{token}", this::unsubscribe);
    r.get("/p/{token}", this::preferences);
    r.post("/p/{token}", this::savePreferences);
    r.get("/v/{token}", this::view);
  }

  @Override
  public void describe(OpenApi api) {
    api.tag(
        "engagement",
        "Public endpoints behind the signed links in messages: no API key, the token is the"
            + " credential (docs/engagement.md)");
    Map<String, Object> html = Map.of("type", "string");
    api.operation("GET", "/t/o/{token}", "engagement", "Open pixel")
        .description(
            "Records Email Opened (machine: true for Apple Mail Privacy Protection prefetches and"
                + " security scanners) and answers a 1x1 GIF, Cache-Control: no-store.")
        .pathParameter("token", "the signed open token of the message")
        .content(200, "a 1x1 transparent GIF", "image/gif", Map.of("type", "string"))
        .content(404, "not a valid token (still a GIF)", "image/gif", Map.of("type", "string"))
        .problem(503, "the server is stopping or the store is down; nothing was recorded");
    api.operation("GET", "/t/c/{token}", "engagement", "Click redirect")
        .description(
            "Records Email Link Clicked with the URL and redirects to it. Only URLs that were in"
                + " the message can be reached: the URL is inside the signed token.")
        .pathParameter("token", "the signed click token (carries the URL)")
        .empty(302, "to the URL that was in the message")
        .content(404, "not a valid token: no redirect", "text/html", html)
        .problem(503, "the server is stopping or the store is down; nothing was recorded");
    api.operation("GET", "/u/{token}", "engagement", "Unsubscribe page")
        .description(
            "A page asking to confirm with a button (a form POST). A GET never unsubscribes:"
                + " mail scanners follow links.")
        .pathParameter("token", "the signed unsubscribe token of the message")
        .content(200, "the confirmation page", "text/html", html)
        .content(404, "not a valid token", "text/html", html);
    api.operation("POST", "/u/{token}", "engagement", "Unsubscribe (one-click or the page's form)")
        .description(
            "RFC 8058 one-click (body List-Unsubscribe=One-Click, as mailbox providers post):"
                + " unsubscribed at once, 200 text/plain. The page's form: unsubscribed, and a"
                + " confirmation page linking to the preference centre. Scope: the message's topic"
                + " on its channel, or the channel's marketing when it has no topic. Idempotent.")
        .pathParameter("token", "the signed unsubscribe token of the message")
        .body(
            "application/x-www-form-urlencoded or multipart/form-data",
            Map.of(
                "application/x-www-form-urlencoded",
                Map.of(
                    "type",
                    "object",
                    "properties",
                    Map.of(
                        "List-Unsubscribe",
                        Map.of("type", "string", "enum", List.of("One-Click"))))))
        .content(
            200, "unsubscribed (text/plain for one-click, a page otherwise)", "text/html", html)
        .content(404, "not a valid token", "text/html", html)
        .problem(503, "the server is stopping or the store is down; nothing was recorded");
    api.operation("GET", "/p/{token}", "engagement", "Preference centre")
        .description(
            "A form (no JavaScript) with the workspace's topics per channel, checked as the"
                + " profile's consent is now, and unsubscribe from all marketing.")
        .pathParameter("token", "the signed preferences token of the message")
        .content(200, "the preference centre", "text/html", html)
        .content(404, "not a valid token", "text/html", html);
    api.operation("POST", "/p/{token}", "engagement", "Save preferences")
        .description(
            "The form's fields: save=1, all (unsubscribe from all marketing), c.{channel} per"
                + " channel, t.{channel}.{topic} per topic. Records Subscribed/Unsubscribed for what"
                + " changed and shows the page again with a saved notice.")
        .pathParameter("token", "the signed preferences token of the message")
        .body(
            "the preference centre's form",
            Map.of("application/x-www-form-urlencoded", Map.of("type", "object")))
        .content(200, "the preference centre, saved", "text/html", html)
        .problem(400, "not the preference centre's form (no save field)")
        .content(404, "not a valid token", "text/html", html)
        .problem(503, "the server is stopping or the store is down; nothing was recorded");
    api.operation("GET", "/v/{token}", "engagement", "View in browser")
        .description(
            "The email's HTML rendered again for that message and customer, with the template's"
                + " current version.")
        .pathParameter("token", "the signed view token of the message")
        .content(200, "the email's HTML", "text/html", html)
        .content(
            404,
            "not a valid token, the profile was erased or the message is gone",
            "text/html",
            html);
  }

  // ---- opens and clicks ------------------------------------------------------------------------

  private void open(Context ctx) {
    ctx.header("Cache-Control", "no-store, no-cache, must-revalidate, private");
    ctx.header("Pragma", "no-cache");
    Optional<LinkToken> t = token(ctx, LinkToken.Purpose.OPEN);
    if (t.isEmpty()) {
      ctx.status(404).contentType("image/gif").result(PIXEL);
      return;
    }
    Recipient r = recipient(t.get());
    if (r != null) {
      long now = clock.millis();
      Sent row = sent(t.get());
      String ua = ctx.userAgent();
      String machine = MachineSignals.machineReason(ua, row == null ? null : row.sentAt, now);
      ObjectNode props = JSON.createObjectNode();
      props.put("machine", machine != null);
      if (machine != null) {
        props.put("machine_reason", machine);
      }
      record(
          List.of(
              entry(
                  t.get(), r, row, "Email Opened", "opened/" + UUID.randomUUID(), now, ua, props)),
          mark(
              t.get(),
              machine == null ? MessageMarks.Mark.OPENED : MessageMarks.Mark.MACHINE_OPENED,
              now));
    }
    ctx.status(200).contentType("image/gif").result(PIXEL);
  }

  private void click(Context ctx) {
    Optional<LinkToken> t = token(ctx, LinkToken.Purpose.CLICK);
    String url = t.map(LinkToken::url).orElse(null);
    if (url == null
        || !(url.regionMatches(true, 0, "https://", 0, 8)
            || url.regionMatches(true, 0, "http://", 0, 7))) {
      notFound(ctx);
      return;
    }
    Recipient r = recipient(t.get());
    if (r != null) {
      long now = clock.millis();
      Sent row = sent(t.get());
      String ua = ctx.userAgent();
      String machine = MachineSignals.machineReason(ua, row == null ? null : row.sentAt, now);
      ObjectNode props = JSON.createObjectNode();
      props.put("url", url);
      props.put("machine", machine != null);
      if (machine != null) {
        props.put("machine_reason", machine);
      }
      // A machine's click (a link scanner) is not the customer's: the stats do not count it.
      record(
          List.of(
              entry(
                  t.get(),
                  r,
                  row,
                  "Email Link Clicked",
                  "clicked/" + UUID.randomUUID(),
                  now,
                  ua,
                  props)),
          machine == null ? mark(t.get(), MessageMarks.Mark.CLICKED, now) : List.of());
    }
    // An erased profile still reaches the page the link was for; only nothing is recorded.
    ctx.header("Cache-Control", "no-store");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.redirect(url, io.javalin.http.HttpStatus.FOUND);
  }

  // ---- unsubscribe -----------------------------------------------------------------------------

  private void unsubscribePage(Context ctx) {
    Optional<LinkToken> t = token(ctx, LinkToken.Purpose.UNSUBSCRIBE);
    if (t.isEmpty()) {
      notFound(ctx);
      return;
    }
    Recipient r = recipient(t.get());
    if (r == null) {
      inactive(ctx);
      return;
    }
    String what = scopeName(t.get(), r.policies());
    String already =
        r.consent() == null ? null : r.consent().unsubscribed(t.get().channel(), t.get().topic());
    StringBuilder b = new StringBuilder();
    b.append("<h1>Unsubscribe</h1>");
    if (already != null) {
      b.append("<p>You are already unsubscribed from ").append(Pages.escape(what)).append(".</p>");
    } else {
      b.append("<p>Stop receiving ")
          .append(Pages.escape(what))
          .append("?</p>")
          // No action: the form posts back to this very URL, whatever proxy path it came through.
          .append("<form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>");
    }
    b.append("<p><a href=\"")
        .append(Pages.escape(links.url(t.get().as(LinkToken.Purpose.PREFERENCES))))
        .append("\">Choose what you receive</a></p>");
    page(ctx, 200, Pages.page("Unsubscribe", b.toString()));
  }

  private void unsubscribe(Context ctx) {
    Optional<LinkToken> t = token(ctx, LinkToken.Purpose.UNSUBSCRIBE);
    boolean oneClick = "One-Click".equalsIgnoreCase(strip(ctx.formParam("List-Unsubscribe")));
    if (t.isEmpty()) {
      notFound(ctx);
      return;
    }
    Recipient r = recipient(t.get());
    if (r != null) {
      String channel = t.get().channel();
      String topic = t.get().topic();
      // Idempotent: once the profile's committed consent says so, nothing more is recorded; the
      // event's id is the same for every repeat.
      if (r.consent() == null || r.consent().unsubscribed(channel, topic) == null) {
        long now = clock.millis();
        ObjectNode props = JSON.createObjectNode();
        props.put("source", oneClick ? "one_click" : "unsubscribe_page");
        record(
            List.of(
                consentEntry(
                    t.get(),
                    r,
                    sent(t.get()),
                    false,
                    channel,
                    topic,
                    "unsubscribed/" + (topic == null ? "*" : topic),
                    now,
                    ctx.userAgent(),
                    props)),
            mark(t.get(), MessageMarks.Mark.UNSUBSCRIBED, now));
      }
    }
    if (oneClick) {
      ctx.status(200).contentType("text/plain; charset=utf-8").result("unsubscribed\n");
      return;
    }
    if (r == null) {
      inactive(ctx);
      return;
    }
    String what = scopeName(t.get(), r.policies());
    page(
        ctx,
        200,
        Pages.page(
            "Unsubscribed",
            "<h1>You are unsubscribed</h1><p>You will no longer receive "
                + Pages.escape(what)
                + ".</p><p><a href=\""
                + Pages.escape(links.url(t.get().as(LinkToken.Purpose.PREFERENCES)))
                + "\">Choose what you receive</a></p>"));
  }

  private static String scopeName(LinkToken t, Policies policies) {
    String channel = CHANNEL_NAMES.getOrDefault(t.channel(), t.channel()).toLowerCase();
    if (t.topic() != null) {
      Topic topic = policies.topic(t.topic());
      return (topic != null ? topic.name() : t.topic()) + " (" + channel + ")";
    }
    return "marketing " + channel;
  }

  // ---- preference centre -----------------------------------------------------------------------

  private void preferences(Context ctx) {
    Optional<LinkToken> t = token(ctx, LinkToken.Purpose.PREFERENCES);
    if (t.isEmpty()) {
      notFound(ctx);
      return;
    }
    Recipient r = recipient(t.get());
    if (r == null) {
      inactive(ctx);
      return;
    }
    page(ctx, 200, preferencePage(t.get(), r.policies(), copy(r.consent()), false));
  }

  private void savePreferences(Context ctx) {
    Optional<LinkToken> t = token(ctx, LinkToken.Purpose.PREFERENCES);
    if (t.isEmpty()) {
      notFound(ctx);
      return;
    }
    if (ctx.formParam("save") == null) {
      throw ProblemException.badField(
          "save", "required: post the preference centre's form (save=1 and the boxes checked)");
    }
    Recipient r = recipient(t.get());
    if (r == null) {
      inactive(ctx);
      return;
    }
    long now = clock.millis();
    Policies policies = r.policies();
    Consent consent = copy(r.consent());
    List<String> channels = channels(t.get(), policies);
    Sent row = sent(t.get());
    List<EventLog.LogEntry> entries = new ArrayList<>();
    String ua = ctx.userAgent();
    Change change =
        (subscribed, channel, topic) -> {
          consent.set(channel, topic, subscribed, now, "preference centre");
          ObjectNode props = JSON.createObjectNode();
          props.put("source", "preference_centre");
          entries.add(
              consentEntry(
                  t.get(),
                  r,
                  row,
                  subscribed,
                  channel,
                  topic,
                  "preferences/" + now + "/" + entries.size(),
                  now,
                  ua,
                  props));
        };
    boolean allOff = ctx.formParam("all") != null;
    if (allOff != allOff(consent)) {
      change.apply(!allOff, null, null);
    }
    if (!allOff) {
      Map<String, Boolean> wantChannel = new LinkedHashMap<>();
      for (String c : channels) {
        boolean want = ctx.formParam("c." + c) != null;
        wantChannel.put(c, want);
        if (want != channelOn(consent, policies, c)) {
          change.apply(want, c, null);
        }
      }
      for (Topic topic : policies.topics()) {
        List<String> on = new ArrayList<>();
        for (String c : topic.channels()) {
          if (wantChannel.getOrDefault(c, false)
              && ctx.formParam("t." + c + "." + topic.id()) != null) {
            on.add(c);
          }
        }
        Consent.Entry any = consent.get(null, topic.id());
        if (!on.isEmpty() && any != null && !any.subscribed()) {
          change.apply(true, null, topic.id());
        }
        for (String c : topic.channels()) {
          if (!wantChannel.getOrDefault(c, false)) {
            continue; // the channel is off: its topics keep their word for when it is back on
          }
          boolean want = on.contains(c);
          if (want != topicOn(consent, c, topic.id())) {
            change.apply(want, c, topic.id());
          }
        }
      }
    }
    if (!entries.isEmpty()) {
      // Unsubscribing from anything through this message's preference centre counts for it.
      boolean unsubscribed = entries.stream().anyMatch(e -> e.name().equals("Unsubscribed"));
      record(
          entries, unsubscribed ? mark(t.get(), MessageMarks.Mark.UNSUBSCRIBED, now) : List.of());
    }
    page(ctx, 200, preferencePage(t.get(), policies, consent, true));
  }

  private interface Change {
    void apply(boolean subscribed, String channel, String topic);
  }

  private static List<String> channels(LinkToken t, Policies policies) {
    List<String> out = new ArrayList<>();
    for (String c : PAGE_CHANNELS) {
      boolean offered = c.equals(t.channel());
      for (Topic topic : policies.topics()) {
        offered |= topic.channels().contains(c);
      }
      if (offered) {
        out.add(c);
      }
    }
    return out;
  }

  private static boolean allOff(Consent c) {
    Consent.Entry e = c.get(null, null);
    return e != null && !e.subscribed();
  }

  private static boolean channelOn(Consent c, Policies policies, String channel) {
    Consent.Entry e = c.get(channel, null);
    return e != null ? e.subscribed() : !policies.channel(channel).optIn();
  }

  private static boolean topicOn(Consent c, String channel, String topic) {
    Consent.Entry any = c.get(null, topic);
    Consent.Entry on = c.get(channel, topic);
    return (any == null || any.subscribed()) && (on == null || on.subscribed());
  }

  private String preferencePage(LinkToken t, Policies policies, Consent consent, boolean saved) {
    StringBuilder b = new StringBuilder();
    b.append("<h1>Your preferences</h1>");
    if (saved) {
      b.append("<p class=\"saved\" role=\"status\">Your preferences are saved.</p>");
    }
    b.append("<form method=\"post\"><input type=\"hidden\" name=\"save\" value=\"1\">");
    for (String c : channels(t, policies)) {
      b.append("<fieldset><legend>").append(Pages.escape(CHANNEL_NAMES.get(c))).append("</legend>");
      checkbox(
          b,
          "c." + c,
          "Receive marketing " + CHANNEL_NAMES.get(c).toLowerCase(),
          channelOn(consent, policies, c),
          "");
      for (Topic topic : policies.topics()) {
        if (!topic.channels().contains(c)) {
          continue;
        }
        checkbox(
            b, "t." + c + "." + topic.id(), topic.name(), topicOn(consent, c, topic.id()), "topic");
        if (topic.description() != null) {
          b.append("<p class=\"note\">").append(Pages.escape(topic.description())).append("</p>");
        }
      }
      b.append("</fieldset>");
    }
    b.append("<fieldset><legend>Everything</legend>");
    checkbox(b, "all", "Unsubscribe from all marketing", allOff(consent), "");
    b.append(
        "<p class=\"note\">Messages you need about your account and orders still reach"
            + " you.</p></fieldset>");
    b.append("<button type=\"submit\">Save</button></form>");
    return Pages.page("Your preferences", b.toString());
  }

  private static void checkbox(
      StringBuilder b, String name, String label, boolean checked, String cls) {
    b.append("<label");
    if (!cls.isEmpty()) {
      b.append(" class=\"").append(cls).append('"');
    }
    b.append("><input type=\"checkbox\" name=\"")
        .append(Pages.escape(name))
        .append("\" value=\"1\"")
        .append(checked ? " checked" : "")
        .append("> ")
        .append(Pages.escape(label))
        .append("</label>");
  }

  private static Consent copy(Consent c) {
    Consent out = new Consent();
    if (c != null) {
      c.scopes().forEach(out::restoreScope);
    }
    return out;
  }

  // ---- view in browser -------------------------------------------------------------------------

  private void view(Context ctx) {
    Optional<LinkToken> t = token(ctx, LinkToken.Purpose.VIEW);
    if (t.isEmpty()) {
      notFound(ctx);
      return;
    }
    Recipient r = recipient(t.get());
    OutboxMessage m = r == null ? null : message(t.get().workspace(), t.get().messageId());
    if (m == null) {
      page(ctx, 404, Pages.notice("Not available", "This message can no longer be shown."));
      return;
    }
    TemplateRendering.Full full = rendering.full(m, r, clock.millis());
    if (full.problem() != null) {
      log.warn("view in browser of message {}: {}", m.messageId(), full.problem());
      page(ctx, 404, Pages.notice("Not available", "This message can no longer be shown."));
      return;
    }
    Map<String, String> f = full.rendered().fields();
    String html = f.get("html");
    if (html == null) {
      html =
          Pages.page(
              f.getOrDefault("subject", "Message"),
              "<pre style=\"white-space:pre-wrap\">" + Pages.escape(f.get("text")) + "</pre>");
    }
    ctx.header("Cache-Control", "private, no-store");
    ctx.header("X-Robots-Tag", "noindex, nofollow");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Content-Security-Policy", VIEW_CSP);
    ctx.status(200).contentType(HTML).result(html);
  }

  // ---- common ----------------------------------------------------------------------------------

  /** The link's profile now; null when it was erased, or for a preview's links (no profile). */
  private Recipient recipient(LinkToken t) {
    return t.profile() == null ? null : recipients.load(t.workspace(), t.profile());
  }

  private Optional<LinkToken> token(Context ctx, LinkToken.Purpose purpose) {
    return signer.verify(ctx.pathParam("token")).filter(t -> t.purpose() == purpose);
  }

  private static void page(Context ctx, int status, String html) {
    ctx.header("Cache-Control", "private, no-store");
    ctx.header("X-Robots-Tag", "noindex, nofollow");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Content-Security-Policy", PAGE_CSP);
    ctx.status(status).contentType(HTML).result(html);
  }

  private static void notFound(Context ctx) {
    page(
        ctx,
        404,
        Pages.notice(
            "Link not valid", "This link is not valid. Please use the link from your message."));
  }

  private static void inactive(Context ctx) {
    page(ctx, 200, Pages.notice("Link not active", "This link is no longer active."));
  }

  private static String strip(String s) {
    return s == null ? null : s.strip();
  }

  /** The message's outbox row, as far as the events need it. */
  private record Sent(String journey, String step, String template, Long sentAt) {}

  private Sent sent(LinkToken t) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT journey, step, template, status, updated_at FROM outbox"
                      + " WHERE workspace = ? AND message_id = ?")) {
            ps.setString(1, t.workspace());
            ps.setString(2, t.messageId());
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return null;
              }
              long at = rs.getLong(5);
              Long sentAt = rs.wasNull() || !OutboxStore.SENT.equals(rs.getString(4)) ? null : at;
              return new Sent(rs.getString(1), rs.getString(2), rs.getString(3), sentAt);
            }
          }
        });
  }

  private OutboxMessage message(String workspace, String messageId) {
    return OutboxStore.find(db, workspace, messageId);
  }

  private static EventLog.LogEntry consentEntry(
      LinkToken t,
      Recipient r,
      Sent row,
      boolean subscribed,
      String channel,
      String topic,
      String kind,
      long now,
      String ua,
      ObjectNode extra) {
    ObjectNode props = JSON.createObjectNode();
    if (channel != null) {
      props.put("channel", channel);
    }
    if (topic != null) {
      props.put("topic", topic);
    }
    props.setAll(extra);
    // channel and topic say the scope (core ConsentEvents); the message's own channel is kept
    // apart.
    return entry(t, r, row, subscribed ? "Subscribed" : "Unsubscribed", kind, now, ua, props, true);
  }

  private static EventLog.LogEntry entry(
      LinkToken t,
      Recipient r,
      Sent row,
      String event,
      String kind,
      long now,
      String ua,
      ObjectNode extra) {
    return entry(t, r, row, event, kind, now, ua, extra, false);
  }

  private static EventLog.LogEntry entry(
      LinkToken t,
      Recipient r,
      Sent row,
      String event,
      String kind,
      long now,
      String ua,
      ObjectNode extra,
      boolean scoped) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "track");
    body.put("event", event);
    if (r.profile().userId() != null) {
      body.put("userId", r.profile().userId());
    } else {
      body.put("anonymousId", r.profileId());
    }
    String id = t.messageId() + "/" + kind;
    body.put("messageId", id);
    body.put("timestamp", Instant.ofEpochMilli(now).toString());
    ObjectNode p = body.putObject("properties");
    p.put("message_id", t.messageId());
    if (scoped) {
      p.put("message_channel", t.channel());
    } else {
      p.put("channel", t.channel());
    }
    if (row != null && row.template() != null) {
      p.put("template", row.template());
    }
    if (row != null && row.journey() != null) {
      p.put("journey", row.journey());
    }
    if (row != null && row.step() != null) {
      p.put("step", row.step());
    }
    if (t.category() != null) {
      p.put("category", t.category());
    }
    if (!scoped && t.topic() != null) {
      p.put("topic", t.topic());
    }
    p.setAll(extra);
    ObjectNode context = body.putObject("context");
    context.putObject("library").put("name", "kairos-links");
    if (ua != null && !ua.isBlank()) {
      context.put("userAgent", ua.length() > 512 ? ua.substring(0, 512) : ua);
    }
    return new EventLog.LogEntry(
        t.workspace(),
        r.profileId(),
        "track",
        event,
        id,
        now,
        now,
        body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static List<MessageMarks.Entry> mark(LinkToken t, MessageMarks.Mark mark, long now) {
    return List.of(new MessageMarks.Entry(t.workspace(), t.messageId(), mark, now));
  }

  /**
   * Appends and waits for the commit: the answer is sent only once the events are durable. The
   * message's marks for the journey stats ({@link MessageMarks}) commit with them.
   */
  private void record(List<EventLog.LogEntry> entries, List<MessageMarks.Entry> marks) {
    try {
      eventLog.append(entries, MessageMarks.work(marks)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("recording {} failed: {}", entries.get(0).name(), e.toString());
      throw unavailable();
    }
  }

  private static ProblemException unavailable() {
    return new ProblemException(
        Problem.of(503, "Service Unavailable", "not recorded; please try again shortly"));
  }
}
