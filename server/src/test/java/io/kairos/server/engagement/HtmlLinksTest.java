package io.kairos.server.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlLinksTest {

  private final List<String> seen = new ArrayList<>();

  private String rewrite(String html) {
    return HtmlLinks.rewrite(
        html,
        url -> {
          seen.add(url);
          return url.startsWith("http") ? "https://k.example/t/c/T" + seen.size() : null;
        });
  }

  @Test
  void onlyHrefValuesChangeEverythingElseStaysByteForByte() {
    String html =
        "<!DOCTYPE html>\n<html><head><style>a{color:red}</style></head><body>\n"
            + "<p>Hi &amp; welcome &nbsp; <b>Ana</b></p>\n"
            + "<a href=\"https://shop.example/a?x=1&amp;y=2\" class=\"btn\">Shop</a>\n"
            + "<A HREF='https://shop.example/B'>Upper</A>\n"
            + "<a\n   class=\"x\"\n   href =\n \"https://shop.example/c\"\n>lines</a>\n"
            + "<a href=https://shop.example/d>unquoted</a>\n"
            + "</body></html>";
    String out = rewrite(html);
    assertThat(seen)
        .containsExactly(
            "https://shop.example/a?x=1&y=2",
            "https://shop.example/B",
            "https://shop.example/c",
            "https://shop.example/d");
    assertThat(out)
        .isEqualTo(
            "<!DOCTYPE html>\n<html><head><style>a{color:red}</style></head><body>\n"
                + "<p>Hi &amp; welcome &nbsp; <b>Ana</b></p>\n"
                + "<a href=\"https://k.example/t/c/T1\" class=\"btn\">Shop</a>\n"
                + "<A HREF='https://k.example/t/c/T2'>Upper</A>\n"
                + "<a\n   class=\"x\"\n   href =\n \"https://k.example/t/c/T3\"\n>lines</a>\n"
                + "<a href=https://k.example/t/c/T4>unquoted</a>\n"
                + "</body></html>");
  }

  @Test
  void commentsScriptsStylesAndOptedOutLinksAreLeftAlone() {
    String html =
        "<!-- <a href=\"https://x.example/in-comment\"> -->"
            + "<script>var s = '<a href=\"https://x.example/in-script\">';</script>"
            + "<STYLE>/* <a href=\"https://x.example/in-style\"> */</STYLE>"
            + "<a data-kairos-no-track href=\"https://x.example/opted-out\">o</a>"
            + "<a title=\"a > b\" href=\"https://x.example/after-gt\">g</a>"
            + "<abbr href=\"https://x.example/not-a\">n</abbr>"
            + "<a href=\"mailto:help@shop.example\">mail</a>"
            + "<a href=\"#top\">top</a>"
            + "<a name=\"anchor\">no href</a>";
    String out = rewrite(html);
    assertThat(seen)
        .containsExactly("https://x.example/after-gt", "mailto:help@shop.example", "#top");
    assertThat(out)
        .isEqualTo(html.replace("https://x.example/after-gt", "https://k.example/t/c/T1"));
  }

  @Test
  void entitiesAreDecodedForTheTargetAndTheReplacementIsEscaped() {
    assertThat(HtmlLinks.decode("https://a.example/?a=1&amp;b=&#50;&#x33;&quot;"))
        .isEqualTo("https://a.example/?a=1&b=23\"");
    assertThat(HtmlLinks.decode("https://a.example/?a&b=1&unknown;"))
        .isEqualTo("https://a.example/?a&b=1&unknown;");
    String out = HtmlLinks.rewrite("<a href='https://a.example/'>x</a>", u -> "https://k/?a=1&b='");
    assertThat(out).isEqualTo("<a href='https://k/?a=1&amp;b=&#39;'>x</a>");
  }

  @Test
  void noLinksMeansTheSameString() {
    String html = "<p>plain <b>text</b> &amp; no links</p>";
    assertThat(HtmlLinks.rewrite(html, u -> "x")).isSameAs(html);
    // An unterminated tag is left as it is.
    assertThat(HtmlLinks.rewrite("<a href=\"https://x", u -> "y")).isEqualTo("<a href=\"https://x");
  }

  @Test
  void thePixelGoesBeforeTheLastBodyEndOrAtTheEnd() {
    assertThat(HtmlLinks.insertBeforeBodyEnd("<html><BODY>hi</BODY></html>", "<img>"))
        .isEqualTo("<html><BODY>hi<img></BODY></html>");
    assertThat(HtmlLinks.insertBeforeBodyEnd("<p>hi</p>", "<img>")).isEqualTo("<p>hi</p><img>");
  }
}
