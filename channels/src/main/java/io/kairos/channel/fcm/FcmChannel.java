package io.kairos.channel.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.channel.Channel;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.HttpCalls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Firebase Cloud Messaging through the HTTP v1 API, signed in as a service account. Handles {@link
 * Content.FcmToken} targets: Android and iOS apps, and web apps that use the Firebase SDK.
 *
 * <p>A message carries a {@code notification} (title, body), {@code data} (the message's data, plus
 * {@code url} and {@code kairos_message_id}) and, for web clients, the icon and the link to open.
 */
public final class FcmChannel implements Channel {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ANSWER_BYTES = 64 * 1024;
  private static final Set<String> RESERVED_KEYS = Set.of("from", "notification", "message_type");

  private final FcmSettings settings;
  private final Clock clock;
  private final HttpClient http;
  private final AccessTokens tokens;
  private final URI sendUri;

  /** A channel with the system clock. */
  public FcmChannel(FcmSettings settings) {
    this(settings, Clock.systemUTC());
  }

  FcmChannel(FcmSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = HttpCalls.client(settings.connectTimeout());
    this.tokens =
        new AccessTokens(
            settings.serviceAccount(),
            http,
            settings.connectTimeout(),
            settings.requestTimeout(),
            clock);
    this.sendUri = settings.sendUri();
  }

  @Override
  public String name() {
    return "push";
  }

  @Override
  public Outcome send(Delivery delivery) {
    if (!(delivery.content() instanceof Content.Push push)) {
      return new Outcome.Failed(
          "not a push message: " + delivery.content().getClass().getSimpleName());
    }
    if (!(push.target() instanceof Content.FcmToken target)) {
      return new Outcome.Failed("not an FCM registration token");
    }
    if (target.token() == null || target.token().isBlank()) {
      return new Outcome.Failed("the FCM registration token is empty");
    }
    if (push.data() != null) {
      for (String key : push.data().keySet()) {
        String lower = key.toLowerCase(Locale.ROOT);
        if (RESERVED_KEYS.contains(lower)
            || lower.startsWith("google")
            || lower.startsWith("gcm")) {
          return new Outcome.Failed(
              "data key '"
                  + key
                  + "' is reserved by FCM (from, notification, message_type,"
                  + " google*, gcm*)");
        }
      }
    }
    String body = message(delivery.id(), target.token(), push);

    AccessTokens.Result first = tokens.current();
    if (first instanceof AccessTokens.Refused refused) {
      return refused.outcome();
    }
    String token = ((AccessTokens.Token) first).value();
    HttpCalls.Result result = post(body, token);
    if (result instanceof HttpCalls.Answer answer && answer.status() == 401) {
      FcmError error = FcmError.of(answer.body());
      if ("THIRD_PARTY_AUTH_ERROR".equals(error.code())) {
        return new Outcome.Failed(error.describe(401) + " (APNs or web push credentials)");
      }
      // The token may have been revoked or expired early: one fresh token, in this attempt.
      tokens.invalidate(token);
      AccessTokens.Result second = tokens.current();
      if (second instanceof AccessTokens.Refused refused) {
        return refused.outcome();
      }
      result = post(body, ((AccessTokens.Token) second).value());
      if (result instanceof HttpCalls.Answer again && again.status() == 401) {
        return new Outcome.Failed(
            "FCM refused a fresh access token too: " + FcmError.of(again.body()).describe(401));
      }
    }
    if (result instanceof HttpCalls.Broken broken) {
      return broken.outcome();
    }
    return judge((HttpCalls.Answer) result);
  }

  private HttpCalls.Result post(String body, String accessToken) {
    HttpRequest request =
        HttpRequest.newBuilder(sendUri)
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + accessToken)
            .header("Content-Type", "application/json; charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HttpCalls.exchange(
        http, request, MAX_ANSWER_BYTES, settings.connectTimeout().plus(settings.requestTimeout()));
  }

  private Outcome judge(HttpCalls.Answer answer) {
    int status = answer.status();
    if (status == 200) {
      String name = null;
      try {
        JsonNode reply = JSON.readTree(answer.body());
        name = reply.path("name").isTextual() ? reply.path("name").asText() : null;
      } catch (IOException e) {
        // Taken all the same: FCM answered 200; only its id is unknown.
      }
      return new Outcome.Sent(name, "FCM took it");
    }
    FcmError error = FcmError.of(answer.body());
    String detail = error.describe(status);
    Duration retryAfter = HttpCalls.retryAfter(answer.headers(), clock);
    switch (error.code() == null ? "" : error.code()) {
      case "UNREGISTERED":
        return new Outcome.Gone(detail);
      case "INVALID_ARGUMENT":
        return error.tokenInvalid() ? new Outcome.Gone(detail) : new Outcome.Failed(detail);
      case "SENDER_ID_MISMATCH":
      case "THIRD_PARTY_AUTH_ERROR":
      case "PERMISSION_DENIED":
        return new Outcome.Failed(detail);
      case "QUOTA_EXCEEDED":
      case "RESOURCE_EXHAUSTED":
      case "UNAVAILABLE":
      case "INTERNAL":
        return new Outcome.Retry(detail, retryAfter);
      default:
        if (status == 429 || status >= 500) {
          return new Outcome.Retry(detail, retryAfter);
        }
        return new Outcome.Failed(detail);
    }
  }

  /** The v1 {@code messages:send} body. */
  static String message(String id, String token, Content.Push push) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode message = root.putObject("message");
    message.put("token", token);
    if (push.title() != null || push.body() != null) {
      ObjectNode notification = message.putObject("notification");
      if (push.title() != null) {
        notification.put("title", push.title());
      }
      if (push.body() != null) {
        notification.put("body", push.body());
      }
    }
    ObjectNode data = message.putObject("data");
    if (push.data() != null) {
      for (Map.Entry<String, String> entry : push.data().entrySet()) {
        if (entry.getValue() != null) {
          data.put(entry.getKey(), entry.getValue());
        }
      }
    }
    if (push.url() != null) {
      data.put("url", push.url());
    }
    data.put("kairos_message_id", id);
    // An icon URL means something only to browsers (Android takes a drawable resource name), and
    // FCM takes only an https link for a web notification's click.
    boolean httpsLink = push.url() != null && push.url().startsWith("https://");
    if (push.icon() != null || httpsLink) {
      ObjectNode webpush = message.putObject("webpush");
      if (push.icon() != null) {
        webpush.putObject("notification").put("icon", push.icon());
      }
      if (httpsLink) {
        webpush.putObject("fcm_options").put("link", push.url());
      }
    }
    return root.toString();
  }

  /**
   * An FCM v1 error: {@code error.status}, the {@code FcmError} detail's {@code errorCode} (the
   * finer one, preferred as the code) and whether it is the token that is malformed.
   */
  record FcmError(String code, String status, String message, boolean tokenInvalid) {

    static FcmError of(String body) {
      JsonNode error;
      try {
        error = JSON.readTree(body).path("error");
      } catch (IOException | RuntimeException e) {
        return new FcmError(null, null, HttpCalls.excerpt(body), false);
      }
      String status = error.path("status").isTextual() ? error.path("status").asText() : null;
      String message =
          error.path("message").isTextual()
              ? error.path("message").asText()
              : HttpCalls.excerpt(body);
      String errorCode = null;
      boolean tokenField = false;
      for (JsonNode detail : error.path("details")) {
        String type = detail.path("@type").asText("");
        if (type.endsWith("google.firebase.fcm.v1.FcmError")
            && detail.path("errorCode").isTextual()) {
          errorCode = detail.path("errorCode").asText();
        }
        for (JsonNode violation : detail.path("fieldViolations")) {
          if ("message.token".equals(violation.path("field").asText())) {
            tokenField = true;
          }
        }
      }
      // FCM names a bad token only in prose ("The registration token is not a valid FCM
      // registration token") or in a BadRequest field violation on message.token.
      boolean tokenInvalid =
          tokenField || message.toLowerCase(Locale.ROOT).contains("registration token");
      return new FcmError(errorCode != null ? errorCode : status, status, message, tokenInvalid);
    }

    String describe(int httpStatus) {
      return "FCM "
          + httpStatus
          + (code == null ? "" : " " + code)
          + (message == null || message.isEmpty() ? "" : ": " + message);
    }
  }
}
