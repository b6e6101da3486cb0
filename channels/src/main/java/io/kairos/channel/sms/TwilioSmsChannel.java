package io.kairos.channel.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.channel.Channel;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.HttpOutcomes;
import io.kairos.channel.http.HttpResult;
import io.kairos.channel.http.HttpTransport;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Sends text messages through Twilio's Messages API ({@code POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json}, form-encoded, HTTP Basic auth).
 *
 * <p>2xx is {@code Sent} with the message SID; Twilio errors 21211 and 21614 (not a valid or not a
 * mobile number) are {@code Bounced}; 21610 (the recipient replied STOP) is {@code Gone} marked as
 * an opt-out ({@link SmsOptOut}); 429 and 5xx {@code Retry} after {@code Retry-After}; other 4xx
 * {@code Failed}.
 *
 * <p>With a status callback configured, each message asks Twilio to report its delivery to that URL
 * plus {@code ?workspace={workspace}&message={message id}}.
 */
public final class TwilioSmsChannel implements Channel {

  static final String USER_AGENT = "Kairos-SMS/1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SmsSettings.Twilio settings;
  private final URI endpoint;
  private final String authorization;
  private final HttpTransport transport;

  public TwilioSmsChannel(SmsSettings.Twilio settings) {
    this.settings = settings;
    this.endpoint =
        URI.create(
            settings.baseUrl()
                + "/2010-04-01/Accounts/"
                + settings.accountSid()
                + "/Messages.json");
    this.authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (settings.accountSid() + ":" + settings.authToken())
                        .getBytes(StandardCharsets.UTF_8));
    this.transport = new HttpTransport(settings.connectTimeout(), settings.clock());
  }

  @Override
  public String name() {
    return "sms";
  }

  @Override
  public Outcome send(Delivery delivery) {
    Content.Sms sms = SmsContent.of(delivery);
    if (sms.to() == null || sms.to().isBlank()) {
      return new Outcome.Failed("sms has no recipient number");
    }
    if (sms.text() == null || sms.text().isEmpty()) {
      return new Outcome.Failed("sms text is empty");
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("To", sms.to());
    if (sms.from() != null) {
      form.put("From", sms.from());
    } else if (settings.messagingServiceSid() != null) {
      form.put("MessagingServiceSid", settings.messagingServiceSid());
    } else {
      form.put("From", settings.from());
    }
    form.put("Body", sms.text());
    if (settings.statusCallback() != null) {
      form.put("StatusCallback", statusCallback(settings.statusCallback(), delivery));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .header("Authorization", authorization)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header("User-Agent", USER_AGENT)
            .header("Idempotency-Key", delivery.id());
    HttpResult result =
        transport.send(
            request,
            "POST",
            encode(form).getBytes(StandardCharsets.UTF_8),
            settings.requestTimeout(),
            settings.maxResponseBytes());
    if (result instanceof HttpResult.NoResponse n) {
      return n.outcome();
    }
    return outcome((HttpResult.Response) result);
  }

  private static Outcome outcome(HttpResult.Response r) {
    JsonNode json = parse(r);
    if (r.status() >= 200 && r.status() < 300) {
      String sid = json.path("sid").asText(null);
      String status = json.path("status").asText(null);
      Outcome.Sent sent = (Outcome.Sent) HttpOutcomes.of(r, sid);
      return status == null ? sent : new Outcome.Sent(sid, sent.detail() + ", " + status);
    }
    int code = json.path("code").asInt(0);
    if (code == 0) {
      return HttpOutcomes.of(r, null);
    }
    String detail =
        "HTTP " + r.status() + ", Twilio " + code + ": " + json.path("message").asText("");
    if (r.status() >= 400 && r.status() < 500 && r.status() != 429) {
      switch (code) {
        case 21211, 21614:
          return new Outcome.Bounced(detail);
        case 21610:
          return SmsOptOut.gone(detail);
        default:
          break;
      }
    }
    return HttpOutcomes.of(r, null, detail);
  }

  private static JsonNode parse(HttpResult.Response r) {
    try {
      JsonNode node = JSON.readTree(r.body());
      return node == null ? JSON.missingNode() : node;
    } catch (IOException notJson) {
      return JSON.missingNode();
    }
  }

  /**
   * The status callback for one message: the configured URL with the message's workspace and id
   * added as query parameters, so the receiver finds the message by its key (Twilio signs the URL
   * with its query, so the parameters cannot be changed on the way).
   */
  static String statusCallback(String url, Delivery delivery) {
    StringBuilder b = new StringBuilder(url).append(url.indexOf('?') < 0 ? '?' : '&');
    if (delivery.workspace() != null) {
      b.append("workspace=")
          .append(URLEncoder.encode(delivery.workspace(), StandardCharsets.UTF_8))
          .append('&');
    }
    return b.append("message=")
        .append(URLEncoder.encode(delivery.id(), StandardCharsets.UTF_8))
        .toString();
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
