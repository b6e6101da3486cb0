package io.kairos.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.LoopbackServer;
import io.kairos.channel.http.RawServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Endpoints that hang, drop the connection, refuse it or answer far too much, on raw sockets. */
@Timeout(30)
class WebhookMisbehaviourTest {

  /**
   * Loads the HTTP client's classes once: on a cold JVM the first request alone can take longer
   * than the 300 ms timeouts below, and would time out before the request was written.
   */
  @BeforeAll
  static void warmUp() throws Exception {
    try (LoopbackServer server = LoopbackServer.start(r -> LoopbackServer.Reply.of(204));
        WebhookChannel channel = channel(Duration.ofSeconds(5), Duration.ofSeconds(10))) {
      assertThat(channel.send(to(server.url("/warm-up")))).isInstanceOf(Outcome.Sent.class);
    }
  }

  static WebhookChannel channel(Duration connect, Duration request) {
    return new WebhookChannel(
        WebhookSettings.defaults(WebhookSignatureTest.SECRET)
            .withAllowList(List.of("127.0.0.0/8"))
            .withConnectTimeout(connect)
            .withRequestTimeout(request));
  }

  static Delivery to(String url) {
    return new Delivery("msg_1", "w", "p", 1, new Content.Webhook(url, "POST", Map.of(), "{}"));
  }

  @Test
  void aHangingEndpointTimesOutAsAmbiguous() throws Exception {
    try (RawServer server =
            RawServer.start(
                s -> {
                  RawServer.readRequest(s);
                  // Never answers; waits until the client gives up and closes the connection.
                  return s.getInputStream().read();
                });
        WebhookChannel channel = channel(Duration.ofSeconds(2), Duration.ofMillis(300))) {
      Outcome o = channel.send(to(server.url("/slow")));

      assertThat(o).isInstanceOf(Outcome.Ambiguous.class);
      assertThat(o.detail()).contains("within 300 ms");
      assertThat(server.done().get(10, TimeUnit.SECONDS)).isEqualTo(-1); // the client hung up
    }
  }

  @Test
  void aBodyThatStallsAfterTheHeadTimesOutAsAmbiguous() throws Exception {
    try (RawServer server =
            RawServer.start(
                s -> {
                  RawServer.readRequest(s);
                  OutputStream out = s.getOutputStream();
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  return s.getInputStream().read(); // the rest never comes
                });
        WebhookChannel channel = channel(Duration.ofSeconds(2), Duration.ofMillis(300))) {
      Outcome o = channel.send(to(server.url("/stall")));

      assertThat(o).isInstanceOf(Outcome.Ambiguous.class);
      assertThat(o.detail()).contains("within 300 ms");
      assertThat(server.done().get(10, TimeUnit.SECONDS)).isEqualTo(-1);
    }
  }

  @Test
  void aConnectionDroppedAfterTheRequestIsAmbiguous() throws Exception {
    try (RawServer server =
            RawServer.start(
                s -> {
                  String request = RawServer.readRequest(s);
                  s.setSoLinger(true, 0); // close with a reset
                  return request;
                });
        WebhookChannel channel = channel(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
      Outcome o = channel.send(to(server.url("/drop")));

      assertThat(o).isInstanceOf(Outcome.Ambiguous.class);
      assertThat(o.detail()).contains("lost after the request was sent");
      assertThat((String) server.done().get(10, TimeUnit.SECONDS)).contains("webhook-id: msg_1");
    }
  }

  @Test
  void aRefusedConnectionIsRetried() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (WebhookChannel channel = channel(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
      Outcome o = channel.send(to("http://127.0.0.1:" + port + "/"));

      assertThat(o).isInstanceOf(Outcome.Retry.class);
      assertThat(o.detail()).startsWith("could not connect to 127.0.0.1:" + port);
    }
  }

  @Test
  void aConnectTimeoutIsRetried() throws Exception {
    // A listener that never accepts: once its backlog is full the kernel drops further SYNs.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> queued = new ArrayList<>();
      try {
        fill(full, queued);
        try (WebhookChannel channel = channel(Duration.ofMillis(200), Duration.ofSeconds(5))) {
          Outcome o = channel.send(to("http://127.0.0.1:" + full.getLocalPort() + "/"));

          assertThat(o)
              .isEqualTo(
                  new Outcome.Retry(
                      "connecting to 127.0.0.1:" + full.getLocalPort() + " timed out", null));
        }
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  private static void fill(ServerSocket full, List<Socket> queued) throws IOException {
    for (int i = 0; i < 64; i++) {
      Socket s = new Socket();
      try {
        s.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
        queued.add(s);
      } catch (SocketTimeoutException backlogFull) {
        s.close();
        return;
      }
    }
    throw new IllegalStateException("the backlog never filled");
  }

  @Test
  void aHundredMegabyteAnswerIsCutAtTheCapAndNotRead() throws Exception {
    long hundredMb = 100L << 20;
    AtomicLong written = new AtomicLong();
    try (RawServer server =
            RawServer.start(
                s -> {
                  RawServer.readRequest(s);
                  s.setSendBufferSize(64 * 1024);
                  OutputStream out = s.getOutputStream();
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                              + hundredMb
                              + "\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  byte[] chunk = new byte[64 * 1024];
                  java.util.Arrays.fill(chunk, (byte) 'x');
                  while (written.get() < hundredMb) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                  }
                  return written.get();
                });
        WebhookChannel channel = channel(Duration.ofSeconds(2), Duration.ofSeconds(20))) {
      Outcome o = channel.send(to(server.url("/big")));
      long writtenWhenDone = written.get();

      assertThat(o).isEqualTo(new Outcome.Sent(null, "HTTP 200 (response cut at 65536 bytes)"));
      assertThat(writtenWhenDone).isLessThan(hundredMb / 4);
      // The channel closed the connection: the server's write fails instead of finishing.
      assertThatThrownBy(() -> server.done().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IOException.class);
      assertThat(written.get()).isLessThan(hundredMb);
    }
  }

  @Test
  void theRawServerReadsWhatTheChannelWrote() throws Exception {
    // Guards the helper the tests above rely on: a request head and its body, in full.
    try (RawServer server =
            RawServer.start(
                s -> {
                  String r = RawServer.readRequest(s);
                  OutputStream out = s.getOutputStream();
                  out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  return r;
                });
        WebhookChannel channel = channel(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
      assertThat(channel.send(to(server.url("/ok")))).isEqualTo(new Outcome.Sent(null, "HTTP 204"));
      assertThat((String) server.done().get(10, TimeUnit.SECONDS))
          .startsWith("POST /ok HTTP/1.1\r\n")
          .endsWith("\r\n\r\n{}");
    }
  }
}
