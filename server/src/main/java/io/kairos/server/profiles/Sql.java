package io.kairos.server.profiles;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Binding a list of values to a statement's placeholders. */
final class Sql {
  private Sql() {}

  static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      Object v = args.get(i);
      if (v instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (v instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else {
        ps.setString(i + 1, (String) v);
      }
    }
  }
}
