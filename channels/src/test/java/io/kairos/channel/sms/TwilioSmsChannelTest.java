package io.kairos.channel.sms;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.LoopbackServer;
import io.kairos.channel.http.LoopbackServer.Reply;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The Twilio channel against a loopback server that speaks Twilio's Messages API: the path, Basic
 * auth, form fields and JSON answers (success and error bodies) as Twilio documents them.
 */
class TwilioSmsChannelTest {

  static final String SID = "AC0123456789abcdef0123456789abcdef";
  static final String TOKEN = "auth-token-0123";
  static final String SERVICE = "MG0123456789abcdef0123456789abcdef";
  static final String PATH = "/2010-04-01/Accounts/" + SID + "/Messages.json";

  static Map<String, List<String>> form(String body) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      out.computeIfAbsent(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              k -> new ArrayList<>())
          .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Twilio's answer to a well-formed request from the right account; 401/404 otherwise. */
  static Function<LoopbackServer.Request, Reply> twilio(
      Function<Map<String, List<String>>, Reply> answer) {
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
    return r -> {
      if (!basic.equals(r.header("Authorization"))) {
        return error(401, 20003, "Authenticate");
      }
      if (!r.method().equals("POST") || !r.path().equals(PATH)) {
        return error(404, 20404, "The requested resource was not found");
      }
      if (!"application/x-www-form-urlencoded".equals(r.header("Content-Type"))) {
        return error(400, 21617, "unexpected content type");
      }
      return answer.apply(form(r.text()));
    };
  }

  static Reply created(String sid) {
    return new Reply(
        201,
        Map.of("Content-Type", "application/json"),
        "{\"account_sid\":\""
            + SID
            + "\",\"sid\":\""
            + sid
            + "\",\"status\":\"queued\",\"num_segments\":\"1\",\"error_code\":null}");
  }

  static Reply error(int status, int code, String message) {
    return new Reply(
        status,
        Map.of("Content-Type", "application/json"),
        "{\"code\":"
            + code
            + ",\"message\":\""
            + message
            + "\",\"more_info\":\"https://www.twilio.com/docs/errors/"
            + code
            + "\",\"status\":"
            + status
            + "}");
  }

  static Delivery sms(String from, String to) {
    return new Delivery(
        "msg_7f3a", "shop", "p-1", 1, new Content.Sms(from, to, "Hallo Jörg – 20 % off & more ✓"));
  }

  static TwilioSmsChannel channel(LoopbackServer server, SmsSettings.Twilio base) {
    return new TwilioSmsChannel(base.withBaseUrl(server.url("")));
  }

  @Test
  void sendsTheFormTwilioExpectsAndReadsTheSid() throws Exception {
    try (LoopbackServer server =
            LoopbackServer.start(twilio(f -> created("SM0123456789abcdef0123456789abcdef")));
        TwilioSmsChannel channel =
            channel(
                server,
                SmsSettings.Twilio.defaults(SID, TOKEN, "+15005550006")
                    .withStatusCallback("https://kairos.example/sms/status"))) {
      Outcome o = channel.send(sms("+15005550001", "+4915112345678"));

      assertThat(o)
          .isEqualTo(new Outcome.Sent("SM0123456789abcdef0123456789abcdef", "HTTP 201, queued"));
      LoopbackServer.Request r = server.requests().get(0);
      assertThat(form(r.text()))
          .containsExactly(
              Map.entry("To", List.of("+4915112345678")),
              Map.entry("From", List.of("+15005550001")),
              Map.entry("Body", List.of("Hallo Jörg – 20 % off & more ✓")),
              Map.entry(
                  "StatusCallback",
                  List.of("https://kairos.example/sms/status?workspace=shop&message=msg_7f3a")));
      assertThat(r.header("Idempotency-Key")).isEqualTo("msg_7f3a");
      assertThat(r.header("Accept")).isEqualTo("application/json");
    }
  }

  @Test
  void withoutItsOwnSenderAMessageUsesTheServiceOrTheDefaultNumber() throws Exception {
    try (LoopbackServer server = LoopbackServer.start(twilio(f -> created("SM1")));
        TwilioSmsChannel viaService =
            channel(server, SmsSettings.Twilio.viaMessagingService(SID, TOKEN, SERVICE));
        TwilioSmsChannel viaNumber =
            channel(server, SmsSettings.Twilio.defaults(SID, TOKEN, "+15005550006"))) {
      assertThat(viaService.send(sms(null, "+4915112345678"))).isInstanceOf(Outcome.Sent.class);
      assertThat(viaNumber.send(sms(null, "+4915112345678"))).isInstanceOf(Outcome.Sent.class);

      assertThat(form(server.requests().get(0).text()))
          .containsEntry("MessagingServiceSid", List.of(SERVICE))
          .doesNotContainKey("From");
      assertThat(form(server.requests().get(1).text()))
          .containsEntry("From", List.of("+15005550006"))
          .doesNotContainKeys("MessagingServiceSid", "StatusCallback");
    }
  }

  @Test
  void twilioErrorCodesBecomeOutcomes() throws Exception {
    try (LoopbackServer server =
            LoopbackServer.start(
                twilio(
                    f ->
                        switch (f.get("To").get(0)) {
                          case "+1555" ->
                              error(
                                  400, 21211, "The 'To' number +1555 is not a valid phone number.");
                          case "+15005550009" ->
                              error(400, 21614, "'To' number is not a valid mobile number");
                          case "+15005550004" ->
                              error(400, 21610, "Attempt to send to unsubscribed recipient");
                          case "+15005550002" ->
                              error(400, 21408, "Permission to send an SMS has not been enabled");
                          case "+15005550010" ->
                              new Reply(
                                  429,
                                  Map.of("Retry-After", "3"),
                                  "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}");
                          default -> new Reply(503, Map.of(), "<html>Service Unavailable</html>");
                        }));
        TwilioSmsChannel channel =
            channel(server, SmsSettings.Twilio.defaults(SID, TOKEN, "+15005550006"))) {
      assertThat(channel.send(sms(null, "+1555")))
          .isEqualTo(
              new Outcome.Bounced(
                  "HTTP 400, Twilio 21211: The 'To' number +1555 is not a valid phone number."));
      assertThat(channel.send(sms(null, "+15005550009"))).isInstanceOf(Outcome.Bounced.class);

      Outcome stop = channel.send(sms(null, "+15005550004"));
      assertThat(stop)
          .isEqualTo(
              new Outcome.Gone(
                  "opted out: HTTP 400, Twilio 21610: Attempt to send to unsubscribed recipient"));
      assertThat(SmsOptOut.is(stop)).isTrue();

      assertThat(channel.send(sms(null, "+15005550002")))
          .isEqualTo(
              new Outcome.Failed(
                  "HTTP 400, Twilio 21408: Permission to send an SMS has not been enabled"));
      assertThat(channel.send(sms(null, "+15005550010")))
          .isEqualTo(
              new Outcome.Retry(
                  "HTTP 429, Twilio 20429: Too Many Requests", Duration.ofSeconds(3)));
      assertThat(channel.send(sms(null, "+15005550011")))
          .isEqualTo(new Outcome.Retry("HTTP 503: <html>Service Unavailable</html>", null));
    }
  }

  @Test
  void wrongCredentialsFail() throws Exception {
    try (LoopbackServer server = LoopbackServer.start(twilio(f -> created("SM1")));
        TwilioSmsChannel channel =
            new TwilioSmsChannel(
                new SmsSettings.Twilio(
                    server.url(""),
                    SID,
                    "wrong",
                    "+15005550006",
                    null,
                    null,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    4096,
                    java.time.InstantSource.system()))) {
      Outcome o = channel.send(sms(null, "+4915112345678"));
      assertThat(o).isEqualTo(new Outcome.Failed("HTTP 401, Twilio 20003: Authenticate"));
      assertThat(SmsOptOut.is(o)).isFalse();
    }
  }

  @Test
  void nothingIsSentWithoutANumberOrText() throws Exception {
    try (LoopbackServer server = LoopbackServer.start(twilio(f -> created("SM1")));
        TwilioSmsChannel channel =
            channel(server, SmsSettings.Twilio.defaults(SID, TOKEN, "+15005550006"))) {
      assertThat(channel.send(sms(null, " ")))
          .isEqualTo(new Outcome.Failed("sms has no recipient number"));
      assertThat(channel.send(new Delivery("m", "w", "p", 1, new Content.Sms(null, "+1", ""))))
          .isEqualTo(new Outcome.Failed("sms text is empty"));
      assertThat(server.requests()).isEmpty();
    }
  }

  @Test
  void theStatusCallbackNamesTheMessageInItsQuery() {
    Delivery d =
        new Delivery("m/1 ü", "w&1", "p-1", 1, new Content.Sms(null, "+4915112345678", "Hi"));
    assertThat(TwilioSmsChannel.statusCallback("https://k.example/v1/sms/twilio/status", d))
        .isEqualTo("https://k.example/v1/sms/twilio/status?workspace=w%261&message=m%2F1+%C3%BC");
    assertThat(TwilioSmsChannel.statusCallback("https://k.example/s?token=a", d))
        .isEqualTo("https://k.example/s?token=a&workspace=w%261&message=m%2F1+%C3%BC");
  }
}
