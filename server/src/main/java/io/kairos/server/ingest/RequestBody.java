package io.kairos.server.ingest;

import io.javalin.http.Context;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads request bodies with limits: a declared {@code Content-Length} over the limit is refused
 * with 413 before a byte is read; a body without one (chunked) is read up to the limit and refused
 * there. {@code Content-Encoding: gzip} is undone, and the limit applies to what it expands to.
 */
final class RequestBody {
  private RequestBody() {}

  /** Thrown when the stream goes past its limit. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("body over the limit", null);
    }
  }

  /**
   * The media type of the request (lower case, without parameters), which must be one of {@code
   * allowed}; a {@code charset} parameter must be UTF-8.
   *
   * @throws ProblemException 415 naming Content-Type
   */
  static String mediaType(Context ctx, List<String> allowed) {
    String header = ctx.header("Content-Type");
    String expected = String.join(" or ", allowed);
    if (header == null || header.isBlank()) {
      throw unsupported("required: " + expected);
    }
    String[] parts = header.split(";");
    String type = parts[0].trim().toLowerCase(Locale.ROOT);
    if (!allowed.contains(type)) {
      throw unsupported("expected " + expected + ", got '" + Problems.cut(parts[0].trim()) + "'");
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
        String cs = p.substring(eq + 1).trim().replace("\"", "");
        if (!cs.equalsIgnoreCase("utf-8") && !cs.equalsIgnoreCase("utf8")) {
          throw unsupported("charset must be UTF-8, got '" + Problems.cut(cs) + "'");
        }
      }
    }
    return type;
  }

  private static ProblemException unsupported(String reason) {
    return new ProblemException(
        new Problem(
            415,
            "Unsupported Media Type",
            "Content-Type: " + reason,
            List.of(new Problem.FieldError("Content-Type", reason))));
  }

  /**
   * The body's stream, limited to {@code limit} bytes (after gzip); reading past it throws {@link
   * TooLarge}.
   *
   * @param limitKey the configuration key of the limit, for the message
   * @throws ProblemException 413 when Content-Length is over the limit, 415 for an unknown encoding
   */
  static InputStream open(Context ctx, long limit, String limitKey) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      throw tooLarge("Content-Length", declared, limit, limitKey);
    }
    String encoding = ctx.header("Content-Encoding");
    try {
      InputStream in = ctx.req().getInputStream();
      if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
        return new Capped(in, limit);
      }
      if (encoding.trim().equalsIgnoreCase("gzip")) {
        return new Capped(new GZIPInputStream(in, 8192), limit);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String reason = "expected gzip or none, got '" + Problems.cut(encoding) + "'";
    throw new ProblemException(
        new Problem(
            415,
            "Unsupported Media Type",
            "Content-Encoding: " + reason,
            List.of(new Problem.FieldError("Content-Encoding", reason))));
  }

  /**
   * Reads the whole body into memory, up to {@code limit} bytes.
   *
   * @return the bytes; the array may be longer, {@code length[0]} says how many are the body
   * @throws ProblemException 413 over the limit, 400 when the body cannot be read
   */
  static byte[] read(Context ctx, long limit, String limitKey, int[] length) {
    long declared = ctx.req().getContentLengthLong();
    try (InputStream in = open(ctx, limit, limitKey)) {
      // One byte more than declared, so the end is seen without growing the array.
      byte[] buf = new byte[declared > 0 ? (int) declared + 1 : 8192];
      int n = 0;
      while (true) {
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(Math.max(buf.length * 2L, 16), limit + 1));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      length[0] = n;
      return buf;
    } catch (TooLarge e) {
      throw tooLarge("(body)", -1, limit, limitKey);
    } catch (IOException e) {
      throw new ProblemException(
          Problem.badField("(body)", "could not be read (" + e.getMessage() + ")"));
    }
  }

  static ProblemException tooLarge(String field, long size, long limit, String limitKey) {
    String reason =
        (size >= 0 ? size + " bytes; " : "") + "at most " + limit + " bytes (" + limitKey + ")";
    return new ProblemException(
        new Problem(
            413,
            "Content Too Large",
            field + ": " + reason,
            List.of(new Problem.FieldError(field, reason))));
  }

  /** A stream that fails with {@link TooLarge} past its limit. */
  private static final class Capped extends InputStream {
    private final InputStream in;
    private final long limit;
    private long read;

    Capped(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      // Ask for one byte more than the limit allows, to see that it is exceeded.
      long room = limit + 1 - read;
      int n = in.read(b, off, (int) Math.min(len, Math.max(1, room)));
      if (n > 0) {
        read += n;
        if (read > limit) {
          throw new TooLarge();
        }
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
