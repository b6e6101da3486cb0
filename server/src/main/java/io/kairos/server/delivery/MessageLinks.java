package io.kairos.server.delivery;

import io.kairos.channel.Content;
import io.kairos.server.config.DeliveryConfig;
import io.kairos.server.engagement.HtmlLinks;
import io.kairos.server.engagement.LinkSigner;
import io.kairos.server.engagement.LinkToken;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signed links of each message: {@code links.unsubscribe}, {@code links.preferences} and {@code
 * links.view_in_browser} for templates, and for email the {@code List-Unsubscribe} URLs (marketing
 * only), click redirects and the open pixel. See docs/engagement.md.
 */
final class MessageLinks implements TemplateRendering.Links, MessageComposer.EmailLinks {
  private static final Logger log = LoggerFactory.getLogger(MessageLinks.class);

  private final LinkSigner signer;
  private final Supplier<String> base;
  private final DeliveryConfig.Tracking tracking;
  private final AtomicBoolean warnedHttp = new AtomicBoolean();

  /**
   * @param base the public base URL without a trailing slash, asked each time (the port of a server
   *     started on port 0 is known only once it listens)
   */
  MessageLinks(LinkSigner signer, Supplier<String> base, DeliveryConfig.Tracking tracking) {
    this.signer = signer;
    this.base = base;
    this.tracking = tracking;
  }

  /**
   * The message's token. A template preview or test send (not a journey's message) gets no profile
   * in its links: they open the pages but act on nobody, so a tester's one-click unsubscribe cannot
   * unsubscribe the customer the preview was rendered for.
   */
  static LinkToken token(OutboxMessage m, Recipient r, LinkToken.Purpose purpose) {
    boolean preview =
        m.journey() == null
            && (m.messageId().startsWith("preview-") || m.messageId().startsWith("test-"));
    return new LinkToken(
        purpose,
        m.workspace(),
        m.messageId(),
        preview ? null : r.profileId(),
        m.channel(),
        m.topic(),
        m.category(),
        null);
  }

  String url(LinkToken t) {
    return base.get() + t.purpose().path() + signer.sign(t);
  }

  @Override
  public Map<String, String> of(OutboxMessage m, Recipient r) {
    LinkToken t = token(m, r, LinkToken.Purpose.UNSUBSCRIBE);
    return Map.of(
        "unsubscribe", url(t),
        "preferences", url(t.as(LinkToken.Purpose.PREFERENCES)),
        "view_in_browser", url(t.as(LinkToken.Purpose.VIEW)));
  }

  @Override
  public Content.Email apply(OutboxMessage m, Recipient r, Content.Email e) {
    LinkToken t = token(m, r, LinkToken.Purpose.UNSUBSCRIBE);
    String unsubscribeUrl = null;
    String mailto = null;
    if (!"transactional".equals(m.category())) {
      String u = url(t);
      if (u.regionMatches(true, 0, "https://", 0, 8)) {
        unsubscribeUrl = u;
      } else if (warnedHttp.compareAndSet(false, true)) {
        log.warn(
            "email: List-Unsubscribe needs an https URL (RFC 8058) and the links' base is {};"
                + " set server.public_url to the https URL people reach this server at",
            base.get());
      }
      if (tracking.unsubscribeMailto() != null) {
        mailto =
            "mailto:"
                + tracking.unsubscribeMailto()
                + "?subject="
                + URLEncoder.encode("unsubscribe " + signer.sign(t), StandardCharsets.UTF_8)
                    .replace("+", "%20");
      }
    }
    String html = e.html();
    if (html != null) {
      if (tracking.clicks()) {
        String own = base.get();
        html =
            HtmlLinks.rewrite(
                html,
                url -> {
                  String lower = url.toLowerCase(Locale.ROOT);
                  if (!(lower.startsWith("http://") || lower.startsWith("https://"))
                      || url.startsWith(own + "/")
                      || url.length() > LinkSigner.MAX_URL) {
                    return null;
                  }
                  return url(t.click(url));
                });
      }
      if (tracking.opens()) {
        html =
            HtmlLinks.insertBeforeBodyEnd(
                html,
                "<img src=\""
                    + url(t.as(LinkToken.Purpose.OPEN))
                    + "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;"
                    + "width:1px;height:1px\">");
      }
    }
    return new Content.Email(
        e.from(),
        e.replyTo(),
        e.to(),
        e.subject(),
        e.preheader(),
        html,
        e.text(),
        unsubscribeUrl != null ? unsubscribeUrl : e.unsubscribeUrl(),
        mailto != null ? mailto : e.unsubscribeMailto(),
        e.headers());
  }
}
