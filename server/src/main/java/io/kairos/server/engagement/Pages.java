package io.kairos.server.engagement;

/**
 * The small HTML pages customers see (unsubscribe, preference centre, notices): no JavaScript, no
 * external resources, every value escaped. English, left to right.
 */
public final class Pages {
  private Pages() {}

  private static final String STYLE =
      "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
          + "background:#f6f6f4;color:#1d1d1b}main{max-width:34rem;margin:3rem auto;padding:2rem;"
          + "background:#fff;border-radius:8px}h1{font-size:1.4rem;margin-top:0}"
          + "fieldset{border:1px solid #ddd;border-radius:6px;margin:0 0 1rem;padding:.8rem 1rem}"
          + "legend{font-weight:600}label{display:block;margin:.4rem 0}"
          + ".topic{margin-left:1.6rem}.note{color:#555;font-size:.9rem;margin:.1rem 0 .4rem 1.6rem}"
          + ".saved{background:#e8f5e9;padding:.6rem 1rem;border-radius:6px}"
          + "button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:6px;"
          + "background:#1d1d1b;color:#fff;cursor:pointer}";

  /** A whole page around {@code body} (already HTML); {@code title} is escaped. */
  public static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"robots\" content=\"noindex, nofollow\">"
        + "<meta name=\"referrer\" content=\"no-referrer\">"
        + "<title>"
        + escape(title)
        + "</title><style>"
        + STYLE
        + "</style></head><body><main>\n"
        + body
        + "\n</main></body></html>\n";
  }

  /** A page with a heading and one paragraph, both escaped. */
  public static String notice(String title, String text) {
    return page(title, "<h1>" + escape(title) + "</h1><p>" + escape(text) + "</p>");
  }

  /** Text made safe for HTML content and quoted attribute values. */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
