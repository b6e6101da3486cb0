package io.kairos.server.ingest;

import io.kairos.event.EventType;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of one {@link IngestLog} record: the accepted messages of one request, each with
 * everything the writer needs to store it later (no second parse of the body). Strings are UTF-8
 * with an int length, -1 for null; a version byte leads so the format can change.
 */
final class LoggedMessages {
  private static final byte VERSION = 1;

  private LoggedMessages() {}

  static byte[] encode(List<Accepted> items) {
    int size = 8;
    for (Accepted a : items) {
      size += 64 + a.body().length;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(items.size());
      for (Accepted a : items) {
        string(out, a.workspace());
        string(out, a.messageId());
        string(out, a.type().wireName());
        string(out, a.name());
        string(out, a.userId());
        string(out, a.anonymousId());
        string(out, a.previousId());
        out.writeLong(a.timestamp());
        out.writeLong(a.receivedAt());
        out.writeInt(a.body().length);
        out.write(a.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalStateException when the payload is not one this version wrote
   */
  static List<Accepted> decode(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IllegalStateException("ingest log record of unknown version " + version);
      }
      int n = in.readInt();
      List<Accepted> items = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String workspace = string(in);
        String messageId = string(in);
        EventType type = EventType.fromWire(string(in));
        String name = string(in);
        String userId = string(in);
        String anonymousId = string(in);
        String previousId = string(in);
        long timestamp = in.readLong();
        long receivedAt = in.readLong();
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        items.add(
            new Accepted(
                workspace,
                messageId,
                type,
                name,
                userId,
                anonymousId,
                previousId,
                timestamp,
                receivedAt,
                body));
      }
      return items;
    } catch (IOException e) {
      throw new IllegalStateException("ingest log record cut short: " + e.getMessage(), e);
    }
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String string(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
