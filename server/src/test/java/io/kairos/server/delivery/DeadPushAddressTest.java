package io.kairos.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A push token the provider calls dead leaves the profile: a local server speaking FCM's HTTP v1
 * API (and Google's token endpoint) answers 404 {@code UNREGISTERED} for one token, the profile
 * loses its {@code push_token}, and the next push to it is skipped for want of a target instead of
 * failing again; a token registered afterwards is used. (That a token set before the report is
 * applied survives it is the core's rule, tested in DeadAddressesTest: the dispatcher reads the
 * address at send time, so an end-to-end test cannot place the change inside that window.)
 */
class DeadPushAddressTest {
  private static final String DEAD = "token-dead";
  private static final String OLD = "token-old";

  @TempDir Path dir;
  private HttpServer google;
  private final List<String> tokens = new CopyOnWriteArrayList<>();

  @BeforeEach
  void google() throws IOException {
    google = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    google.createContext(
        "/token",
        ex ->
            answer(
                ex,
                200,
                "{\"access_token\":\"at-1\",\"expires_in\":3600,\"token_type\":\"Bearer\"}"));
    google.createContext(
        "/v1/projects/shop/messages:send",
        ex -> {
          JsonNode body = Http.mapper().readTree(ex.getRequestBody().readAllBytes());
          String token = body.path("message").path("token").asText();
          tokens.add(token);
          if (token.equals(DEAD) || token.equals(OLD)) {
            answer(
                ex,
                404,
                "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\","
                    + "\"status\":\"NOT_FOUND\",\"details\":[{\"@type\":"
                    + "\"type.googleapis.com/google.firebase.fcm.v1.FcmError\","
                    + "\"errorCode\":\"UNREGISTERED\"}]}}");
          } else {
            answer(ex, 200, "{\"name\":\"projects/shop/messages/" + tokens.size() + "\"}");
          }
        });
    google.start();
  }

  @AfterEach
  void stop() {
    google.stop(0);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDeadTokenIsRemovedAndTheNextPushIsSkipped(StoreKind kind) throws Exception {
    String base = "http://127.0.0.1:" + google.getAddress().getPort();
    Path account = dir.resolve("service-account.json");
    Files.writeString(account, serviceAccount(base + "/token"));
    try (DeliveryFixture f =
        new DeliveryFixture(
            kind,
            dir,
            c ->
                c.set("channels.push.fcm.service_account", account.toString())
                    .set("channels.push.fcm.base_url", base))) {
      f.template(
          "{\"id\":\"ping\",\"channel\":\"push\",\"locales\":{\"en\":{\"title\":\"Hi\","
              + "\"body\":\"{{ profile.first_name }}, news\"}}}");
      f.journey(
          """
          id: pings
          goal: g
          trigger: { event: Viewed }
          entry: parallel
          steps:
            - send: push
              template: ping
          """);
      // Both tokens are dead.
      f.send(identify("ana", DEAD), identify("bob", OLD), viewed("ana"), viewed("bob"));
      f.delivered(2);
      assertThat(tokens).containsExactlyInAnyOrder(DEAD, OLD);
      assertThat(trait(f, "ana", "push_token")).isNull();

      assertThat(trait(f, "bob", "push_token")).isNull();

      // bob's app registers a new token; ana's does not.
      f.send(identify("bob", "token-new"), viewed("ana"), viewed("bob"));
      f.delivered(4);
      // ana: skipped before any request, with the reason; bob: his new token is used.
      assertThat(tokens).hasSize(3).endsWith("token-new");
      assertThat(f.timeline("ana").stream().map(JsonNode::toString))
          .anySatisfy(e -> assertThat(e).contains("Message Failed").contains("address_gone"))
          .anySatisfy(e -> assertThat(e).contains("Message Skipped").contains("no push target"));
      assertThat(trait(f, "bob", "push_token")).isEqualTo("token-new");
    }
  }

  /** A trait of the profile as the profiles API shows it. */
  private static String trait(DeliveryFixture f, String user, String name) {
    Http.Response r = f.http.get("/v1/profiles/" + user, f.read());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode v = r.json().path("traits").get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String serviceAccount(String tokenUri) throws NoSuchAlgorithmException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    ObjectNode json = Http.mapper().createObjectNode();
    json.put("type", "service_account");
    json.put("project_id", "shop");
    json.put("private_key_id", "k1");
    json.put("private_key", pem);
    json.put("client_email", "kairos@shop.iam.gserviceaccount.com");
    json.put("token_uri", tokenUri);
    return json.toString();
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static String identify(String user, String token) {
    return "{\"type\":\"identify\",\"userId\":\""
        + user
        + "\",\"traits\":{\"push_token\":\""
        + token
        + "\",\"first_name\":\""
        + user
        + "\"}}";
  }

  private static String viewed(String user) {
    return "{\"type\":\"track\",\"userId\":\"" + user + "\",\"event\":\"Viewed\"}";
  }
}
