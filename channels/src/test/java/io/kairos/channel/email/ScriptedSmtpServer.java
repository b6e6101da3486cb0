package io.kairos.channel.email;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small SMTP server on loopback that speaks enough of RFC 5321 (greeting, EHLO, STARTTLS, MAIL,
 * RCPT, DATA, ".", RSET, NOOP, QUIT) and misbehaves on command: any step can get another reply, no
 * reply at all, or a closed connection, on every connection or on one of them.
 */
final class ScriptedSmtpServer implements AutoCloseable {

  /** A point in the conversation where the script can step in. */
  enum Step {
    GREETING,
    EHLO,
    MAIL,
    RCPT,
    DATA,
    /** The reply to the final "." of the message data. */
    END_OF_DATA
  }

  /** What the server does at a step. */
  sealed interface Action {}

  /** Answers with this line (or lines, separated by \r\n). */
  record Reply(String text) implements Action {}

  /** Closes the connection without a word. */
  record Close() implements Action {}

  /** Says nothing and waits for the client to give up. */
  record Silent() implements Action {}

  /** A message as received: the data between DATA and ".", dots unstuffed, CRLF line ends. */
  record Received(int connection, String mailFrom, String rcptTo, byte[] data) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }

    /** The first value of a header, unfolded, or null. */
    String header(String name) {
      String[] lines = text().split("\r\n", -1);
      for (int i = 0; i < lines.length && !lines[i].isEmpty(); i++) {
        if (lines[i].regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
          StringBuilder v = new StringBuilder(lines[i].substring(name.length() + 1).strip());
          while (i + 1 < lines.length
              && (lines[i + 1].startsWith(" ") || lines[i + 1].startsWith("\t"))) {
            v.append(' ').append(lines[++i].strip());
          }
          return v.toString();
        }
      }
      return null;
    }
  }

  private final ServerSocket server;
  private final Map<Step, Action> always = new ConcurrentHashMap<>();
  private final Map<Integer, Map<Step, Action>> perConnection = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger tlsSessions = new AtomicInteger();
  private volatile SSLContext startTls;
  private volatile boolean closed;

  ScriptedSmtpServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "scripted-smtp-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Does {@code action} at {@code step} on every connection. */
  ScriptedSmtpServer on(Step step, Action action) {
    always.put(step, action);
    return this;
  }

  /** Does {@code action} at {@code step} on the n-th connection only (0 is the first). */
  ScriptedSmtpServer on(int connection, Step step, Action action) {
    perConnection.computeIfAbsent(connection, k -> new ConcurrentHashMap<>()).put(step, action);
    return this;
  }

  /** Offers STARTTLS with this server-side context. */
  ScriptedSmtpServer offerStartTls(SSLContext context) {
    this.startTls = context;
    return this;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** Every command line received, in order ("EHLO x", "MAIL FROM:<a@b>", ...). */
  List<String> commands() {
    return List.copyOf(commands);
  }

  int connections() {
    return connections.get();
  }

  int tlsSessions() {
    return tlsSessions.get();
  }

  static Reply reply(String text) {
    return new Reply(text);
  }

  static Close hangUp() {
    return new Close();
  }

  static Silent silent() {
    return new Silent();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        int n = connections.getAndIncrement();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s, n), "scripted-smtp-" + n);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private Action action(int connection, Step step, String normal) {
    Map<Step, Action> mine = perConnection.get(connection);
    if (mine != null && mine.containsKey(step)) {
      return mine.get(step);
    }
    return always.getOrDefault(step, new Reply(normal));
  }

  private void serve(Socket socket, int n) {
    try (socket) {
      Conversation c = new Conversation(socket);
      if (!c.act(action(n, Step.GREETING, "220 scripted.test ESMTP ready"))) {
        return;
      }
      String mailFrom = null;
      String rcptTo = null;
      String line;
      while ((line = c.readLine()) != null) {
        commands.add(line);
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
        switch (verb) {
          case "EHLO" -> {
            String ehlo = "250-scripted.test\r\n250-PIPELINING\r\n";
            if (startTls != null && !(c.socket instanceof SSLSocket)) {
              ehlo += "250-STARTTLS\r\n";
            }
            if (!c.act(action(n, Step.EHLO, ehlo + "250 8BITMIME"))) {
              return;
            }
          }
          case "HELO" -> c.write("250 scripted.test");
          case "STAR" -> {
            if (startTls == null) {
              c.write("502 5.5.1 not offered");
              continue;
            }
            c.write("220 2.0.0 go ahead");
            SSLSocket tls =
                (SSLSocket)
                    startTls
                        .getSocketFactory()
                        .createSocket(socket, socket.getInetAddress().getHostAddress(), 0, true);
            tls.setUseClientMode(false);
            tls.startHandshake();
            tlsSessions.incrementAndGet();
            c = new Conversation(tls);
          }
          case "MAIL" -> {
            mailFrom = line.substring(line.indexOf(':') + 1).strip();
            if (!c.act(action(n, Step.MAIL, "250 2.1.0 Ok"))) {
              return;
            }
          }
          case "RCPT" -> {
            rcptTo = line.substring(line.indexOf(':') + 1).strip();
            if (!c.act(action(n, Step.RCPT, "250 2.1.5 Ok"))) {
              return;
            }
          }
          case "DATA" -> {
            Action a = action(n, Step.DATA, "354 End data with <CR><LF>.<CR><LF>");
            if (!c.act(a)) {
              return;
            }
            if (a instanceof Reply r && !r.text().startsWith("354")) {
              continue;
            }
            byte[] data = c.readData();
            if (data == null) {
              return;
            }
            received.add(new Received(n, mailFrom, rcptTo, data));
            if (!c.act(action(n, Step.END_OF_DATA, "250 2.0.0 Ok: queued as Q" + n))) {
              return;
            }
          }
          case "RSET", "NOOP" -> c.write("250 2.0.0 Ok");
          case "QUIT" -> {
            c.write("221 2.0.0 Bye");
            return;
          }
          default -> c.write("500 5.5.2 unknown command");
        }
      }
    } catch (IOException e) {
      // the client went away: nothing to record
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** One connection's reading and writing, in bytes (ISO-8859-1 would lose nothing either). */
  private static final class Conversation {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Conversation(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    /** Carries out the action; false when the conversation is over. */
    boolean act(Action action) throws IOException {
      if (action instanceof Reply r) {
        write(r.text());
        return true;
      }
      if (action instanceof Close) {
        socket.close();
        return false;
      }
      // Silent: wait without answering until the client closes (read gives -1) or resets.
      try {
        while (in.read() >= 0) {
          // discard
        }
      } catch (SocketException e) {
        // reset by the client
      }
      return false;
    }

    void write(String text) throws IOException {
      out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    String readLine() throws IOException {
      byte[] line = readLineBytes();
      return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    /** The data up to the lone ".", or null when the connection ended first. */
    byte[] readData() throws IOException {
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      byte[] line;
      while ((line = readLineBytes()) != null) {
        if (line.length == 1 && line[0] == '.') {
          return data.toByteArray();
        }
        int from = line.length > 0 && line[0] == '.' ? 1 : 0; // RFC 5321 4.5.2 transparency
        data.write(line, from, line.length - from);
        data.write('\r');
        data.write('\n');
      }
      return null;
    }

    private byte[] readLineBytes() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream(128);
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          boolean cr = bytes.length > 0 && bytes[bytes.length - 1] == '\r';
          return cr ? Arrays.copyOf(bytes, bytes.length - 1) : bytes;
        }
        line.write(b);
      }
      return null;
    }
  }

  static List<String> headerNames(Received r) {
    List<String> names = new ArrayList<>();
    for (String l : r.text().split("\r\n")) {
      if (l.isEmpty()) {
        break;
      }
      if (!l.startsWith(" ") && !l.startsWith("\t") && l.indexOf(':') > 0) {
        names.add(l.substring(0, l.indexOf(':')));
      }
    }
    return names;
  }
}
