package io.kairos.server.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the parts of a request body without building a tree: the members of an object (name and
 * value positions) and the elements of an array, so that each batch item can be handed to the core
 * {@code EventParser} as the bytes it was sent as, and the stored body rebuilt by copying bytes.
 * Values the server reads or ignores (the envelope's {@code sentAt}, {@code integrations}) are
 * validated here; objects that are events are only delimited ({@link #skipFast}), because the event
 * parser validates them strictly anyway. Iterative, so deep nesting costs no stack.
 *
 * <p>Positions are indexes into the buffer; the buffer is expected to be valid UTF-8 (checked
 * before, see {@link Utf8Check}).
 */
final class JsonScan {

  /** The body is not the JSON it should be; {@code pos} is the index of the offending byte. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int pos;
    final String reason;

    Malformed(int pos, String reason) {
      super(reason, null, false, false);
      this.pos = pos;
      this.reason = reason;
    }
  }

  /**
   * One member of an object: the name between its quotes ({@code nameStart} after the opening
   * quote, {@code nameEnd} at the closing one) and the value.
   */
  record Member(int nameStart, int nameEnd, boolean escaped, int valueStart, int valueEnd) {}

  private final byte[] b;
  private final int end;

  JsonScan(byte[] buf, int end) {
    this.b = buf;
    this.end = end;
  }

  int end() {
    return end;
  }

  byte at(int i) {
    return b[i];
  }

  /** The index of the first non-whitespace byte at or after {@code i} (may be {@link #end}). */
  int skipWs(int i) {
    while (i < end) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return i;
      }
      i++;
    }
    return i;
  }

  /**
   * The members of the object whose {@code '{'} is at {@code start}.
   *
   * @param validate whether member values are validated ({@link #skipValue}) or only delimited
   *     ({@link #skipFast})
   * @param maxDepth the nesting allowed inside values when validating
   * @param endOut receives the index after the closing {@code '}'} in element 0
   */
  List<Member> members(int start, boolean validate, int maxDepth, int[] endOut) {
    if (start >= end || b[start] != '{') {
      throw new Malformed(start, "expected a JSON object");
    }
    List<Member> out = new ArrayList<>(16);
    int i = skipWs(start + 1);
    if (i < end && b[i] == '}') {
      endOut[0] = i + 1;
      return out;
    }
    while (true) {
      if (i >= end) {
        throw new Malformed(i, "unexpected end of input");
      }
      if (b[i] != '"') {
        throw new Malformed(i, "expected a member name in double quotes");
      }
      int nameStart = i + 1;
      int nameEnd = stringEnd(i) - 1;
      boolean escaped = escapedBetween(nameStart, nameEnd);
      i = skipWs(nameEnd + 1);
      if (i >= end || b[i] != ':') {
        throw new Malformed(i, "expected ':' after a member name");
      }
      int vs = skipWs(i + 1);
      int ve = validate ? skipValue(vs, maxDepth) : skipFast(vs);
      out.add(new Member(nameStart, nameEnd, escaped, vs, ve));
      i = skipWs(ve);
      if (i >= end) {
        throw new Malformed(i, "unexpected end of input");
      }
      if (b[i] == ',') {
        i = skipWs(i + 1);
        continue;
      }
      if (b[i] == '}') {
        endOut[0] = i + 1;
        return out;
      }
      throw new Malformed(i, "expected ',' or '}' after a member");
    }
  }

  private boolean escapedBetween(int from, int to) {
    for (int k = from; k < to; k++) {
      if (b[k] == '\\') {
        return true;
      }
    }
    return false;
  }

  /** Whether the member's name, unescaped, is {@code name} (ASCII). */
  boolean nameIs(Member m, String name) {
    if (m.escaped()) {
      return name.equals(text(m.nameStart(), m.nameEnd()));
    }
    int n = m.nameEnd() - m.nameStart();
    if (n != name.length()) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (b[m.nameStart() + k] != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the value at {@code [start, end)} is the literal {@code null}. */
  boolean isNull(int start, int stop) {
    return stop - start == 4 && b[start] == 'n';
  }

  /** Whether the value starting at {@code i} is a string. */
  boolean isString(int i) {
    return i < end && b[i] == '"';
  }

  /** The decoded text of the string whose content is {@code [from, to)} (between the quotes). */
  String text(int from, int to) {
    if (!escapedBetween(from, to)) {
      return new String(b, from, to - from, java.nio.charset.StandardCharsets.UTF_8);
    }
    StringBuilder s = new StringBuilder(to - from);
    int k = from;
    while (k < to) {
      int run = k;
      while (k < to && b[k] != '\\') {
        k++;
      }
      s.append(new String(b, run, k - run, java.nio.charset.StandardCharsets.UTF_8));
      if (k >= to) {
        break;
      }
      byte e = b[k + 1];
      switch (e) {
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' ->
            s.append(
                (char)
                    Integer.parseInt(
                        new String(b, k + 2, 4, java.nio.charset.StandardCharsets.US_ASCII), 16));
        default -> s.append((char) e);
      }
      k += e == 'u' ? 6 : 2;
    }
    return s.toString();
  }

  /**
   * The elements of the array whose {@code '['} is at {@code start}: each element's start and end
   * in pairs. Object elements are delimited with {@link #skipFast}; other elements are validated.
   *
   * @param endOut receives the index after the closing {@code ']'} in element 0
   */
  int[] elements(int start, int maxDepth, int[] endOut) {
    if (start >= end || b[start] != '[') {
      throw new Malformed(start, "expected a JSON array");
    }
    int[] spans = new int[32];
    int n = 0;
    int i = skipWs(start + 1);
    if (i < end && b[i] == ']') {
      endOut[0] = i + 1;
      return new int[0];
    }
    while (true) {
      if (i >= end) {
        throw new Malformed(i, "unexpected end of input");
      }
      int e = b[i] == '{' ? skipFast(i) : skipValue(i, maxDepth);
      if (n + 2 > spans.length) {
        spans = java.util.Arrays.copyOf(spans, spans.length * 2);
      }
      spans[n++] = i;
      spans[n++] = e;
      i = skipWs(e);
      if (i >= end) {
        throw new Malformed(i, "unexpected end of input");
      }
      if (b[i] == ',') {
        i = skipWs(i + 1);
        continue;
      }
      if (b[i] == ']') {
        endOut[0] = i + 1;
        return java.util.Arrays.copyOf(spans, n);
      }
      throw new Malformed(i, "expected ',' or ']' after an array element");
    }
  }

  /**
   * Delimits the value at {@code i} without validating inside objects and arrays: brackets are
   * counted and strings stepped over. Returns the index after the value.
   */
  int skipFast(int i) {
    if (i >= end) {
      throw new Malformed(i, "unexpected end of input");
    }
    byte c = b[i];
    if (c != '{' && c != '[') {
      return skipValue(i, 1);
    }
    int depth = 0;
    while (i < end) {
      c = b[i];
      if (c == '"') {
        i = stringEndFast(i);
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      }
      i++;
    }
    throw new Malformed(end, "unexpected end of input");
  }

  private int stringEndFast(int i) {
    i++;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        return i + 1;
      }
      i += c == '\\' ? 2 : 1;
    }
    throw new Malformed(end, "unexpected end of input inside a string");
  }

  /**
   * Validates the value at {@code i} (strict RFC 8259) and returns the index after it.
   *
   * @param maxDepth the deepest nesting allowed, counting this value as 1
   */
  int skipValue(int i, int maxDepth) {
    // One byte per open container: '{' or '['; expecting tells what must come next.
    byte[] stack = null;
    int depth = 0;
    while (true) {
      if (i >= end) {
        throw new Malformed(i, "unexpected end of input");
      }
      byte c = b[i];
      switch (c) {
        case '{', '[' -> {
          if (depth >= maxDepth) {
            throw new Malformed(i, "nested deeper than " + maxDepth + " levels");
          }
          if (stack == null) {
            stack = new byte[Math.min(maxDepth, 64)];
          } else if (depth == stack.length) {
            stack = java.util.Arrays.copyOf(stack, Math.min(maxDepth, stack.length * 2));
          }
          stack[depth++] = c;
          int k = skipWs(i + 1);
          byte close = c == '{' ? (byte) '}' : (byte) ']';
          if (k < end && b[k] == close) {
            depth--;
            i = k + 1;
            break;
          }
          if (c == '{') {
            i = memberName(k);
            continue;
          }
          i = k;
          continue;
        }
        case '"' -> i = stringEnd(i);
        case 't' -> i = literal(i, "true");
        case 'f' -> i = literal(i, "false");
        case 'n' -> i = literal(i, "null");
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            i = number(i);
          } else {
            throw new Malformed(i, "unexpected character " + describe(c));
          }
        }
      }
      // After a complete value: close containers or go on to the next element/member.
      while (true) {
        if (depth == 0) {
          return i;
        }
        i = skipWs(i);
        if (i >= end) {
          throw new Malformed(i, "unexpected end of input");
        }
        byte open = stack[depth - 1];
        byte close = open == '{' ? (byte) '}' : (byte) ']';
        if (b[i] == close) {
          depth--;
          i++;
          continue;
        }
        if (b[i] != ',') {
          throw new Malformed(
              i,
              "expected ',' or '"
                  + (char) close
                  + "' after "
                  + (open == '{' ? "a member" : "an array element"));
        }
        i = skipWs(i + 1);
        if (open == '{') {
          i = memberName(i);
        }
        break;
      }
    }
  }

  // At a member name inside an object being validated: steps over name and colon to the value.
  private int memberName(int i) {
    if (i >= end || b[i] != '"') {
      throw new Malformed(i, "expected a member name in double quotes");
    }
    i = skipWs(stringEnd(i));
    if (i >= end || b[i] != ':') {
      throw new Malformed(i, "expected ':' after a member name");
    }
    return skipWs(i + 1);
  }

  /** Validates the string whose opening quote is at {@code i}; returns the index after it. */
  int stringEnd(int i) {
    i++;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\') {
        if (i + 1 >= end) {
          break;
        }
        byte e = b[i + 1];
        if (e == 'u') {
          for (int k = 2; k < 6; k++) {
            if (i + k >= end || Character.digit(b[i + k], 16) < 0) {
              throw new Malformed(i, "invalid \\u escape");
            }
          }
          i += 6;
          continue;
        }
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r'
            && e != 't') {
          throw new Malformed(i, "invalid escape \\" + (char) e);
        }
        i += 2;
        continue;
      }
      if (c >= 0 && c < 0x20) {
        throw new Malformed(i, "control character (code " + c + ") must be escaped");
      }
      i++;
    }
    throw new Malformed(end, "unexpected end of input inside a string");
  }

  private int literal(int i, String word) {
    int n = word.length();
    if (end - i < n) {
      throw new Malformed(i, "unexpected token");
    }
    for (int k = 0; k < n; k++) {
      if (b[i + k] != word.charAt(k)) {
        throw new Malformed(i, "unexpected token");
      }
    }
    return i + n;
  }

  private int number(int i) {
    int start = i;
    if (b[i] == '-') {
      i++;
    }
    if (i >= end || !digit(b[i])) {
      throw new Malformed(start, "invalid number");
    }
    if (b[i] == '0') {
      i++;
      if (i < end && digit(b[i])) {
        throw new Malformed(start, "invalid number (leading zero)");
      }
    } else {
      while (i < end && digit(b[i])) {
        i++;
      }
    }
    if (i < end && b[i] == '.') {
      i++;
      if (i >= end || !digit(b[i])) {
        throw new Malformed(start, "invalid number");
      }
      while (i < end && digit(b[i])) {
        i++;
      }
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      if (i >= end || !digit(b[i])) {
        throw new Malformed(start, "invalid number");
      }
      while (i < end && digit(b[i])) {
        i++;
      }
    }
    return i;
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static String describe(byte c) {
    if (c >= 0x21 && c < 0x7f) {
      return "'" + (char) c + "'";
    }
    return "(code " + (c & 0xff) + ")";
  }

  /** " at column C" or " at line L, column C" for the byte at {@code index} (from 0). */
  static String at(byte[] buf, int index) {
    int line = 1;
    int lineStart = 0;
    for (int k = 0; k < index && k < buf.length; k++) {
      if (buf[k] == '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    int column = index - lineStart + 1;
    return line <= 1 ? " at column " + column : " at line " + line + ", column " + column;
  }
}
