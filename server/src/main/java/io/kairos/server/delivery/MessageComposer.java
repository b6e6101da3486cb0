package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.channel.Content;
import io.kairos.policy.ChannelPolicy;
import io.kairos.policy.MessagePolicy;
import io.kairos.profile.Profile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The standard {@link Composer}: finds the recipient's address for the channel, renders the
 * message's template ({@link Renderer}) and builds the channel's {@link Content}. A webhook step
 * needs no template: its URL and body were decided by the engine.
 */
final class MessageComposer implements Composer {

  /** Renders a template's fields for a message; the delivery's port to the template engine. */
  interface Renderer {
    /**
     * The rendered fields of template {@code template} (subject, html, text, ...), or a reason it
     * cannot be rendered.
     */
    Rendered render(OutboxMessage m, Recipient r, long now);

    /** A rendering: the fields, or the reason there are none. */
    record Rendered(Map<String, String> fields, String locale, String problem) {}
  }

  /** The sender identities: who an email is from, the SMS sender id. */
  record Senders(String emailFrom, String emailReplyTo, String smsFrom) {}

  /**
   * What an email gets from the links of its message: List-Unsubscribe, click redirects, the open
   * pixel ({@link MessageLinks}).
   */
  interface EmailLinks {
    EmailLinks NONE = (m, r, e) -> e;

    Content.Email apply(OutboxMessage m, Recipient r, Content.Email e);
  }

  private final Renderer renderer;
  private final Senders senders;
  private final EmailLinks emailLinks;

  MessageComposer(Renderer renderer, Senders senders) {
    this(renderer, senders, EmailLinks.NONE);
  }

  MessageComposer(Renderer renderer, Senders senders, EmailLinks emailLinks) {
    this.renderer = renderer;
    this.senders = senders;
    this.emailLinks = emailLinks;
  }

  @Override
  public Composed compose(OutboxMessage m, Recipient r, long now) {
    if (m.isWebhookStep()) {
      JsonNode p = m.payload();
      String method = p.path("method").asText("POST");
      return new Composed.Ready(
          new Content.Webhook(p.get("url").asText(), method, Map.of(), p.path("body").toString()),
          p.get("url").asText());
    }
    String channel = m.channel();
    Profile profile = r.profile();
    String address;
    Content.PushTarget pushTarget = null;
    switch (channel) {
      case "email", "sms" -> {
        String trait = addressTrait(r, channel);
        address = text(profile.trait(trait));
        if (address == null) {
          return new Composed.NoAddress(
              "no " + channel + " address: the profile has no '" + trait + "' trait");
        }
      }
      case "push" -> {
        pushTarget = pushTarget(profile, addressTrait(r, channel));
        if (pushTarget == null) {
          return new Composed.NoAddress(
              "no push target: the profile has neither a 'web_push' subscription nor a '"
                  + addressTrait(r, channel)
                  + "' token");
        }
        address =
            pushTarget instanceof Content.WebPushSubscription w
                ? w.endpoint()
                : ((Content.FcmToken) pushTarget).token();
      }
      default -> address = null;
    }
    Renderer.Rendered rendered = renderer.render(m, r, now);
    if (rendered.problem() != null) {
      return new Composed.Broken(rendered.problem());
    }
    Map<String, String> f = rendered.fields();
    return switch (channel) {
      case "email" -> {
        if (senders.emailFrom() == null) {
          yield new Composed.Broken("no sender: set channels.email.from");
        }
        yield new Composed.Ready(
            emailLinks.apply(
                m,
                r,
                new Content.Email(
                    senders.emailFrom(),
                    senders.emailReplyTo(),
                    address,
                    f.get("subject"),
                    f.get("preheader"),
                    f.get("html"),
                    f.get("text"),
                    f.get("unsubscribe_url"),
                    f.get("unsubscribe_mailto"),
                    Map.of())),
            address);
      }
      case "sms" ->
          new Composed.Ready(new Content.Sms(senders.smsFrom(), address, f.get("text")), address);
      case "push" -> {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("message_id", m.messageId());
        yield new Composed.Ready(
            new Content.Push(
                pushTarget, f.get("title"), f.get("body"), f.get("icon"), f.get("url"), data),
            address);
      }
      case "webhook" -> {
        String url = f.get("url");
        if (url == null || url.isBlank()) {
          yield new Composed.Broken("the webhook template '" + m.template() + "' has no url");
        }
        yield new Composed.Ready(
            new Content.Webhook(url, f.getOrDefault("method", "POST"), Map.of(), f.get("body")),
            url);
      }
      case "inbox" -> {
        JsonNode data = m.payload().get("data");
        yield new Composed.Ready(
            new Content.Inbox(
                f.get("title"),
                f.get("body"),
                blankToNull(f.get("url")),
                blankToNull(f.get("image_url")),
                data != null && data.isObject() ? data.toString() : "{}",
                m.category(),
                m.topic(),
                m.journey(),
                m.template()),
            r.profileId());
      }
      default -> new Composed.Broken("no composer for channel '" + channel + "'");
    };
  }

  private static String addressTrait(Recipient r, String channel) {
    ChannelPolicy cp = r.policies().channel(channel);
    // A workspace may switch the policy's address check off (address: none); the message still
    // needs somewhere to go, which is the channel's usual trait.
    return cp.address() != null ? cp.address() : MessagePolicy.DEFAULT_ADDRESSES.get(channel);
  }

  private static Content.PushTarget pushTarget(Profile p, String tokenTrait) {
    if (p.trait("web_push") instanceof Map<?, ?> sub) {
      Object endpoint = sub.get("endpoint");
      Object keys = sub.get("keys");
      if (endpoint instanceof String e
          && keys instanceof Map<?, ?> k
          && k.get("p256dh") instanceof String p256dh
          && k.get("auth") instanceof String auth) {
        return new Content.WebPushSubscription(e, p256dh, auth);
      }
    }
    String token = text(p.trait(tokenTrait));
    return token == null ? null : new Content.FcmToken(token);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static String text(Object v) {
    return v instanceof String s && !s.isBlank() ? s : null;
  }
}
