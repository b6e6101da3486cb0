package io.kairos.channel.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * A loopback TCP server that misbehaves on purpose: it accepts one connection and hands the socket
 * to a script (hang, drop, stream 100 MB). The script's result, or its exception, is in {@link
 * #done()}.
 */
public final class RawServer implements AutoCloseable {

  /** What to do with the one connection; may throw. */
  public interface Script<T> {
    T run(Socket socket) throws Exception;
  }

  private final ServerSocket server;
  private final CompletableFuture<Object> done = new CompletableFuture<>();

  private RawServer(Script<?> script) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              try (Socket s = server.accept()) {
                done.complete(script.run(s));
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            },
            "raw-server");
    t.setDaemon(true);
    t.start();
  }

  public static RawServer start(Script<?> script) throws IOException {
    return new RawServer(script);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  public CompletableFuture<Object> done() {
    return done;
  }

  /** Reads one request (head and a Content-Length body) and returns it as text. */
  public static String readRequest(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed inside the request head");
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return text + new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
