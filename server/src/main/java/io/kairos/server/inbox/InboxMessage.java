package io.kairos.server.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message in a profile's inbox, as stored.
 *
 * @param profile the profile it went to
 * @param data the journey's data for the app, a JSON object as text
 * @param createdAt when it arrived in the inbox (epoch ms)
 * @param readAt when it was read, or null
 * @param archivedAt when it was archived, or null
 * @param seq its last change: the id of the stream event that told of it
 * @param firstSeq the seq of its arrival
 */
record InboxMessage(
    String workspace,
    String messageId,
    String profile,
    String journey,
    String template,
    String category,
    String topic,
    String title,
    String body,
    String url,
    String imageUrl,
    String data,
    long createdAt,
    Long readAt,
    Long archivedAt,
    long seq,
    long firstSeq) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** This message with another state, changed as change {@code newSeq}. */
  InboxMessage with(Long newReadAt, Long newArchivedAt, long newSeq) {
    return new InboxMessage(
        workspace,
        messageId,
        profile,
        journey,
        template,
        category,
        topic,
        title,
        body,
        url,
        imageUrl,
        data,
        createdAt,
        newReadAt,
        newArchivedAt,
        newSeq,
        firstSeq);
  }

  /** The message as the API shows it. */
  Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", messageId);
    m.put("title", title);
    m.put("body", body);
    m.put("url", url);
    m.put("image_url", imageUrl);
    try {
      m.put("data", JSON.readTree(data));
    } catch (JsonProcessingException e) {
      m.put("data", Map.of());
    }
    m.put("category", category);
    m.put("topic", topic);
    m.put("journey", journey);
    m.put("template", template);
    m.put("created_at", time(createdAt));
    m.put("read", readAt != null);
    m.put("read_at", readAt == null ? null : time(readAt));
    m.put("archived", archivedAt != null);
    m.put("archived_at", archivedAt == null ? null : time(archivedAt));
    m.put("event_id", Long.toString(seq));
    return m;
  }

  private static String time(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
