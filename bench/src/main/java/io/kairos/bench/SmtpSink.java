package io.kairos.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback SMTP server that speaks the protocol a client needs (EHLO, MAIL, RCPT, DATA with
 * dot-stuffing, RSET, NOOP, QUIT) and throws each message away once its final dot arrives. It
 * measures the sender: GreenMail parses and stores every message, which on this 2-core machine
 * costs as much CPU as the sender it is meant to receive from.
 */
final class SmtpSink implements AutoCloseable {
  private final ServerSocket socket;
  private final ExecutorService connections = Executors.newCachedThreadPool(r -> daemon(r));
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  SmtpSink() throws IOException {
    socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "smtp-sink-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Messages accepted (250 after the final dot). */
  long received() {
    return received.get();
  }

  /** Bytes of message data accepted. */
  long bytes() {
    return bytes.get();
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "smtp-sink");
    t.setDaemon(true);
    return t;
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        connections.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s;
        InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
        OutputStream out = s.getOutputStream()) {
      s.setTcpNoDelay(true);
      reply(out, "220 sink ESMTP");
      byte[] line = new byte[1 << 16];
      while (true) {
        int n = readLine(in, line);
        if (n < 0) {
          return;
        }
        String cmd = new String(line, 0, Math.min(n, 4), StandardCharsets.US_ASCII).toUpperCase();
        switch (cmd) {
          case "EHLO" -> reply(out, "250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8");
          case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 OK");
          case "DATA" -> {
            reply(out, "354 go ahead");
            long size = 0;
            while (true) {
              int m = readLine(in, line);
              if (m < 0) {
                return;
              }
              if (m == 1 && line[0] == '.') {
                break;
              }
              size += m + 2;
            }
            bytes.addAndGet(size);
            received.incrementAndGet();
            reply(out, "250 OK queued");
          }
          case "QUIT" -> {
            reply(out, "221 bye");
            return;
          }
          default -> reply(out, "502 not implemented");
        }
      }
    } catch (IOException e) {
      // The client went away.
    }
  }

  /** Reads one CRLF-terminated line into {@code buf} (cut at its size); -1 at end of stream. */
  private static int readLine(InputStream in, byte[] buf) throws IOException {
    int n = 0;
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return n == 0 ? -1 : n;
      }
      if (b == '\n' && prev == '\r') {
        return n - 1;
      }
      if (n < buf.length) {
        buf[n++] = (byte) b;
      }
      prev = b;
    }
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    connections.shutdownNow();
  }
}
