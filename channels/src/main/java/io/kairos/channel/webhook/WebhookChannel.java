package io.kairos.channel.webhook;

import io.kairos.channel.Channel;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.HttpOutcomes;
import io.kairos.channel.http.HttpResult;
import io.kairos.channel.http.HttpTransport;
import io.kairos.channel.http.SsrfGuard;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Calls a customer's endpoint with a JSON body signed per Standard Webhooks: {@code webhook-id}
 * (the delivery id, the same on every attempt), {@code webhook-timestamp} (this attempt) and {@code
 * webhook-signature}, plus {@code Idempotency-Key}. URLs that point inside the network are refused
 * ({@link SsrfGuard}); redirects are not followed.
 *
 * <p>2xx is {@code Sent}; 410 {@code Gone} (disable the endpoint); 408, 429 and 5xx {@code Retry}
 * after {@code Retry-After}; 3xx and other 4xx {@code Failed}; no connection {@code Retry}; no
 * answer after the request went out {@code Ambiguous}.
 */
public final class WebhookChannel implements Channel {

  static final String USER_AGENT = "Kairos-Webhooks/1";
  private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");
  private static final Set<String> RESERVED =
      Set.of("webhook-id", "webhook-timestamp", "webhook-signature", "idempotency-key");

  private final WebhookSettings settings;
  private final byte[] key;
  private final SsrfGuard guard;
  private final HttpTransport transport;

  public WebhookChannel(WebhookSettings settings) {
    this.settings = settings;
    this.key = WebhookSignature.key(settings.signingSecret());
    this.guard = new SsrfGuard(settings.allowList(), "webhook.allowList");
    this.transport = new HttpTransport(settings.connectTimeout(), settings.clock());
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public Outcome send(Delivery delivery) {
    if (!(delivery.content() instanceof Content.Webhook w)) {
      throw new IllegalArgumentException(
          "the webhook channel sends Content.Webhook, got "
              + delivery.content().getClass().getSimpleName());
    }
    String id = delivery.id();
    if (id.isEmpty() || id.contains(".") || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      // The id is part of the signed "id.timestamp.body"; a dot would make it ambiguous.
      return new Outcome.Failed("delivery id '" + id + "' is not usable as a webhook-id");
    }
    if (w.url() == null) {
      return new Outcome.Failed("webhook url is missing");
    }
    URI url;
    try {
      url = new URI(w.url());
    } catch (URISyntaxException e) {
      return new Outcome.Failed("webhook url '" + w.url() + "' is not a valid URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return new Outcome.Failed(
          "webhook url must be http or https, got '" + (scheme.isEmpty() ? w.url() : scheme) + "'");
    }
    if (url.getHost() == null) {
      return new Outcome.Failed("webhook url '" + w.url() + "' has no host");
    }
    String method = w.method() == null ? "POST" : w.method().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      return new Outcome.Failed("webhook method must be POST, PUT or PATCH, got " + w.method());
    }
    String body = w.body() == null ? "" : w.body();

    SsrfGuard.Verdict verdict = guard.check(url);
    if (verdict instanceof SsrfGuard.Verdict.Refused r) {
      return new Outcome.Failed("webhook url refused: " + r.reason());
    }
    if (verdict instanceof SsrfGuard.Verdict.Unresolved u) {
      return new Outcome.Retry(u.reason(), null);
    }

    long timestamp = settings.clock().instant().getEpochSecond();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .header("User-Agent", USER_AGENT);
    Map<String, String> extra = w.headers() == null ? Map.of() : w.headers();
    for (Map.Entry<String, String> h : extra.entrySet()) {
      if (RESERVED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        return new Outcome.Failed("webhook header " + h.getKey() + " is set by Kairos itself");
      }
      try {
        request.setHeader(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        return new Outcome.Failed("webhook header " + h.getKey() + " is not allowed");
      }
    }
    request
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(timestamp))
        .header("webhook-signature", WebhookSignature.sign(key, id, timestamp, body))
        .header("Idempotency-Key", id);

    HttpResult result =
        transport.send(
            request,
            method,
            body.getBytes(StandardCharsets.UTF_8),
            settings.requestTimeout(),
            settings.maxResponseBytes());
    if (result instanceof HttpResult.Response r) {
      return HttpOutcomes.of(r, null);
    }
    return ((HttpResult.NoResponse) result).outcome();
  }
}
