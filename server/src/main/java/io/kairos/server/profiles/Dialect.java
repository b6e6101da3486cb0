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
 * <p>PostgreSQL's JSON functions refuse a text with a NUL escape (backslash, u0000) anywhere in it,
 * since text cannot hold NUL, and one such trait would fail a whole search. Such a text is read
 * with each real NUL escape (not one whose backslash is itself escaped) replaced by the escape of
 * U+FFFD first; every other text is parsed as stored.
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
      args.addAll(NUL_ARGS);
      args.add(path.append('}').toString());
      return new Expr("(" + pgJson(column) + " #>> CAST(? AS text[]))", args);
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

  /**
   * The ORDER BY term for a key column. When a selective index other than the key's serves the
   * filter ({@code selective}), SQLite must not be tempted to walk the key's index for its order
   * (without statistics it does, scanning the whole workspace): {@code +column} sorts the few rows
   * found instead.
   */
  String byId(String column, boolean selective) {
    return selective && kind == Database.Kind.SQLITE ? "+" + column : column;
  }

  /** PostgreSQL: the column as {@code json}, NUL escapes replaced (three placeholders). */
  private static String pgJson(String column) {
    return "(CASE WHEN strpos("
        + column
        + ", ?) = 0 THEN "
        + column
        + " ELSE regexp_replace("
        + column
        + ", ?, ?, 'g') END)::json";
  }

  /**
   * The escape to look for, the pattern of a real one (not preceded by an odd number of
   * backslashes) and its replacement, bound as values so that no SQL literal escaping applies.
   */
  private static final List<Object> NUL_ARGS =
      List.of("\\u0000", "(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000", "\\1\\\\ufffd");
}
