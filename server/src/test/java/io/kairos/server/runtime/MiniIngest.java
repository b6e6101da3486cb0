package io.kairos.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.event.Event;
import io.kairos.event.EventParser;
import io.kairos.event.EventType;
import io.kairos.time.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What ingestion writes for a timeline, for tests until it exists: each Segment message routed to
 * its profile as the simulator's {@code resolve} and {@code link} do, with a merge marker and a
 * {@code merge_from} event when an anonymous profile joins an identified one; simulator trigger
 * lines ({@code "type":"trigger"}) become trigger rows.
 */
final class MiniIngest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String workspace;
  private final EventParser parser = new EventParser();
  private final Set<String> profiles = new HashSet<>();
  private final Set<String> identified = new HashSet<>();
  private final Map<String, String> aliases = new HashMap<>();
  private int generated;

  /** Arrival delay: received_at = timestamp + delay (0: on time). */
  long receivedDelay;

  MiniIngest(String workspace) {
    this.workspace = workspace;
  }

  /** The rows for one JSON line, in log order. */
  List<InputRow> rows(String line) {
    List<InputRow> out = new ArrayList<>();
    byte[] body = line.getBytes(StandardCharsets.UTF_8);
    EventParser.Result r = parser.parse(line);
    if (!(r instanceof EventParser.Result.Parsed parsed)) {
      return trigger(line);
    }
    Event e = parsed.event();
    String profile;
    String mergeFrom = null;
    if (e.userId() != null) {
      profile = e.userId();
      profiles.add(profile);
      identified.add(profile);
      if (e.anonymousId() != null) {
        mergeFrom = link(e.anonymousId(), profile, e.timestamp(), out);
      }
      if (e.type() == EventType.ALIAS && e.previousId() != null && mergeFrom == null) {
        mergeFrom = link(e.previousId(), profile, e.timestamp(), out);
      }
    } else {
      profile = aliases.getOrDefault(e.anonymousId(), e.anonymousId());
      profiles.add(profile);
    }
    out.add(
        new InputRow(
            workspace,
            profile,
            e.messageId() != null ? e.messageId() : "gen-" + (++generated),
            e.type().name().toLowerCase(java.util.Locale.ROOT),
            e.name(),
            e.timestamp(),
            e.timestamp() + receivedDelay,
            mergeFrom,
            body));
    return out;
  }

  private String link(String other, String profile, long time, List<InputRow> out) {
    if (other.equals(profile)) {
      return null;
    }
    boolean exists = profiles.contains(other);
    String merged = null;
    if (exists && !identified.contains(other)) {
      profiles.remove(other);
      out.add(
          new InputRow(
              workspace,
              other,
              "merge-" + other + "-" + profile,
              InputRow.MERGE_OUT,
              profile,
              time,
              time + receivedDelay,
              null,
              "{}".getBytes(StandardCharsets.UTF_8)));
      merged = other;
    }
    if (!exists || !identified.contains(other)) {
      aliases.put(other, profile);
    }
    return merged;
  }

  private List<InputRow> trigger(String line) {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!"trigger".equals(n.path("type").asText())) {
      throw new IllegalArgumentException("not a message: " + line);
    }
    String user = n.get("userId").asText();
    profiles.add(user);
    long t = Timestamps.parse(n.get("timestamp").asText());
    String body =
        "{\"journey\":"
            + n.get("journey")
            + ",\"userId\":"
            + n.get("userId")
            + ",\"data\":"
            + (n.has("properties") ? n.get("properties").toString() : "{}")
            + "}";
    return List.of(
        new InputRow(
            workspace,
            user,
            "trigger-" + (++generated),
            InputRow.TRIGGER,
            n.get("journey").asText(),
            t,
            t + receivedDelay,
            null,
            body.getBytes(StandardCharsets.UTF_8)));
  }
}
