package io.kairos.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A small real HTTP client for tests (java.net.http), with JSON helpers. */
public final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;

  /** A response: status, content type, body, and Retry-After (empty when absent). */
  public record Response(int status, String contentType, String body, String retryAfter) {
    public Response(int status, String contentType, String body) {
      this(status, contentType, body, "");
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  public Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public Response get(String path, String key) {
    return send(builder(path, key).GET().build());
  }

  public Response post(String path, String key, String contentType, byte[] body) {
    return send(
        builder(path, key)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  public Response postJson(String path, String key, String json) {
    return post(path, key, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  public Response put(String path, String key, String contentType, String body) {
    return send(
        builder(path, key)
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build());
  }

  public Response delete(String path, String key) {
    return send(builder(path, key).DELETE().build());
  }

  public Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(
          r.statusCode(),
          r.headers().firstValue("Content-Type").orElse(""),
          r.body(),
          r.headers().firstValue("Retry-After").orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A request builder for {@code path} with {@code Authorization: Bearer key} when key is set. */
  public HttpRequest.Builder builder(String path, String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return b;
  }

  public static ObjectMapper mapper() {
    return JSON;
  }
}
