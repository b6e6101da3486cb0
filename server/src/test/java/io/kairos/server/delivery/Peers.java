package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kairos.channel.webhook.WebhookSignature;
import io.kairos.server.config.ConfigLoader;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every channel's provider on loopback, as the scenarios need them: a GreenMail SMTP server, a
 * server speaking Twilio's Messages API, Google's OAuth token endpoint and FCM's {@code
 * messages:send}, and a webhook receiver. Each records what it was sent.
 */
final class Peers implements AutoCloseable {
  static final String TWILIO_SID = "AC" + "0123456789abcdef".repeat(2);
  static final String FCM_PROJECT = "northwind-shop";
  static final String WEBHOOK_SECRET = WebhookSignature.newSecret();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A text message Twilio took. */
  record Sms(String to, String body) {}

  /** A push FCM took: the device token and the notification. */
  record Push(String token, String title, String body, String link) {}

  /** A webhook call: its id (the message's), signature headers and body. */
  record Hook(String id, String timestamp, String signature, String path, String body) {}

  final GreenMail smtp;
  final List<Sms> sms = new CopyOnWriteArrayList<>();
  final List<Push> pushes = new CopyOnWriteArrayList<>();
  final List<Hook> hooks = new CopyOnWriteArrayList<>();
  private final HttpServer http;
  private final Path serviceAccount;

  Peers(Path dir) throws Exception {
    smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/2010-04-01/Accounts/" + TWILIO_SID + "/Messages.json", this::twilio);
    http.createContext("/token", this::token);
    http.createContext("/v1/projects/" + FCM_PROJECT + "/messages:send", this::fcm);
    http.createContext("/hooks/", this::hook);
    http.start();
    serviceAccount = dir.resolve("fcm-service-account.json");
    Files.writeString(serviceAccount, serviceAccountJson());
  }

  String baseUrl() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** The configuration that sends every channel to these peers. */
  void configure(ConfigLoader c) {
    c.set("channels.email.smtp.host", "127.0.0.1")
        .set("channels.email.smtp.port", Integer.toString(smtp.getSmtp().getPort()))
        .set("channels.email.smtp.security", "none")
        .set("channels.email.from", "Northwind Shop <news@shop.example>")
        .set("channels.sms.provider", "twilio")
        .set("channels.sms.from", "+15005550006")
        .set("channels.sms.twilio.account_sid", TWILIO_SID)
        .set("channels.sms.twilio.auth_token", "secret-token")
        .set("channels.sms.twilio.base_url", baseUrl())
        .set("channels.push.fcm.service_account", serviceAccount.toString())
        .set("channels.push.fcm.base_url", baseUrl())
        .set("channels.webhook.secret", WEBHOOK_SECRET)
        .set("channels.webhook.allow", "127.0.0.1");
  }

  MimeMessage[] mails() {
    return smtp.getReceivedMessages();
  }

  private void twilio(HttpExchange ex) throws IOException {
    String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> fields = new LinkedHashMap<>();
    for (String kv : form.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        fields.put(
            URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    sms.add(new Sms(fields.get("To"), fields.get("Body")));
    answer(ex, 201, "{\"sid\":\"SM" + sms.size() + "\",\"status\":\"queued\"}");
  }

  private void token(HttpExchange ex) throws IOException {
    ex.getRequestBody().readAllBytes();
    answer(
        ex, 200, "{\"access_token\":\"ya29.test\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
  }

  private void fcm(HttpExchange ex) throws IOException {
    JsonNode message = JSON.readTree(ex.getRequestBody().readAllBytes()).path("message");
    JsonNode n = message.path("notification");
    String link = message.path("webpush").path("fcm_options").path("link").asText(null);
    if (link == null) {
      link = message.path("data").path("url").asText(null);
    }
    pushes.add(
        new Push(
            message.path("token").asText(),
            n.path("title").asText(),
            n.path("body").asText(),
            link));
    answer(ex, 200, "{\"name\":\"projects/" + FCM_PROJECT + "/messages/" + pushes.size() + "\"}");
  }

  private void hook(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    hooks.add(
        new Hook(
            ex.getRequestHeaders().getFirst("webhook-id"),
            ex.getRequestHeaders().getFirst("webhook-timestamp"),
            ex.getRequestHeaders().getFirst("webhook-signature"),
            ex.getRequestURI().getPath(),
            body));
    ex.sendResponseHeaders(204, -1);
    ex.close();
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private String serviceAccountJson() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Map<String, String> json = new LinkedHashMap<>();
    json.put("type", "service_account");
    json.put("project_id", FCM_PROJECT);
    json.put("private_key_id", "key-1");
    json.put("private_key", pem);
    json.put("client_email", "kairos@" + FCM_PROJECT + ".iam.gserviceaccount.com");
    json.put("client_id", "1234567890");
    json.put("token_uri", baseUrl() + "/token");
    return JSON.writeValueAsString(json);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    smtp.stop();
    http.stop(0);
  }
}
