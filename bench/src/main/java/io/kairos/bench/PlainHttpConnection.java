package io.kairos.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection that posts pre-encoded bodies and reads the status of each
 * answer. The load generator shares the 2 cores with the server it measures, so it must cost as
 * little as possible: the JDK's {@code HttpClient} spent about 17 µs of CPU per event (a body of
 * 100 events) building requests and running its selector thread, as much as the server's ingest
 * writer. This writes the request head and body in one write and parses only what it needs (status,
 * {@code Content-Length} or chunked framing). Not a general client: no redirects, no TLS.
 */
final class PlainHttpConnection implements AutoCloseable {
  private final String host;
  private final int port;
  private final byte[] headPrefix;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  PlainHttpConnection(URI uri, String authorization) {
    this.host = uri.getHost();
    this.port = uri.getPort() < 0 ? 80 : uri.getPort();
    this.headPrefix =
        ("POST "
                + uri.getRawPath()
                + " HTTP/1.1\r\nHost: "
                + host
                + ":"
                + port
                + "\r\nAuthorization: "
                + authorization
                + "\r\nContent-Type: application/json\r\nContent-Length: ")
            .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Posts {@code body} and reads the whole answer.
   *
   * @return the HTTP status
   * @throws IOException when the connection fails (it is reopened by the next call)
   */
  int post(byte[] body) throws IOException {
    if (socket == null) {
      open();
    }
    try {
      byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] request = new byte[headPrefix.length + length.length + body.length];
      System.arraycopy(headPrefix, 0, request, 0, headPrefix.length);
      System.arraycopy(length, 0, request, headPrefix.length, length.length);
      System.arraycopy(body, 0, request, headPrefix.length + length.length, body.length);
      out.write(request);
      out.flush();
      return readResponse();
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  private void open() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(60_000);
    socket.connect(new InetSocketAddress(host, port), 10_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
  }

  private int readResponse() throws IOException {
    String status = line();
    // "HTTP/1.1 200 OK"
    int code = Integer.parseInt(status.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    boolean closes = false;
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> contentLength = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> closes = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line().split(";")[0].trim(), 16);
          size > 0;
          size = Long.parseLong(line().split(";")[0].trim(), 16)) {
        skip(size);
        line();
      }
      // trailers end with an empty line
      while (!line().isEmpty()) {}
    } else if (contentLength > 0) {
      skip(contentLength);
    }
    if (closes) {
      close();
    }
    return code;
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      long k = in.skip(n);
      if (k <= 0) {
        if (in.read() < 0) {
          throw new EOFException("connection closed in a response body");
        }
        k = 1;
      }
      n -= k;
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed in a response head");
      }
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a broken connection
      }
      socket = null;
    }
  }
}
