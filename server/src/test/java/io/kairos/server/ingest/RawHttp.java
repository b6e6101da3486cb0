package io.kairos.server.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 by hand, for what a well-behaved client cannot do: announce a body and not send it. */
final class RawHttp {
  private RawHttp() {}

  record Response(int status, String head, String body) {}

  /**
   * Sends a request line and headers (plus {@code Host} and {@code Connection: close}) and no body,
   * then reads the answer until the server closes the connection.
   */
  static Response headersOnly(int port, String requestLine, String... headers) {
    return exchange(port, null, requestLine, headers);
  }

  /**
   * Sends a request with {@code body} written by another thread (write errors ignored: the server
   * may answer and close before it has read the body, as it should for a body over the limit), and
   * reads the answer.
   */
  static Response exchange(int port, byte[] body, String requestLine, String... headers) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      StringBuilder req = new StringBuilder(requestLine).append("\r\n");
      req.append("Host: 127.0.0.1:").append(port).append("\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (body != null) {
        Thread writer =
            new Thread(
                () -> {
                  try {
                    out.write(body);
                    out.flush();
                  } catch (IOException ignored) {
                    // The server closed the connection after answering.
                  }
                });
        writer.setDaemon(true);
        writer.start();
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      String text = "";
      for (int n; (n = in.read(buf)) > 0; ) {
        got.write(buf, 0, n);
        text = got.toString(StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd > 0 && complete(text, headEnd)) {
          break;
        }
      }
      int headEnd = text.indexOf("\r\n\r\n");
      String head = headEnd < 0 ? text : text.substring(0, headEnd);
      String content = headEnd < 0 ? "" : text.substring(headEnd + 4);
      int status = Integer.parseInt(head.substring(9, 12));
      return new Response(status, head, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code body} in HTTP/1.1 chunked transfer coding, 64 KB a chunk. */
  static byte[] chunked(byte[] body) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length + 1024);
    for (int at = 0; at < body.length; at += 65536) {
      int n = Math.min(65536, body.length - at);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, at, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  // Whether the whole body announced by Content-Length has arrived (the server may keep the
  // connection open).
  private static boolean complete(String text, int headEnd) {
    for (String line : text.substring(0, headEnd).split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        int n = Integer.parseInt(line.substring(15).trim());
        return text.length() - headEnd - 4 >= n;
      }
    }
    return false;
  }
}
