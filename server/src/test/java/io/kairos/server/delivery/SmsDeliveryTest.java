package io.kairos.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.kairos.server.testing.StoreKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SMS through a local server speaking Twilio's Messages API: a number Twilio calls invalid is
 * suppressed, a recipient who replied STOP is unsubscribed, and the next marketing text to either
 * is skipped before it reaches the provider.
 */
class SmsDeliveryTest {
  private static final String SID = "AC" + "0123456789abcdef".repeat(2);

  @TempDir Path dir;
  private HttpServer twilio;
  private final List<String> sentTo = new CopyOnWriteArrayList<>();
  private final Map<String, String> errors = new ConcurrentHashMap<>();

  @BeforeEach
  void twilio() throws IOException {
    twilio = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    twilio.createContext(
        "/2010-04-01/Accounts/" + SID + "/Messages.json",
        ex -> {
          String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String to = "";
          for (String kv : form.split("&")) {
            if (kv.startsWith("To=")) {
              to = URLDecoder.decode(kv.substring(3), StandardCharsets.UTF_8);
            }
          }
          sentTo.add(to);
          String code = errors.get(to);
          byte[] body;
          int status;
          if (code == null) {
            status = 201;
            body = ("{\"sid\":\"SM" + sentTo.size() + "\",\"status\":\"queued\"}").getBytes();
          } else {
            status = 400;
            body = ("{\"code\":" + code + ",\"message\":\"refused\",\"status\":400}").getBytes();
          }
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    twilio.start();
  }

  @AfterEach
  void stop() {
    twilio.stop(0);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void invalidNumbersAreSuppressedAndStopRepliesUnsubscribe(StoreKind kind) {
    try (DeliveryFixture f =
        new DeliveryFixture(
            kind,
            dir,
            c ->
                c.set("channels.sms.provider", "twilio")
                    .set(
                        "channels.sms.twilio.base_url",
                        "http://127.0.0.1:" + twilio.getAddress().getPort())
                    .set("channels.sms.twilio.account_sid", SID)
                    .set("channels.sms.twilio.auth_token", "secret")
                    .set("channels.sms.from", "+15005550006"))) {
      f.template(
          "{\"id\":\"deal\",\"channel\":\"sms\",\"locales\":{\"en\":{\"text\":\"Deal for {{"
              + " profile.first_name }}\"}}}");
      f.journey(
          """
          id: deals
          goal: g
          trigger: { event: Viewed }
          entry: parallel
          steps:
            - send: sms
              template: deal
          """);
      errors.put("+4915100000001", "21211"); // not a valid phone number
      errors.put("+4915100000002", "21610"); // the recipient replied STOP
      f.send(
          identify("ana", "+4915100000001"),
          identify("bob", "+4915100000002"),
          identify("cleo", "+4915100000003"),
          viewed("ana"),
          viewed("bob"),
          viewed("cleo"));
      f.delivered(3);
      assertThat(sentTo).hasSize(3);

      // The second round: only cleo's text reaches Twilio; the engine skips the others when their
      // steps run, with the reason.
      f.send(viewed("ana"), viewed("bob"), viewed("cleo"));
      f.delivered(4);
      assertThat(sentTo).hasSize(4).endsWith("+4915100000003");
      assertThat(f.outbox().stream().map(r -> r.get(2) + " " + r.get(4)))
          .hasSize(4)
          .anySatisfy(o -> assertThat(o).startsWith("failed bounced:"))
          .anySatisfy(o -> assertThat(o).startsWith("failed address gone: opted out"));
      List<String> bob = f.timeline("bob").stream().map(e -> e.toString()).toList();
      assertThat(bob).anySatisfy(e -> assertThat(e).contains("\"name\":\"Unsubscribed\""));
      assertThat(bob).anySatisfy(e -> assertThat(e).contains("\"name\":\"Message Failed\""));
      assertThat(bob)
          .anySatisfy(e -> assertThat(e).contains("\"kind\":\"skipped\"").contains("unsubscribed"));
      List<String> ana = f.timeline("ana").stream().map(e -> e.toString()).toList();
      assertThat(ana).anySatisfy(e -> assertThat(e).contains("\"name\":\"Message Bounced\""));
      assertThat(ana)
          .anySatisfy(e -> assertThat(e).contains("\"kind\":\"skipped\"").contains("hard-bounced"));
    }
  }

  private static String identify(String user, String phone) {
    return "{\"type\":\"identify\",\"userId\":\""
        + user
        + "\",\"traits\":{\"phone\":\""
        + phone
        + "\",\"first_name\":\""
        + user
        + "\"}}";
  }

  private static String viewed(String user) {
    return "{\"type\":\"track\",\"userId\":\"" + user + "\",\"event\":\"Viewed\"}";
  }
}
