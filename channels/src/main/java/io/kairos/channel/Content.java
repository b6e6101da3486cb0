package io.kairos.channel;

import java.util.Map;

/** What a channel sends and to whom: one record per kind of channel. */
public sealed interface Content {

  /**
   * An email. At least one of {@code html} and {@code text} is set.
   *
   * @param from the sender, an RFC 5322 mailbox ({@code "Shop <news@shop.example>"})
   * @param replyTo a reply address, or null
   * @param to the recipient's address
   * @param subject the subject line (any Unicode)
   * @param preheader the preview text shown after the subject in inboxes, or null
   * @param html the HTML part, or null
   * @param text the plain-text part, or null
   * @param unsubscribeUrl the https one-click unsubscribe URL ({@code List-Unsubscribe} and RFC
   *     8058's {@code List-Unsubscribe-Post}), or null for a message that needs none
   * @param unsubscribeMailto the mailto unsubscribe address, or null
   * @param headers extra headers (already safe: names and values without line breaks)
   */
  record Email(
      String from,
      String replyTo,
      String to,
      String subject,
      String preheader,
      String html,
      String text,
      String unsubscribeUrl,
      String unsubscribeMailto,
      Map<String, String> headers)
      implements Content {}

  /**
   * A text message.
   *
   * @param from the sender (a number, a short code or an alphanumeric id), or null for the
   *     provider's default (a messaging service)
   * @param to the recipient's number in E.164 ({@code +4915112345678})
   * @param text the body
   */
  record Sms(String from, String to, String text) implements Content {}

  /**
   * A push notification to one device or browser.
   *
   * @param target where it goes: an FCM registration token or a Web Push subscription
   * @param title the title
   * @param body the body
   * @param icon an icon URL, or null
   * @param url the URL opened on a tap, or null
   * @param data extra key-value pairs for the app, possibly empty
   */
  record Push(
      PushTarget target,
      String title,
      String body,
      String icon,
      String url,
      Map<String, String> data)
      implements Content {}

  /**
   * An HTTP call to a customer's or a provider's endpoint, signed per Standard Webhooks.
   *
   * @param url the endpoint (http or https)
   * @param method POST, PUT or PATCH
   * @param headers extra request headers, possibly empty
   * @param body the JSON body
   */
  record Webhook(String url, String method, Map<String, String> headers, String body)
      implements Content {}

  /**
   * A message for the customer's in-app inbox (a content card): kept by the server and shown by the
   * customer's app or site, which lists it, marks it read and archives it.
   *
   * @param title the title
   * @param body the body
   * @param url where a click leads, or null
   * @param imageUrl an image to show with it, or null
   * @param data extra values for the app, a JSON object as text ({@code {}} when none)
   * @param category the message's category ({@code marketing}, {@code transactional}), or null
   * @param topic the message's topic (a tab or filter in the app), or null
   * @param journey the journey that sent it, or null
   * @param template the template it was rendered from, or null
   */
  record Inbox(
      String title,
      String body,
      String url,
      String imageUrl,
      String data,
      String category,
      String topic,
      String journey,
      String template)
      implements Content {}

  /** Where a push notification goes. */
  sealed interface PushTarget {}

  /** A device registered with Firebase Cloud Messaging. */
  record FcmToken(String token) implements PushTarget {}

  /**
   * A browser's Web Push subscription ({@code PushSubscription.toJSON()}).
   *
   * @param endpoint the push service URL
   * @param p256dh the browser's P-256 public key, base64url, uncompressed point
   * @param auth the 16-byte authentication secret, base64url
   */
  record WebPushSubscription(String endpoint, String p256dh, String auth) implements PushTarget {}
}
