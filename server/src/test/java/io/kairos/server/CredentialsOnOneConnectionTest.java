package io.kairos.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.IssuedKey;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials are read exactly as sent, whatever came before on the connection. Jetty's parser
 * keeps a cache of the header fields a connection has sent, and by default it matches them without
 * regard to letter case: a second request whose {@code Authorization} differed from the first only
 * in case was handed the first one's value, so a token with a changed MAC was accepted. The cache
 * is made case-sensitive in {@code KairosServer}. HTTP parsing does not depend on the store, so
 * this runs on SQLite only.
 */
class CredentialsOnOneConnectionTest {
  @TempDir Path dir;

  @Test
  void aCredentialThatDiffersOnlyInLetterCaseFromTheLastOneIsRefused() throws IOException {
    try (KairosServer server =
        KairosServer.start(
            TestStores.serverConfig(StoreKind.SQLITE, dir),
            new VirtualClock(Instant.parse("2026-01-01T00:00:00Z")))) {
      IssuedKey key = server.workspaces().createKey(Workspaces.DEFAULT, Scope.READ, "test");
      String token =
          new Http(server.port())
              .postJson("/v1/inbox/tokens", key.secret(), "{\"user_id\":\"ana\"}")
              .json()
              .get("token")
              .asText();

      try (KeepAlive c = new KeepAlive(server.port())) {
        assertThat(c.get("/v1/journeys", key.secret())).isEqualTo(200);
        assertThat(c.get("/v1/journeys", flipCase(key.secret()))).isEqualTo(401);
        assertThat(c.get("/v1/journeys", key.secret())).isEqualTo(200);

        assertThat(c.get("/v1/inbox", token)).isEqualTo(200);
        // Every letter of the MAC in turn: each changes the MAC it decodes to.
        String mac = token.substring(token.lastIndexOf('.') + 1);
        String signed = token.substring(0, token.lastIndexOf('.') + 1);
        for (int i = 0; i < mac.length(); i++) {
          if (Character.isLetter(mac.charAt(i))) {
            String changed = mac.substring(0, i) + flip(mac.charAt(i)) + mac.substring(i + 1);
            assertThat(c.get("/v1/inbox", signed + changed)).as("letter %d", i).isEqualTo(401);
            assertThat(c.get("/v1/inbox", token)).isEqualTo(200);
          }
        }
      }
    }
  }

  /** The secret with the case of its last letter changed. */
  private static String flipCase(String s) {
    for (int i = s.length() - 1; i >= 0; i--) {
      if (Character.isLetter(s.charAt(i))) {
        return s.substring(0, i) + flip(s.charAt(i)) + s.substring(i + 1);
      }
    }
    throw new IllegalArgumentException("no letter in " + s);
  }

  private static char flip(char c) {
    return Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
  }

  /** Requests one after another on one HTTP/1.1 connection, as a client's connection pool does. */
  private static final class KeepAlive implements AutoCloseable {
    private final Socket socket;
    private final int port;

    KeepAlive(int port) throws IOException {
      this.port = port;
      this.socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(30_000);
    }

    /** The status of a GET with {@code Authorization: Bearer credential}; the body is consumed. */
    int get(String path, String credential) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nAuthorization: Bearer "
                  + credential
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = line(in);
      int status = Integer.parseInt(head.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          length = Long.parseLong(h.substring(15).trim());
        } else if (h.regionMatches(true, 0, "Transfer-Encoding:", 0, 18)) {
          chunked = h.toLowerCase(java.util.Locale.ROOT).contains("chunked");
        } else if (h.regionMatches(true, 0, "Connection:", 0, 11) && h.contains("close")) {
          throw new AssertionError("the server closed the connection after " + head);
        }
      }
      if (chunked) {
        for (long n; (n = Long.parseLong(line(in).trim(), 16)) > 0; ) {
          in.readNBytes((int) n);
          line(in);
        }
        line(in); // the empty trailer
      } else if (length > 0) {
        in.readNBytes((int) length);
      }
      return status;
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("the connection closed mid-response");
        }
        if (c != '\r') {
          b.write(c);
        }
      }
      return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
