package io.kairos.server.profiles;

import io.kairos.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts of what journeys decided, per journey, step and (when asked) version, computed by SQL
 * aggregates over the {@code timeline} rows the runtime wrote — the same effects the simulator's
 * summary counts. One statement, so one committed state. The counters are defined in docs/api.md
 * ("Journey stats"); each timeline row belongs to exactly one step, so a journey's totals are the
 * sums of its steps.
 */
final class JourneyStats {
  /** The counters, in the order they are shown. */
  static final List<String> COUNTERS =
      List.of(
          "entered",
          "refused",
          "completed",
          "exited",
          "sent",
          "deferred",
          "deferred_messages",
          "skipped",
          "converted",
          "revenue",
          "holdout_converted",
          "holdout_revenue");

  /** The timeline kinds the counters read. */
  private static final String KINDS =
      "'entered', 'entry_refused', 'completed', 'exited', 'send', 'deferred', 'skipped',"
          + " 'converted'";

  /**
   * The counts of one journey, step and version (null unless split by version), in the order of
   * {@link #COUNTERS}; revenue counters as doubles.
   */
  record Group(String journey, String version, String step, double[] values) {}

  private final Database db;
  private final Dialect dialect;

  JourneyStats(Database db) {
    this.db = db;
    this.dialect = new Dialect(db.kind());
  }

  /**
   * The groups of {@code workspace}, of one journey or all (null), with decisions made at {@code
   * from} or later and before {@code to} (each null: unbounded).
   */
  List<Group> groups(String workspace, String journey, Long from, Long to, boolean byVersion) {
    Dialect.Expr held = dialect.jsonTrue("detail", "holdout");
    List<Object> args = new ArrayList<>(held.args());
    StringBuilder where = new StringBuilder(" WHERE workspace = ?");
    args.add(workspace);
    if (journey != null) {
      where.append(" AND journey = ?");
      args.add(journey);
    } else {
      where.append(" AND journey IS NOT NULL");
    }
    where.append(" AND kind IN (").append(KINDS).append(')');
    if (from != null) {
      where.append(" AND at >= ?");
      args.add(from);
    }
    if (to != null) {
      where.append(" AND at < ?");
      args.add(to);
    }
    String version = byVersion ? "version" : "CAST(NULL AS TEXT)";
    // The holdout flag lives in the detail JSON of conversions only: read it once per conversion.
    String sql =
        "SELECT journey, step, v,"
            + " SUM(CASE WHEN kind = 'entered' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN kind = 'entry_refused' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN kind = 'completed' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN kind = 'exited' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN kind = 'send' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN kind = 'deferred' THEN 1 ELSE 0 END),"
            + " COUNT(DISTINCT CASE WHEN kind = 'deferred' THEN message_id END),"
            + " SUM(CASE WHEN kind = 'skipped' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN kind = 'converted' AND held = 0 THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN kind = 'converted' AND held = 0 THEN COALESCE(revenue, 0)"
            + " ELSE 0 END),"
            + " SUM(CASE WHEN kind = 'converted' AND held = 1 THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN kind = 'converted' AND held = 1 THEN COALESCE(revenue, 0)"
            + " ELSE 0 END)"
            + " FROM (SELECT journey, step, "
            + version
            + " AS v, kind, message_id, revenue,"
            + " CASE WHEN kind = 'converted' THEN (CASE WHEN "
            + held.sql()
            + " THEN 1 ELSE 0 END) ELSE 0 END AS held"
            + " FROM timeline"
            + where
            + ") x GROUP BY journey, step, v";
    return db.read(
        c -> {
          List<Group> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                double[] values = new double[COUNTERS.size()];
                for (int i = 0; i < values.length; i++) {
                  values[i] = rs.getDouble(4 + i);
                }
                out.add(new Group(rs.getString(1), rs.getString(3), rs.getString(2), values));
              }
            }
          }
          return out;
        });
  }
}
