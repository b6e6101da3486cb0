package io.kairos.channel.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.channel.Channel;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.HttpOutcomes;
import io.kairos.channel.http.HttpResult;
import io.kairos.channel.http.HttpTransport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * Sends text messages to a generic HTTP gateway: {@code POST {url}} with {@code
 * {"id","to","from","text"}}, an optional bearer token and {@code Idempotency-Key}. 2xx is {@code
 * Sent} (the provider id read from the configured field); the rest as for webhooks: 410 {@code
 * Gone}, 408/429/5xx {@code Retry}, 3xx and other 4xx {@code Failed}.
 */
public final class HttpGatewaySmsChannel implements Channel {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SmsSettings.Gateway settings;
  private final URI url;
  private final HttpTransport transport;

  public HttpGatewaySmsChannel(SmsSettings.Gateway settings) {
    this.settings = settings;
    this.url = URI.create(settings.url());
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
    ObjectNode body = JSON.createObjectNode();
    body.put("id", delivery.id());
    body.put("to", sms.to());
    body.put("from", sms.from() != null ? sms.from() : settings.from());
    body.put("text", sms.text());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .header("User-Agent", TwilioSmsChannel.USER_AGENT)
            .header("Idempotency-Key", delivery.id());
    if (settings.bearerToken() != null) {
      request.header("Authorization", "Bearer " + settings.bearerToken());
    }
    HttpResult result =
        transport.send(
            request,
            "POST",
            body.toString().getBytes(StandardCharsets.UTF_8),
            settings.requestTimeout(),
            settings.maxResponseBytes());
    if (result instanceof HttpResult.NoResponse n) {
      return n.outcome();
    }
    HttpResult.Response r = (HttpResult.Response) result;
    return HttpOutcomes.of(r, r.status() / 100 == 2 ? providerId(r) : null);
  }

  private String providerId(HttpResult.Response r) {
    try {
      JsonNode node = JSON.readTree(r.body());
      if (node == null) {
        return null;
      }
      JsonNode id = node.at(settings.providerIdPointer());
      return id.isValueNode() && !id.isNull() ? id.asText() : null;
    } catch (IOException notJson) {
      return null;
    }
  }
}
