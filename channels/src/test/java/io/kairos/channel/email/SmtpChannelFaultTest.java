package io.kairos.channel.email;

import static io.kairos.channel.email.ScriptedSmtpServer.Step.DATA;
import static io.kairos.channel.email.ScriptedSmtpServer.Step.END_OF_DATA;
import static io.kairos.channel.email.ScriptedSmtpServer.Step.GREETING;
import static io.kairos.channel.email.ScriptedSmtpServer.Step.MAIL;
import static io.kairos.channel.email.ScriptedSmtpServer.Step.RCPT;
import static io.kairos.channel.email.ScriptedSmtpServer.hangUp;
import static io.kairos.channel.email.ScriptedSmtpServer.reply;
import static io.kairos.channel.email.ScriptedSmtpServer.silent;
import static io.kairos.channel.email.TestEmails.delivery;
import static io.kairos.channel.email.TestEmails.email;
import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.channel.Content;
import io.kairos.channel.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every SMTP answer and failure against a scripted server on loopback, and what the channel makes
 * of it. Timeouts are 200 ms so a test that waits for one ends quickly.
 */
class SmtpChannelFaultTest {
  private static final Duration SHORT = Duration.ofMillis(200);

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private ScriptedSmtpServer server() throws IOException {
    ScriptedSmtpServer s = new ScriptedSmtpServer();
    closeables.add(s);
    return s;
  }

  private SmtpChannel channel(int port) {
    return channel(port, 1);
  }

  private SmtpChannel channel(int port, int poolSize) {
    SmtpChannel c =
        new SmtpChannel(
            SmtpSettings.builder("127.0.0.1", "mail.kairos.test")
                .port(port)
                .security(SmtpSettings.Security.NONE)
                .connectTimeout(SHORT)
                .readTimeout(SHORT)
                .writeTimeout(Duration.ofSeconds(2))
                .poolSize(poolSize)
                .build());
    closeables.add(c);
    return c;
  }

  @Test
  void acceptedMessageIsSentWithTheQueueIdOfTheFinalReply() throws Exception {
    ScriptedSmtpServer server = server().on(END_OF_DATA, reply("250 2.0.0 Ok: queued as 4F2A1B"));
    Outcome outcome = channel(server.port()).send(delivery("m1", email("ann@example.com")));

    assertThat(outcome).isInstanceOf(Outcome.Sent.class);
    assertThat(((Outcome.Sent) outcome).providerId()).isEqualTo("4F2A1B");
    assertThat(outcome.detail()).contains("250 2.0.0 Ok: queued as 4F2A1B");
    assertThat(server.received()).hasSize(1);
    ScriptedSmtpServer.Received r = server.received().get(0);
    assertThat(r.mailFrom()).isEqualTo("<news@shop.example>");
    assertThat(r.rcptTo()).isEqualTo("<ann@example.com>");
    assertThat(r.header("Message-ID")).isEqualTo("<m1@mail.kairos.test>");
    assertThat(server.commands()).first().asString().isEqualTo("EHLO mail.kairos.test");
  }

  @Test
  void nothingListeningIsRetry() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Outcome outcome = channel(port).send(delivery("m1", email("ann@example.com")));
    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).contains("127.0.0.1:" + port).contains("connection refused");
  }

  @Test
  void connectTimeoutIsRetry() throws Exception {
    // A listener that never accepts, its backlog filled: Linux drops further SYNs, so a connect
    // waits until its timeout.
    ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    closeables.add(full);
    boolean filled = false;
    for (int i = 0; i < 16 && !filled; i++) {
      Socket s = new Socket();
      closeables.add(s);
      try {
        s.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
      } catch (SocketTimeoutException e) {
        filled = true;
      }
    }
    assertThat(filled).as("the listen backlog filled up").isTrue();

    Outcome outcome = channel(full.getLocalPort()).send(delivery("m1", email("ann@example.com")));
    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).contains("connect timed out after 200 ms");
  }

  @Test
  void greetingSlowerThanTheReadTimeoutIsRetry() throws Exception {
    ScriptedSmtpServer server = server().on(GREETING, silent());
    Outcome outcome = channel(server.port()).send(delivery("m1", email("ann@example.com")));
    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).contains("no reply within 200 ms while connecting");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void temporaryRefusalOfTheRecipientIsRetry() throws Exception {
    ScriptedSmtpServer server = server().on(RCPT, reply("451 4.7.1 greylisted, try later"));
    Outcome outcome = channel(server.port()).send(delivery("m1", email("ann@example.com")));
    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).contains("451 4.7.1 greylisted").contains("RCPT TO");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void permanentRefusalOfTheRecipientIsBounced() throws Exception {
    ScriptedSmtpServer server = server().on(RCPT, reply("550 5.1.1 no such user"));
    Outcome outcome = channel(server.port()).send(delivery("m1", email("nobody@example.com")));
    assertThat(outcome).isInstanceOf(Outcome.Bounced.class);
    assertThat(outcome.detail()).contains("550 5.1.1 no such user").contains("RCPT TO");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void refusalsOfTheSenderAndOfDataAreRetryWhenTemporaryAndFailedWhenPermanent() throws Exception {
    Map<ScriptedSmtpServer.Step, String> replies =
        Map.of(MAIL, "451 4.3.0 try later", DATA, "452 4.3.1 out of space");
    for (var e : replies.entrySet()) {
      ScriptedSmtpServer server = server().on(e.getKey(), reply(e.getValue()));
      Outcome outcome = channel(server.port()).send(delivery("m1", email("ann@example.com")));
      assertThat(outcome).as(e.getValue()).isInstanceOf(Outcome.Retry.class);
      assertThat(outcome.detail()).contains(e.getValue());
    }
    Map<ScriptedSmtpServer.Step, String> permanent =
        Map.of(MAIL, "550 5.7.1 sender not allowed", DATA, "554 5.5.1 no valid recipients");
    for (var e : permanent.entrySet()) {
      ScriptedSmtpServer server = server().on(e.getKey(), reply(e.getValue()));
      Outcome outcome = channel(server.port()).send(delivery("m1", email("ann@example.com")));
      assertThat(outcome).as(e.getValue()).isInstanceOf(Outcome.Failed.class);
      assertThat(outcome.detail()).contains(e.getValue());
      assertThat(server.received()).isEmpty();
    }
  }

  @Test
  void permanentRefusalOfTheContentIsFailed() throws Exception {
    ScriptedSmtpServer server =
        server().on(END_OF_DATA, reply("554 5.7.1 message content rejected"));
    Outcome outcome = channel(server.port()).send(delivery("m1", email("ann@example.com")));
    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    assertThat(outcome.detail())
        .contains("554 5.7.1 message content rejected")
        .contains("after the message data");
  }

  @Test
  void temporaryRefusalOfTheContentIsRetry() throws Exception {
    ScriptedSmtpServer server = server().on(END_OF_DATA, reply("451 4.3.0 local error"));
    Outcome outcome = channel(server.port()).send(delivery("m1", email("ann@example.com")));
    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).contains("451 4.3.0 local error");
  }

  @Test
  void connectionClosedAfterTheDataIsAmbiguousAndTheRetryCarriesTheSameMessageId()
      throws Exception {
    ScriptedSmtpServer server = server().on(0, END_OF_DATA, hangUp());
    SmtpChannel channel = channel(server.port());

    Outcome first = channel.send(delivery("m-42", 1, email("ann@example.com")));
    assertThat(first).isInstanceOf(Outcome.Ambiguous.class);
    assertThat(first.detail()).contains("no reply after the message data");

    Outcome second = channel.send(delivery("m-42", 2, email("ann@example.com")));
    assertThat(second).isInstanceOf(Outcome.Sent.class);

    // Both copies reached the server: at most one duplicate, and it carries the same id.
    assertThat(server.received()).hasSize(2);
    assertThat(server.received())
        .extracting(r -> r.header("Message-ID"))
        .containsOnly("<m-42@mail.kairos.test>");
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void noReplyAfterTheDataWithinTheReadTimeoutIsAmbiguous() throws Exception {
    ScriptedSmtpServer server = server().on(0, END_OF_DATA, silent());
    SmtpChannel channel = channel(server.port());
    Outcome outcome = channel.send(delivery("m1", email("ann@example.com")));
    assertThat(outcome).isInstanceOf(Outcome.Ambiguous.class);
    assertThat(outcome.detail()).contains("read timed out");
    // The timed-out connection is not used again.
    assertThat(channel.send(delivery("m2", email("ann@example.com"))))
        .isInstanceOf(Outcome.Sent.class);
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void connectionLostBeforeTheDataOnAFreshConnectionIsRetry() throws Exception {
    ScriptedSmtpServer server = server().on(RCPT, hangUp());
    Outcome outcome = channel(server.port()).send(delivery("m1", email("ann@example.com")));
    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).contains("connection lost at RCPT TO");
  }

  @Test
  void connectionsAreReusedAcrossMessages() throws Exception {
    ScriptedSmtpServer server = server();
    SmtpChannel channel = channel(server.port(), 2);
    for (int i = 0; i < 50; i++) {
      assertThat(channel.send(delivery("m" + i, email("ann@example.com"))))
          .isInstanceOf(Outcome.Sent.class);
    }
    assertThat(server.received()).hasSize(50);
    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.commands()).filteredOn(c -> c.startsWith("EHLO")).hasSize(1);
  }

  @Test
  void aConnectionTheServerDroppedIsReplacedWithoutFailingTheMessage() throws Exception {
    // The first connection takes one message, then goes dead at the next MAIL FROM (as a server
    // that timed out an idle client does).
    ScriptedSmtpServer server = server();
    SmtpChannel channel = channel(server.port());
    assertThat(channel.send(delivery("m1", email("ann@example.com"))))
        .isInstanceOf(Outcome.Sent.class);
    server.on(0, MAIL, hangUp());

    Outcome outcome = channel.send(delivery("m2", email("ann@example.com")));
    assertThat(outcome).isInstanceOf(Outcome.Sent.class);
    assertThat(server.connections()).isEqualTo(2);
    assertThat(server.received())
        .extracting(r -> r.header("Message-ID"))
        .containsExactly("<m1@mail.kairos.test>", "<m2@mail.kairos.test>");
  }

  @Test
  void aBouncedRecipientLeavesTheConnectionUsable() throws Exception {
    ScriptedSmtpServer server = server().on(RCPT, reply("550 5.1.1 no such user"));
    SmtpChannel channel = channel(server.port());
    assertThat(channel.send(delivery("m1", email("nobody@example.com"))))
        .isInstanceOf(Outcome.Bounced.class);
    assertThat(channel.send(delivery("m2", email("nobody@example.com"))))
        .isInstanceOf(Outcome.Bounced.class);
    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.commands()).contains("RSET");
  }

  @Test
  void invalidAddressesFailWithoutConnecting() throws Exception {
    ScriptedSmtpServer server = server();
    SmtpChannel channel = channel(server.port());
    Content.Email base = email("ann@example.com");

    Outcome badTo = channel.send(delivery("m1", email("not an address")));
    Outcome twoTo = channel.send(delivery("m2", email("a@example.com, b@example.com")));
    Outcome badFrom =
        channel.send(
            delivery(
                "m3",
                new Content.Email(
                    "Shop <news@@shop>",
                    null,
                    "ann@example.com",
                    "s",
                    null,
                    null,
                    "t",
                    null,
                    null,
                    Map.of())));
    Outcome injected =
        channel.send(
            delivery(
                "m4",
                new Content.Email(
                    base.from(),
                    null,
                    "ann@example.com\r\nBcc: x@example.com",
                    "s",
                    null,
                    null,
                    "t",
                    null,
                    null,
                    Map.of())));

    assertThat(badTo).isInstanceOf(Outcome.Failed.class);
    assertThat(badTo.detail()).startsWith("to:");
    assertThat(twoTo).isInstanceOf(Outcome.Failed.class);
    assertThat(twoTo.detail()).contains("exactly one address");
    assertThat(badFrom).isInstanceOf(Outcome.Failed.class);
    assertThat(badFrom.detail()).startsWith("from:");
    assertThat(injected).isInstanceOf(Outcome.Failed.class);
    assertThat(injected.detail()).contains("line breaks");
    assertThat(server.connections()).isZero();
  }

  @Test
  void startTlsUpgradesTheConnectionBeforeMailFrom() throws Exception {
    ScriptedSmtpServer server = server().offerStartTls(TestTls.serverContext());
    SmtpChannel channel =
        new SmtpChannel(
            SmtpSettings.builder("127.0.0.1", "mail.kairos.test")
                .port(server.port())
                .security(SmtpSettings.Security.STARTTLS)
                .readTimeout(Duration.ofSeconds(5))
                .build(),
            java.time.Clock.systemUTC(),
            TestTls.trustingGreenMail());
    closeables.add(channel);

    Outcome outcome = channel.send(delivery("m1", email("ann@example.com")));

    assertThat(outcome).isInstanceOf(Outcome.Sent.class);
    assertThat(server.tlsSessions()).isEqualTo(1);
    assertThat(server.commands())
        .startsWith("EHLO mail.kairos.test", "STARTTLS", "EHLO mail.kairos.test");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void startTlsIsRequiredWhenChosen() throws Exception {
    ScriptedSmtpServer server = server(); // offers no STARTTLS
    SmtpChannel channel =
        new SmtpChannel(
            SmtpSettings.builder("127.0.0.1", "mail.kairos.test")
                .port(server.port())
                .readTimeout(Duration.ofSeconds(5))
                .build(),
            java.time.Clock.systemUTC(),
            TestTls.trustingGreenMail());
    closeables.add(channel);

    Outcome outcome = channel.send(delivery("m1", email("ann@example.com")));

    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).contains("STARTTLS");
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
    assertThat(server.received()).isEmpty();
  }
}
