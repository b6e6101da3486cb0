package io.kairos.event;

import io.kairos.event.EventParser.Result;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A strict RFC 8259 scanner over the bytes of one message, moving token by token like a streaming
 * parser but without its per-call buffers: values that are only located (everything inside {@code
 * properties}, {@code traits} and {@code context}) are validated and stepped over without being
 * decoded. UTF-8 is validated inside strings, the only place JSON allows non-ASCII; a non-ASCII
 * byte anywhere else is a syntax error. The caller reports an invalid UTF-8 anywhere in the message
 * before any other error ({@link MessageReader#read}), as the separate pass before it did.
 *
 * <p>Syntax errors are thrown as {@link Rejection}s of field {@link Result.Invalid#JSON} with the
 * column; a value nested too deep is thrown with field {@link #TOP_LEVEL_FIELD}, which the reader
 * replaces by the name of the top-level field it happened under. One instance per message.
 */
final class JsonCursor {

  /** Token kinds returned by {@link #next()}. */
  static final int STRING = 0;

  static final int OBJECT = 1;
  static final int ARRAY = 2;
  static final int INT = 3;
  static final int FLOAT = 4;
  static final int TRUE = 5;
  static final int FALSE = 6;
  static final int NULL = 7;

  /** Stands for the top-level field being read; compared by identity. */
  @SuppressWarnings("StringOperationCanBeSimplified")
  static final String TOP_LEVEL_FIELD = new String("(top-level field)");

  // Jackson's default StreamReadConstraints, so the accepted language does not change.
  private static final int MAX_NUMBER_LENGTH = 1000;

  // Eight bytes at a time; little-endian so the lowest set bit of a mask is the first byte.
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long SPACES = 0x2020202020202020L;

  private static final byte[] TRUE_BYTES = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE_BYTES = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL_BYTES = {'n', 'u', 'l', 'l'};

  final byte[] buf;
  private final int offset;
  private final int end;
  private final int maxDepth;
  private int depth;

  /** The next byte to read. */
  int pos;

  /** The key read by {@link #nextKey}: {@code buf[keyStart, keyEnd)}, between the quotes. */
  int keyStart;

  int keyEnd;
  boolean keyEscaped;

  /** The number consumed by {@link #next()}: {@code buf[numberStart, pos)}. */
  int numberStart;

  /** Whether the string scanned last had escapes, and so must be decoded, not copied. */
  boolean escaped;

  JsonCursor(byte[] buf, int offset, int length, int maxDepth) {
    this.buf = buf;
    this.offset = offset;
    this.end = offset + length;
    this.maxDepth = maxDepth;
    this.pos = offset;
  }

  /** Skips whitespace; the next byte (0-255), or -1 at the end of the input. */
  int peek() {
    int p = pos;
    while (p < end) {
      int b = buf[p] & 0xFF;
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        pos = p;
        return b;
      }
      p++;
    }
    pos = p;
    return -1;
  }

  /**
   * Reads the next value's first token. Strings, objects and arrays are left at their first byte
   * ({@link #string()}, {@link #enter()}, {@link #skip}); numbers and literals are consumed, as a
   * streaming parser does before it reports their token.
   */
  int next() {
    int b = peek();
    switch (b) {
      case '"':
        return STRING;
      case '{':
        return OBJECT;
      case '[':
        return ARRAY;
      case 't':
        literal(TRUE_BYTES);
        return TRUE;
      case 'f':
        literal(FALSE_BYTES);
        return FALSE;
      case 'n':
        literal(NULL_BYTES);
        return NULL;
      default:
        if (b == '-' || (b >= '0' && b <= '9')) {
          return number();
        }
        throw notAValue(b);
    }
  }

  /** Steps over the value whose token {@link #next()} returned, validating all of it. */
  void skip(int token) {
    if (token == STRING) {
      pos = scanString(pos + 1) + 1;
    } else if (token == OBJECT) {
      enter();
      for (boolean first = true; nextKey(first); first = false) {
        skip(next());
      }
    } else if (token == ARRAY) {
      skipArray();
    }
    // Scalars were consumed by next(). Recursion is bounded by the nesting limit.
  }

  private void skipArray() {
    enter();
    int b = peek();
    if (b == ']') {
      pos++;
      depth--;
      return;
    }
    while (true) {
      skip(next());
      b = peek();
      if (b == ',') {
        pos++;
      } else if (b == ']') {
        pos++;
        depth--;
        return;
      } else {
        throw unexpected(b, "was expecting comma to separate Array entries");
      }
    }
  }

  /** Steps into the object or array at {@code pos}, refusing nesting beyond the limit. */
  void enter() {
    if (++depth > maxDepth) {
      throw new Rejection(TOP_LEVEL_FIELD, "nested deeper than " + maxDepth + " levels");
    }
    pos++;
  }

  /**
   * Moves to the next key of the object being read ({@link #enter()} first), up to and past its
   * colon; false, past the closing brace, when there is none. {@code first} is true for the first
   * call on an object, when no comma may come.
   */
  boolean nextKey(boolean first) {
    int b = peek();
    if (b == '}') {
      pos++;
      depth--;
      return false;
    }
    if (!first) {
      if (b != ',') {
        throw unexpected(b, "was expecting comma to separate Object entries");
      }
      pos++;
      b = peek();
    }
    if (b != '"') {
      throw unexpected(b, "was expecting double-quote to start field name");
    }
    int start = pos + 1;
    int close = scanString(start);
    keyStart = start;
    keyEnd = close;
    keyEscaped = escaped;
    pos = close + 1;
    b = peek();
    if (b != ':') {
      throw unexpected(b, "was expecting a colon to separate field name and value");
    }
    pos++;
    return true;
  }

  /**
   * Steps over the string at {@code pos} (its opening quote) and returns the index of its closing
   * quote; the content is {@code buf[start + 1, returned)} and {@link #escaped} tells whether it
   * must be decoded.
   */
  int string() {
    int close = scanString(pos + 1);
    pos = close + 1;
    return close;
  }

  /**
   * The index of the closing quote of the string whose content starts at {@code p}. Eight bytes at
   * a time: only a quote, a backslash, a control character or a non-ASCII byte stops the loop.
   */
  private int scanString(int p) {
    final byte[] b = buf;
    final int e = end;
    boolean esc = false;
    while (true) {
      while (p + 8 <= e) {
        long w = (long) LONGS.get(b, p);
        long q = w ^ QUOTES;
        long s = w ^ BACKSLASHES;
        // Per byte: zero after the XOR (a quote or backslash), or below 0x20. Borrows can only set
        // bits above the first real hit, so the lowest bit is exact.
        // A high bit starts multi-byte UTF-8, which is validated here, so valid messages need no
        // separate UTF-8 pass.
        long hits = (((q - ONES) & ~q) | ((s - ONES) & ~s) | ((w - SPACES) & ~w) | w) & HIGHS;
        if (hits != 0) {
          p += Long.numberOfTrailingZeros(hits) >>> 3;
          break;
        }
        p += 8;
      }
      if (p >= e) {
        throw endOfInput();
      }
      int c = b[p];
      if (c == '"') {
        escaped = esc;
        return p;
      }
      if (c == '\\') {
        esc = true;
        p = escape(p);
      } else if (c < 0) {
        int n = Utf8.sequenceLength(b, p, e, c & 0xFF);
        if (n == 0) {
          throw error("invalid UTF-8", p);
        }
        p += n;
      } else if (c < 0x20) {
        throw error("control character (code " + c + ") must be escaped", p);
      } else {
        p++;
      }
    }
  }

  // Validates the escape at p (its backslash); the index after it.
  private int escape(int p) {
    if (p + 1 >= end) {
      throw endOfInput();
    }
    int c = buf[p + 1];
    switch (c) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
        return p + 2;
      case 'u':
        for (int i = p + 2; i < p + 6; i++) {
          if (i >= end) {
            throw endOfInput();
          }
          if (hex(buf[i]) < 0) {
            throw error(
                "unexpected character "
                    + describe(i)
                    + ": expected a hex-digit for character escape sequence",
                i);
          }
        }
        return p + 6;
      default:
        throw error("unrecognized character escape " + describe(p + 1), p + 1);
    }
  }

  private static int hex(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /**
   * The string content {@code buf[start, end)}, decoded. Unescaped text is one JDK call, which
   * copies ASCII without decoding; escapes (rare in practice) take the slow path.
   */
  String text(int start, int stop, boolean hasEscapes) {
    if (!hasEscapes) {
      return new String(buf, start, stop - start, StandardCharsets.UTF_8);
    }
    StringBuilder s = new StringBuilder(stop - start);
    int run = start;
    int i = start;
    while (i < stop) {
      if (buf[i] != '\\') {
        i++;
        continue;
      }
      s.append(new String(buf, run, i - run, StandardCharsets.UTF_8));
      int c = buf[i + 1];
      switch (c) {
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> {
          // A pair's halves arrive one after the other and form one code point in the String; a
          // lone surrogate is kept as Jackson keeps it.
          int u = 0;
          for (int k = i + 2; k < i + 6; k++) {
            u = (u << 4) | hex(buf[k]);
          }
          s.append((char) u);
          i += 4;
        }
        default -> s.append((char) c); // '"', '\\', '/'
      }
      i += 2;
      run = i;
    }
    return s.append(new String(buf, run, stop - run, StandardCharsets.UTF_8)).toString();
  }

  /** The key read by {@link #nextKey}, decoded; for the rare key that is not matched as bytes. */
  String key() {
    return text(keyStart, keyEnd, keyEscaped);
  }

  /** Whether the current key is exactly the ASCII bytes of {@code name}. */
  boolean keyIs(byte[] name) {
    int n = name.length;
    if (keyEscaped || keyEnd - keyStart != n) {
      return false;
    }
    // A plain loop: keys are short, and Arrays.equals costs more to set up than to compare.
    for (int i = 0; i < n; i++) {
      if (buf[keyStart + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** The number consumed last, as its text. */
  String numberText() {
    return new String(buf, numberStart, pos - numberStart, StandardCharsets.ISO_8859_1);
  }

  /** The number consumed last, as a double (correctly rounded, as Jackson does). */
  double numberValue() {
    return Double.parseDouble(numberText());
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  private int number() {
    final byte[] b = buf;
    final int e = end;
    int p = pos;
    numberStart = p;
    if (b[p] == '-') {
      p++;
    }
    int digits = p;
    if (p >= e) {
      throw endOfInput();
    }
    if (b[p] == '0') {
      p++;
      if (p < e && isDigit(b[p])) {
        throw error("invalid numeric value: Leading zeroes not allowed", p);
      }
    } else if (isDigit(b[p])) {
      p++;
      while (p < e && isDigit(b[p])) {
        p++;
      }
    } else {
      throw error("unexpected character " + describe(p) + ": expected digit", p);
    }
    int length = p - digits;
    int token = INT;
    if (p < e && b[p] == '.') {
      token = FLOAT;
      int from = p + 1;
      p = digits(from);
      length += p - from;
    }
    if (p < e && (b[p] == 'e' || b[p] == 'E')) {
      token = FLOAT;
      p++;
      if (p < e && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      int from = p;
      p = digits(p);
      length += p - from;
    }
    if (length > MAX_NUMBER_LENGTH) {
      throw new Rejection(
          TOP_LEVEL_FIELD,
          "number value length (" + length + ") exceeds the maximum allowed (1000)");
    }
    if (depth == 0 && p < e && !isSpace(b[p])) {
      // At the root a number must be followed by whitespace or the end, as Jackson requires.
      throw error(
          "unexpected character " + describe(p) + ": expected space separating root-level values",
          p);
    }
    pos = p;
    return token;
  }

  // One or more digits from p; the index after them.
  private int digits(int p) {
    if (p >= end) {
      throw endOfInput();
    }
    if (!isDigit(buf[p])) {
      throw error("unexpected character " + describe(p) + ": expected digit", p);
    }
    p++;
    while (p < end && isDigit(buf[p])) {
      p++;
    }
    return p;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private void literal(byte[] word) {
    int p = pos;
    for (int i = 0; i < word.length; i++, p++) {
      if (p >= end) {
        // Jackson reports a cut-short literal as the end of input.
        throw endOfInput();
      }
      if (buf[p] != word[i]) {
        throw unrecognized(pos);
      }
    }
    // "truex" is one unrecognized token, not "true" followed by garbage, as in Jackson.
    if (p < end && isWordByte(buf[p])) {
      throw unrecognized(pos);
    }
    pos = p;
  }

  private static boolean isWordByte(byte c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '$'
        || c < 0;
  }

  // Error paths: cold, so clarity over speed.

  private Rejection notAValue(int b) {
    if (b < 0) {
      return endOfInput();
    }
    if (isWordByte((byte) b) || b == '+') {
      return unrecognized(pos);
    }
    return unexpected(b, "was expecting a JSON value");
  }

  private Rejection unrecognized(int start) {
    int p = start;
    while (p < end && p - start < 40 && (isWordByte(buf[p]) || (p == start && buf[p] == '+'))) {
      p++;
    }
    String token = new String(buf, start, p - start, StandardCharsets.UTF_8);
    if (token.equals("NaN") || token.endsWith("Infinity") || token.endsWith("INF")) {
      return error("non-standard token '" + token + "'", start);
    }
    return error("unrecognized token '" + token + "': was expecting a JSON value", start);
  }

  /** {@code b} (at {@link #pos}, or -1 at the end) where something else was expected. */
  Rejection unexpected(int b, String expecting) {
    if (b < 0) {
      return endOfInput();
    }
    if (b == '/' || b == '#') {
      expecting = "maybe a (non-standard) comment?";
    }
    return error("unexpected character " + describe(pos) + ": " + expecting, pos);
  }

  Rejection endOfInput() {
    return error("unexpected end of input", end);
  }

  Rejection error(String what, int index) {
    return new Rejection(Result.Invalid.JSON, what + at(buf, offset, index - offset));
  }

  // The character at index, quoted for a message; control and non-ASCII characters by code.
  private String describe(int index) {
    int c = buf[index] & 0xFF;
    if (c >= 0x20 && c < 0x7F) {
      return "'" + (char) c + "'";
    }
    if (c >= 0x80) {
      int cp =
          new String(buf, index, Math.min(4, end - index), StandardCharsets.UTF_8).codePointAt(0);
      return "'" + Character.toString(cp) + "' (code " + cp + ")";
    }
    return "(code " + c + ")";
  }

  /**
   * {@code " at column C"}, or {@code " at line L, column C"} after the first line, for byte {@code
   * index} of the slice starting at {@code offset}: counted in bytes from 1, as Jackson did.
   */
  static String at(byte[] buf, int offset, int index) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < index; i++) {
      if (buf[offset + i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    int column = index - lineStart + 1;
    return line <= 1 ? " at column " + column : " at line " + line + ", column " + column;
  }
}
