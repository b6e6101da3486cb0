package io.kairos.server.profiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kairos.server.http.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page cursors: a JSON array (a tag naming the list, then the position of the last item
 * shown) in unpadded base64url. Clients pass them back unchanged; the tag keeps a cursor of one
 * list from being taken by another.
 */
public final class Cursor {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A decoded position: the values after the tag, as JSON nodes. */
  public record Position(JsonNode values) {
    public String text(int i) {
      return values.get(i).asText();
    }

    public long number(int i) {
      return values.get(i).asLong();
    }
  }

  private Cursor() {}

  /** A cursor of list {@code tag} at {@code values} (strings and longs). */
  public static String encode(String tag, Object... values) {
    ArrayNode a = JSON.createArrayNode();
    a.add(tag);
    for (Object v : values) {
      if (v instanceof Long l) {
        a.add(l);
      } else if (v instanceof Integer i) {
        a.add(i);
      } else {
        a.add(String.valueOf(v));
      }
    }
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(a));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a cursor of list {@code tag} whose values are {@code kinds} ('s' a string, 'n' a whole
   * number).
   *
   * @throws ProblemException 400 naming {@code param} when it is not such a cursor
   */
  public static Position decode(String text, String tag, String kinds, String param) {
    JsonNode a;
    try {
      a = JSON.readTree(Base64.getUrlDecoder().decode(text.getBytes(StandardCharsets.US_ASCII)));
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw bad(param);
    }
    if (a == null
        || !a.isArray()
        || a.size() != kinds.length() + 1
        || !tag.equals(a.get(0).textValue())) {
      throw bad(param);
    }
    ArrayNode values = JSON.createArrayNode();
    for (int i = 0; i < kinds.length(); i++) {
      JsonNode v = a.get(i + 1);
      boolean ok =
          kinds.charAt(i) == 's' ? v.isTextual() : v.isIntegralNumber() && v.canConvertToLong();
      if (!ok) {
        throw bad(param);
      }
      values.add(v);
    }
    return new Position(values);
  }

  private static ProblemException bad(String param) {
    return ProblemException.badField(
        param, "not a cursor of this list: pass the value of `next` from the previous page");
  }
}
