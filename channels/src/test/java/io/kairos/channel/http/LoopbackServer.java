package io.kairos.channel.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A real HTTP server on 127.0.0.1 (the JDK's) that records requests and answers as told. */
public final class LoopbackServer implements AutoCloseable {

  /** One request as the server saw it; header names are case-insensitive. */
  public record Request(
      String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

    public String header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What to answer. */
  public record Reply(int status, Map<String, String> headers, String body) {
    public static Reply of(int status) {
      return new Reply(status, Map.of(), "");
    }

    public static Reply of(int status, String body) {
      return new Reply(status, Map.of(), body);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private LoopbackServer(int threads, Function<Request, Reply> handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, handler));
    server.start();
  }

  public static LoopbackServer start(Function<Request, Reply> handler) throws IOException {
    return new LoopbackServer(2, handler);
  }

  public static LoopbackServer start(int threads, Function<Request, Reply> handler)
      throws IOException {
    return new LoopbackServer(threads, handler);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:port} + path. */
  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  public URI uri(String path) {
    return URI.create(url(path));
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange, Function<Request, Reply> handler) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
      URI uri = exchange.getRequestURI();
      Request request =
          new Request(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(), headers, body);
      requests.add(request);
      Reply reply = handler.apply(request);
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
