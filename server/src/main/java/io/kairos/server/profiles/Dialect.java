package io.kairos.server.profiles;

import io.kairos.server.store.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where SQLite and PostgreSQL differ for these reads: reading a value out of a JSON text column.
 * Values are compared as text in both, as PostgreSQL's {@code ->>} gives them: strings as they are,
 * numbers as written, booleans as {@code true}/{@code false}.
 *
 * <p>PostgreSQL parses the column as {@code json}, not {@code jsonb}: {@code jsonb} refuses a text
 * with a {@code \u0000} escape anywhere in it, which would fail a whole search over one odd trait.
 */
final class Dialect {
  /** A trait name: letters, digits, {@code _} and {@code -}; dots reach into nested objects. */
  static final Pattern TRAIT = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  /** An SQL expression and the values its placeholders take, in order. */
  record Expr(String sql, List<Object> args) {}

  private final Database.Kind kind;

  Dialect(Database.Kind kind) {
    this.kind = kind;
  }

  /**
   * The text of trait {@code name} (validated against {@link #TRAIT}) of the JSON column {@code
   * column}, or SQL NULL when the profile has no such trait.
   */
  Expr jsonText(String column, String name) {
    String[] parts = name.split("\\.");
    List<Object> args = new ArrayList<>();
    if (kind == Database.Kind.POSTGRES) {
      StringBuilder path = new StringBuilder("{");
      for (int i = 0; i < parts.length; i++) {
        path.append(i == 0 ? "" : ",").append('"').append(parts[i]).append('"');
      }
      args.add(path.append('}').toString());
      return new Expr("(" + column + "::json #>> CAST(? AS text[]))", args);
    }
    StringBuilder path = new StringBuilder("$");
    for (String p : parts) {
      path.append(".\"").append(p).append('"');
    }
    args.add(path.toString());
    args.add(path.toString());
    // json_extract gives 1/0 for JSON booleans; PostgreSQL's text is true/false.
    return new Expr(
        "(CASE json_type("
            + column
            + ", ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract("
            + column
            + ", ?) AS TEXT) END)",
        args);
  }

  /** A condition: the JSON column {@code column}'s top-level boolean {@code key} is true. */
  String jsonTrue(String column, String key) {
    if (kind == Database.Kind.POSTGRES) {
      return "(" + column + "::json ->> '" + key + "') = 'true'";
    }
    return "json_extract(" + column + ", '$." + key + "') = 1";
  }
}
