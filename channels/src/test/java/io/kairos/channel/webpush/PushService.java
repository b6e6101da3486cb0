package io.kairos.channel.webpush;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A push service on loopback: records every request and answers as the test tells it. */
final class PushService implements AutoCloseable {

  record Request(String method, String path, Headers headers, byte[] body) {}

  interface Answer {
    void answer(HttpExchange exchange) throws IOException;
  }

  final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final HttpServer server;
  private volatile Answer answer = reply(201, "", "Location", "https://push.example/m/1");

  PushService() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            requests.add(
                new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders(),
                    exchange.getRequestBody().readAllBytes()));
            answer.answer(exchange);
          }
        });
    server.start();
  }

  String endpoint(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  int port() {
    return server.getAddress().getPort();
  }

  void answer(Answer answer) {
    this.answer = answer;
  }

  /**
   * Answers {@code status} and {@code body}, with headers given as name, value, name, value, ...
   */
  static Answer reply(int status, String body, String... headers) {
    return exchange -> {
      for (int i = 0; i < headers.length; i += 2) {
        exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
      }
      byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    };
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
