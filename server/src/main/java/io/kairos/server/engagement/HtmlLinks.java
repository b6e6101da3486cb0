package io.kairos.server.engagement;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Rewrites the links of an email's HTML for click tracking and adds the open pixel, changing
 * nothing else: every byte outside the {@code href} values it replaces stays as the template
 * rendered it (docs/decisions.md says why this is a small scanner and not an HTML parser).
 *
 * <p>It finds {@code <a>} start tags (any case, attributes in any quoting, across lines) outside
 * comments, {@code <script>} and {@code <style>}, and hands each {@code href} value, with its
 * character references decoded ({@code &amp;} is {@code &}), to the caller, which answers the URL
 * to put instead or null to leave it. A link with the attribute {@code data-kairos-no-track} is
 * left alone.
 */
public final class HtmlLinks {
  private HtmlLinks() {}

  /**
   * {@code html} with each {@code <a href>} replaced by what {@code rewrite} answers for its URL
   * (decoded); null keeps the original bytes.
   */
  public static String rewrite(String html, UnaryOperator<String> rewrite) {
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    int n = html.length();
    while (i < n) {
      int lt = html.indexOf('<', i);
      if (lt < 0) {
        break;
      }
      if (html.startsWith("<!--", lt)) {
        int end = html.indexOf("-->", lt + 4);
        i = end < 0 ? n : end + 3;
        continue;
      }
      int nameEnd = lt + 1;
      while (nameEnd < n && isNameChar(html.charAt(nameEnd))) {
        nameEnd++;
      }
      String name = html.substring(lt + 1, nameEnd).toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        i = lt + 1;
        continue;
      }
      Tag tag = tag(html, nameEnd);
      if (name.equals("script") || name.equals("style")) {
        int close = indexOfIgnoreCase(html, "</" + name, tag.end);
        i = close < 0 ? n : close;
        continue;
      }
      if (name.equals("a") && tag.hrefStart >= 0 && !tag.noTrack) {
        String raw = html.substring(tag.hrefStart, tag.hrefEnd);
        String replaced = rewrite.apply(decode(raw).strip());
        if (replaced != null) {
          if (out == null) {
            out = new StringBuilder(html.length() + 256);
          }
          out.append(html, copied, tag.hrefStart).append(escapeAttribute(replaced, tag.quote));
          copied = tag.hrefEnd;
        }
      }
      i = tag.end;
    }
    if (out == null) {
      return html;
    }
    return out.append(html, copied, n).toString();
  }

  /** {@code html} with {@code img} inserted before its last {@code </body>}, or at the end. */
  public static String insertBeforeBodyEnd(String html, String img) {
    int at = lastIndexOfIgnoreCase(html, "</body");
    if (at < 0) {
      return html + img;
    }
    return html.substring(0, at) + img + html.substring(at);
  }

  /** The URL in an {@code href} as a browser would follow it: character references decoded. */
  static String decode(String v) {
    if (v.indexOf('&') < 0) {
      return v;
    }
    StringBuilder b = new StringBuilder(v.length());
    int i = 0;
    while (i < v.length()) {
      char c = v.charAt(i);
      if (c == '&') {
        int semi = v.indexOf(';', i);
        if (semi > i + 1 && semi - i <= 10) {
          String ref = v.substring(i + 1, semi);
          String d = reference(ref);
          if (d != null) {
            b.append(d);
            i = semi + 1;
            continue;
          }
        }
      }
      b.append(c);
      i++;
    }
    return b.toString();
  }

  private static String reference(String ref) {
    switch (ref.toLowerCase(Locale.ROOT)) {
      case "amp":
        return "&";
      case "quot":
        return "\"";
      case "apos":
        return "'";
      case "lt":
        return "<";
      case "gt":
        return ">";
      default:
        break;
    }
    try {
      if (ref.startsWith("#x") || ref.startsWith("#X")) {
        return new String(Character.toChars(Integer.parseInt(ref.substring(2), 16)));
      }
      if (ref.startsWith("#")) {
        return new String(Character.toChars(Integer.parseInt(ref.substring(1))));
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }

  private static String escapeAttribute(String v, char quote) {
    StringBuilder b = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case ' ', '\t', '\n', '\r', '\f' -> {
          if (quote == 0) {
            b.append("%20");
          } else {
            b.append(c);
          }
        }
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A start tag's extent and its href value's place. */
  private record Tag(int end, int hrefStart, int hrefEnd, char quote, boolean noTrack) {}

  /** Reads the attributes of a tag whose name ends at {@code from}, up to its {@code >}. */
  private static Tag tag(String h, int from) {
    int n = h.length();
    int i = from;
    int hrefStart = -1;
    int hrefEnd = -1;
    char hrefQuote = 0;
    boolean noTrack = false;
    while (i < n) {
      char c = h.charAt(i);
      if (c == '>') {
        return new Tag(i + 1, hrefStart, hrefEnd, hrefQuote, noTrack);
      }
      if (Character.isWhitespace(c) || c == '/') {
        i++;
        continue;
      }
      int nameStart = i;
      while (i < n && !Character.isWhitespace(h.charAt(i)) && "=>/".indexOf(h.charAt(i)) < 0) {
        i++;
      }
      if (i == nameStart) {
        i++; // a stray '=': skip it
        continue;
      }
      String attr = h.substring(nameStart, i).toLowerCase(Locale.ROOT);
      int j = i;
      while (j < n && Character.isWhitespace(h.charAt(j))) {
        j++;
      }
      int valueStart = -1;
      int valueEnd = -1;
      char quote = 0;
      if (j < n && h.charAt(j) == '=') {
        j++;
        while (j < n && Character.isWhitespace(h.charAt(j))) {
          j++;
        }
        if (j < n && (h.charAt(j) == '"' || h.charAt(j) == '\'')) {
          quote = h.charAt(j);
          int close = h.indexOf(quote, j + 1);
          if (close < 0) {
            return new Tag(n, -1, -1, (char) 0, noTrack); // unterminated: leave it all
          }
          valueStart = j + 1;
          valueEnd = close;
          i = close + 1;
        } else {
          valueStart = j;
          while (j < n && !Character.isWhitespace(h.charAt(j)) && h.charAt(j) != '>') {
            j++;
          }
          valueEnd = j;
          i = j;
        }
      }
      if (attr.equals("href") && hrefStart < 0 && valueStart >= 0) {
        hrefStart = valueStart;
        hrefEnd = valueEnd;
        hrefQuote = quote;
      } else if (attr.equals("data-kairos-no-track")) {
        noTrack = true;
      }
    }
    return new Tag(n, -1, -1, (char) 0, noTrack);
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == ':';
  }

  private static int indexOfIgnoreCase(String h, String what, int from) {
    for (int i = Math.max(0, from); i <= h.length() - what.length(); i++) {
      if (h.regionMatches(true, i, what, 0, what.length())) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOfIgnoreCase(String h, String what) {
    for (int i = h.length() - what.length(); i >= 0; i--) {
      if (h.regionMatches(true, i, what, 0, what.length())) {
        return i;
      }
    }
    return -1;
  }
}
