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
 * everything the writer needs to store it later (no second parse of the body), and how they were
 * routed: the seqs their rows took, each event's profile and merges, and the identities the record
 * changes. So the store gets, after a crash too, the very rows the partitions applied from memory.
 * Strings are UTF-8 with an int length, -1 for null; a version byte leads. Version 1 (before the
 * routes were logged) is still read: its records are routed when they are stored.
 */
final class LoggedMessages {
  private static final byte UNROUTED = 1;
  private static final byte VERSION = 2;

  private LoggedMessages() {}

  /**
   * A decoded record.
   *
   * @param routed its routing (version 2), or null for a version 1 record, routed when stored
   */
  record Decoded(List<Accepted> items, Routing routed) {}

  /** How a record was routed, as logged. */
  record Routing(long after, List<IdentityRouter.Route> routes, List<Sequencer.Change> changes) {}

  static byte[] encode(List<Accepted> items, Sequencer.Record routed) {
    int size = 32;
    for (Accepted a : items) {
      size += 96 + a.body().length;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(routed.after());
      out.writeInt(items.size());
      for (int i = 0; i < items.size(); i++) {
        Accepted a = items.get(i);
        item(out, a);
        IdentityRouter.Route route = routed.routes().get(i);
        string(out, route.profile());
        out.writeInt(route.merged().size());
        for (String m : route.merged()) {
          string(out, m);
        }
      }
      out.writeInt(routed.changes().size());
      for (Sequencer.Change c : routed.changes()) {
        string(out, c.key().workspace());
        out.writeBoolean(c.key().user());
        string(out, c.key().value());
        string(out, c.entry().profile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalStateException when the payload is not one this version or the one before wrote
   */
  static Decoded decode(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
      byte version = in.readByte();
      if (version != VERSION && version != UNROUTED) {
        throw new IllegalStateException("ingest log record of unknown version " + version);
      }
      long after = version == VERSION ? in.readLong() : 0;
      int n = in.readInt();
      List<Accepted> items = new ArrayList<>(n);
      List<IdentityRouter.Route> routes = new ArrayList<>(n);
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
        if (version == VERSION) {
          String profile = string(in);
          int merges = in.readInt();
          List<String> merged = new ArrayList<>(merges);
          for (int m = 0; m < merges; m++) {
            merged.add(string(in));
          }
          routes.add(new IdentityRouter.Route(profile, List.copyOf(merged)));
        }
      }
      if (version == UNROUTED) {
        return new Decoded(items, null);
      }
      int changes = in.readInt();
      List<Sequencer.Change> changed = new ArrayList<>(changes);
      for (int i = 0; i < changes; i++) {
        String workspace = string(in);
        boolean user = in.readBoolean();
        String value = string(in);
        String profile = string(in);
        changed.add(
            new Sequencer.Change(
                new IdentityRouter.Key(workspace, user, value),
                new Sequencer.Unstored(profile, 0)));
      }
      return new Decoded(items, new Routing(after, routes, changed));
    } catch (IOException e) {
      throw new IllegalStateException("ingest log record cut short: " + e.getMessage(), e);
    }
  }

  /** A version 1 payload, as the server wrote before routes were logged: for upgrade tests. */
  static byte[] encodeUnrouted(List<Accepted> items) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(UNROUTED);
      out.writeInt(items.size());
      for (Accepted a : items) {
        item(out, a);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void item(DataOutputStream out, Accepted a) throws IOException {
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
