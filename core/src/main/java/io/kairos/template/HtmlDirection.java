package io.kairos.template;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Marks a rendered HTML email as right to left, so mail clients lay it out that way: {@code dir}
 * and {@code lang} on the {@code <html>} element, else on {@code <body>}, else a wrapping {@code
 * <div>}. Attributes the template already sets are kept.
 */
final class HtmlDirection {
  private static final Pattern HTML =
      Pattern.compile("<html(?=[\\s>/])([^>]*)>", Pattern.CASE_INSENSITIVE);
  private static final Pattern BODY =
      Pattern.compile("<body(?=[\\s>/])([^>]*)>", Pattern.CASE_INSENSITIVE);
  private static final Pattern DIR = Pattern.compile("(?i)(^|\\s)dir\\s*=");
  private static final Pattern LANG = Pattern.compile("(?i)(^|\\s)lang\\s*=");

  private HtmlDirection() {}

  static String rightToLeft(String html, String lang) {
    String escapedLang = lang.replace("\"", "");
    for (Pattern element : new Pattern[] {HTML, BODY}) {
      Matcher m = element.matcher(html);
      if (m.find()) {
        String attributes = m.group(1);
        StringBuilder add = new StringBuilder();
        if (!DIR.matcher(attributes).find()) {
          add.append(" dir=\"rtl\"");
        }
        if (!LANG.matcher(attributes).find()) {
          add.append(" lang=\"").append(escapedLang).append('"');
        }
        int at = m.start(1);
        return html.substring(0, at) + add + html.substring(at);
      }
    }
    return "<div dir=\"rtl\" lang=\"" + escapedLang + "\">" + html + "</div>";
  }
}
