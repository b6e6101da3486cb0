package io.kairos.template;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Choosing a template's variant for a customer's locale, and the writing direction of a tag. */
final class Locales {
  /** Languages written right to left in their usual script. */
  private static final Set<String> RTL_LANGUAGES =
      Set.of(
          "ar", "arc", "azb", "bqi", "ckb", "dv", "fa", "glk", "he", "iw", "ks", "lrc", "mzn",
          "nqo", "pnb", "ps", "sd", "syr", "ug", "ur", "yi", "ji");

  /** Right-to-left scripts, for tags that name one ({@code az-Arab}, {@code pa-Arab}). */
  private static final Set<String> RTL_SCRIPTS =
      Set.of("arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr", "mend");

  /** Old and new ISO codes that name the same language. */
  private static final Map<String, String> ALIASES = Map.of("iw", "he", "ji", "yi", "in", "id");

  private Locales() {}

  /**
   * The variant for a requested tag: the exact tag (case and {@code _} ignored), else a variant
   * that is just the tag's language ({@code de} for {@code de-CH}), else the default.
   */
  static String choose(MessageTemplate template, String requested) {
    if (requested != null && !requested.isBlank()) {
      String wanted = requested.trim().replace('_', '-');
      for (String tag : template.locales().keySet()) {
        if (tag.replace('_', '-').equalsIgnoreCase(wanted)) {
          return tag;
        }
      }
      String language = language(wanted);
      for (String tag : template.locales().keySet()) {
        if (tag.indexOf('-') < 0 && tag.indexOf('_') < 0 && language(tag).equals(language)) {
          return tag;
        }
      }
    }
    return template.defaultLocale();
  }

  /** True when text in this tag's language (or named script) runs right to left. */
  static boolean isRightToLeft(String tag) {
    String[] parts = tag.replace('_', '-').toLowerCase(Locale.ROOT).split("-");
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].length() == 4) { // the script subtag, when there is one, decides
        return RTL_SCRIPTS.contains(parts[i]);
      }
    }
    return RTL_LANGUAGES.contains(parts[0]);
  }

  /** The Java locale for formatting numbers, currencies and dates in a variant. */
  static Locale toLocale(String tag) {
    return Locale.forLanguageTag(tag.replace('_', '-'));
  }

  private static String language(String tag) {
    String t = tag.replace('_', '-');
    int dash = t.indexOf('-');
    String l = (dash < 0 ? t : t.substring(0, dash)).toLowerCase(Locale.ROOT);
    return ALIASES.getOrDefault(l, l);
  }
}
