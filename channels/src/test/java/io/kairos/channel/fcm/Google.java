package io.kairos.channel.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google on loopback: an OAuth token endpoint that checks the service account's signed JWT as
 * Google does, and FCM's {@code messages:send} that checks the bearer token and answers as told.
 */
final class Google implements AutoCloseable {
  static final String PROJECT = "shop-push-1";
  static final String CLIENT_EMAIL = "kairos@shop-push-1.iam.gserviceaccount.com";
  static final KeyPair ACCOUNT_KEY = rsa();

  private static final ObjectMapper JSON = new ObjectMapper();

  record Send(String authorization, JsonNode body) {}

  final AtomicInteger tokenRequests = new AtomicInteger();
  final BlockingQueue<JsonNode> assertions = new LinkedBlockingQueue<>();
  final BlockingQueue<Send> sends = new LinkedBlockingQueue<>();

  /** Tokens messages:send takes; a test revokes one by removing it. */
  final Set<String> validTokens = ConcurrentHashMap.newKeySet();

  volatile long expiresIn = 3600;
  volatile int tokenStatus = 200;
  volatile boolean hangSends;
  volatile boolean refuseEveryToken;
  volatile boolean hangTokens;

  private final Deque<Reply> replies = new ArrayDeque<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch closing = new CountDownLatch(1);

  private record Reply(int status, String body, Map<String, String> headers) {}

  Google() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/token", this::token);
    server.createContext("/v1/projects/" + PROJECT + "/messages:send", this::send);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  String tokenUri() {
    return baseUrl() + "/token";
  }

  /** The next send answers this (after the bearer check); once the queue is empty, 200. */
  synchronized void reply(int status, String body, String... headers) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], headers[i + 1]);
    }
    replies.add(new Reply(status, body, map));
  }

  static String error(int code, String status, String errorCode, String message) {
    return "{\"error\":{\"code\":"
        + code
        + ",\"message\":\""
        + message
        + "\",\"status\":\""
        + status
        + "\",\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\","
        + "\"errorCode\":\""
        + errorCode
        + "\"}]}}";
  }

  /** The JSON key file Google would hand out for {@link #ACCOUNT_KEY}, or another key. */
  String serviceAccountJson(KeyPair key) {
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    ObjectNode json = JSON.createObjectNode();
    json.put("type", "service_account");
    json.put("project_id", PROJECT);
    json.put("private_key_id", "key-1");
    json.put("private_key", pem);
    json.put("client_email", CLIENT_EMAIL);
    json.put("client_id", "1234567890");
    json.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
    json.put("token_uri", tokenUri());
    return json.toString();
  }

  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      tokenRequests.incrementAndGet();
      Map<String, String> form =
          form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (hangTokens) {
        closing.await();
        return;
      }
      if (tokenStatus != 200) {
        answer(exchange, tokenStatus, "{\"error\":\"backend_error\"}", Map.of());
        return;
      }
      String problem = checkAssertion(form);
      if (problem != null) {
        answer(
            exchange,
            400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"" + problem + "\"}",
            Map.of());
        return;
      }
      String token = "token-" + tokenRequests.get();
      validTokens.add(token);
      answer(
          exchange,
          200,
          "{\"access_token\":\""
              + token
              + "\",\"expires_in\":"
              + expiresIn
              + ",\"token_type\":\"Bearer\"}",
          Map.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What Google checks of a JWT bearer grant; null when all is well. */
  private String checkAssertion(Map<String, String> form) {
    if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
      return "grant_type " + form.get("grant_type");
    }
    String[] parts = form.getOrDefault("assertion", "").split("\\.");
    if (parts.length != 3) {
      return "not a JWT";
    }
    try {
      JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      if (!header.path("alg").asText().equals("RS256")) {
        return "alg " + header.path("alg");
      }
      if (!verify(ACCOUNT_KEY.getPublic(), parts[0] + "." + parts[1], parts[2])) {
        return "Invalid JWT Signature.";
      }
      assertions.add(claims);
      if (!claims.path("iss").asText().equals(CLIENT_EMAIL)
          || !claims
              .path("scope")
              .asText()
              .equals("https://www.googleapis.com/auth/firebase.messaging")
          || !claims.path("aud").asText().equals(tokenUri())
          || claims.path("exp").asLong() - claims.path("iat").asLong() != 3600) {
        return "claims " + claims;
      }
      return null;
    } catch (Exception e) {
      return e.toString();
    }
  }

  private void send(HttpExchange exchange) throws IOException {
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
      sends.add(new Send(authorization, body));
      if (hangSends) {
        closing.await();
        return;
      }
      if (refuseEveryToken
          || authorization == null
          || !authorization.startsWith("Bearer ")
          || !validTokens.contains(authorization.substring(7))) {
        answer(
            exchange,
            401,
            "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication"
                + " credentials.\",\"status\":\"UNAUTHENTICATED\"}}",
            Map.of());
        return;
      }
      Reply reply;
      synchronized (this) {
        reply = replies.poll();
      }
      if (reply == null) {
        reply =
            new Reply(
                200,
                "{\"name\":\"projects/" + PROJECT + "/messages/0:" + sends.size() + "\"}",
                Map.of());
      }
      answer(exchange, reply.status(), reply.body(), reply.headers());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void answer(
      HttpExchange exchange, int status, String body, Map<String, String> headers)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
    headers.forEach(exchange.getResponseHeaders()::add);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static boolean verify(PublicKey key, String signingInput, String signature)
      throws Exception {
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(key);
    verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return verifier.verify(Base64.getUrlDecoder().decode(signature));
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
