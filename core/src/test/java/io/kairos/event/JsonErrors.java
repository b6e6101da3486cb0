package io.kairos.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.util.regex.Pattern;

/**
 * Turns Jackson's errors into the short reasons a sender can act on. Jackson's messages name
 * internal classes and repeat the location; senders need what is wrong and where.
 */
final class JsonErrors {

  private static final Pattern QUOTED_CHAR = Pattern.compile("\\('(.{1,2})' \\(code \\d+\\)\\)");
  private static final Pattern CTRL_CHAR =
      Pattern.compile("Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*");
  private static final Pattern LIMIT_SOURCE = Pattern.compile(", from `[^`]*`");
  private static final Pattern ANY_VALUE = Pattern.compile("\\(JSON String, Number.*\\)");
  private static final Pattern START_MARKER = Pattern.compile(" \\(start marker at .*\\)$");
  // Advice to enable a Jackson feature means nothing to a sender, who cannot.
  private static final Pattern FEATURE_ADVICE =
      Pattern.compile("(: enable `[^`]*` to allow| \\(not recognized as one since .*\\))$");
  private static final Pattern CODE = Pattern.compile(" \\(code \\d+\\)");
  private static final int MAX_REASON = 160;

  private JsonErrors() {}

  /** The reason for a syntax error, with its position: {@code unexpected end of input at ...}. */
  static String syntax(JsonProcessingException e) {
    String what =
        e instanceof JsonEOFException
            ? "unexpected end of input"
            : simplify(e.getOriginalMessage());
    return what + at(e.getLocation());
  }

  /** The reason for a broken limit (nesting depth, number or string length). */
  static String limit(StreamConstraintsException e, int maxDepth) {
    String m = e.getOriginalMessage();
    if (m != null && m.contains("nesting depth")) {
      return "nested deeper than " + maxDepth + " levels";
    }
    return simplify(m);
  }

  /** {@code " at column C"}, or {@code " at line L, column C"} after the first line. */
  static String at(JsonLocation location) {
    if (location == null || location.getColumnNr() < 1) {
      return "";
    }
    return at(location.getLineNr(), location.getColumnNr());
  }

  /** The position of byte {@code index} of the slice, counted as Jackson does (bytes, from 1). */
  static String at(byte[] buf, int offset, int index) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < index; i++) {
      if (buf[offset + i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return at(line, index - lineStart + 1);
  }

  private static String at(int line, int column) {
    return line <= 1 ? " at column " + column : " at line " + line + ", column " + column;
  }

  private static String simplify(String message) {
    if (message == null || message.isEmpty()) {
      return "malformed JSON";
    }
    String m = message;
    int newline = m.indexOf('\n');
    if (newline >= 0) {
      m = m.substring(0, newline);
    }
    m = QUOTED_CHAR.matcher(m).replaceAll("'$1'");
    m = CODE.matcher(m).replaceAll("");
    m = CTRL_CHAR.matcher(m).replaceAll("control character (code $1) must be escaped");
    m = LIMIT_SOURCE.matcher(m).replaceAll("");
    m = START_MARKER.matcher(m).replaceAll("");
    m = ANY_VALUE.matcher(m).replaceAll("a JSON value");
    m = FEATURE_ADVICE.matcher(m).replaceAll("");
    if (m.length() > MAX_REASON) {
      m = m.substring(0, MAX_REASON) + "...";
    }
    return Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }
}
