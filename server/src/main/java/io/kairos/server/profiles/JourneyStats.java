package io.kairos.server.profiles;

import io.kairos.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of what journeys decided, per journey, step and (when asked) version, summed from the
 * counters the runtime keeps per quarter hour ({@code journey_counts}, written with the timeline
 * rows they count: the same effects the simulator's summary counts). One statement, so one
 * committed state. The counters are defined in docs/api.md ("Journey stats"); each decision belongs
 * to exactly one step, so a journey's totals are the sums of its steps.
 *
 * <p>What became of the messages (delivered, bounced, opened...) is not in the timeline as
 * decisions: it is counted from the marks on each message's {@code outbox} row ({@code
 * delivery.MessageMarks}), which the same statement aggregates per journey, send step and version,
 * for the messages decided in the window.
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
          "holdout_revenue",
          "delivered",
          "bounced",
          "failed",
          "unique_opens",
          "machine_opens",
          "unique_clicks",
          "unsubscribed",
          "read");

  /** Where the counters of the outbox (what became of each message) start in {@link #COUNTERS}. */
  private static final int OUTBOX = 12;

  /** The outbox counters, in the order of {@link #COUNTERS}: one number per message each. */
  private static final String OUTBOX_COUNTS =
      "COUNT(delivered_at), COUNT(bounced_at), COUNT(failed_at), COUNT(first_open_at),"
          + " SUM(CASE WHEN machine_opens > 0 THEN 1 ELSE 0 END), COUNT(first_click_at),"
          + " COUNT(unsubscribed_at), COUNT(read_at)";

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
   * from} or later and before {@code to} (each null: unbounded; else on a quarter hour, as the
   * counters are kept).
   */
  List<Group> groups(String workspace, String journey, Long from, Long to, boolean byVersion) {
    List<Object> args = new ArrayList<>();
    String version = byVersion ? "NULLIF(version, '')" : "CAST(NULL AS TEXT)";
    // The outbox keeps the version in the payload only: parsed when asked for, and then only for
    // the journey's rows in the window.
    Dialect.Expr outboxVersion =
        byVersion
            ? dialect.jsonText("payload", "version")
            : new Dialect.Expr("CAST(NULL AS TEXT)", List.of());
    String sql =
        "SELECT journey, NULLIF(step, ''), "
            + version
            + ", kind, SUM(n), SUM(held), SUM(revenue), SUM(held_revenue), 0, 0, 0, 0"
            + " FROM journey_counts"
            + where(workspace, journey, from, to, args)
            + " GROUP BY journey, NULLIF(step, ''), "
            + version
            + ", kind HAVING SUM(n) <> 0"
            + " UNION ALL SELECT journey, step, v, 'outbox', "
            + OUTBOX_COUNTS
            + " FROM (SELECT journey, step, "
            + outboxVersion.sql()
            + " AS v, delivered_at, bounced_at, failed_at, first_open_at, machine_opens,"
            + " first_click_at, unsubscribed_at, read_at FROM outbox"
            + outboxWhere(workspace, journey, from, to, outboxVersion.args(), args)
            + ") o GROUP BY journey, step, v";
    return db.read(
        c -> {
          Map<List<String>, double[]> groups = new LinkedHashMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                double[] v =
                    groups.computeIfAbsent(
                        Arrays.asList(rs.getString(1), rs.getString(2), rs.getString(3)),
                        k -> new double[COUNTERS.size()]);
                if ("outbox".equals(rs.getString(4))) {
                  for (int i = 0; i < COUNTERS.size() - OUTBOX; i++) {
                    v[OUTBOX + i] += rs.getLong(5 + i);
                  }
                  continue;
                }
                count(
                    v,
                    rs.getString(4),
                    rs.getLong(5),
                    rs.getLong(6),
                    rs.getDouble(7),
                    rs.getDouble(8));
              }
            }
          }
          List<Group> out = new ArrayList<>();
          groups.forEach((k, v) -> out.add(new Group(k.get(0), k.get(2), k.get(1), v)));
          return out;
        });
  }

  private static String where(
      String workspace, String journey, Long from, Long to, List<Object> args) {
    StringBuilder where = new StringBuilder(" WHERE workspace = ?");
    args.add(workspace);
    if (journey != null) {
      where.append(" AND journey = ?");
      args.add(journey);
    }
    if (from != null) {
      where.append(" AND bucket >= ?");
      args.add(from);
    }
    if (to != null) {
      where.append(" AND bucket < ?");
      args.add(to);
    }
    return where.toString();
  }

  /**
   * The outbox's filter: the messages decided in the window ({@code created_at} is the decision's
   * time, the {@code at} of its timeline row), through the index {@code outbox_journey}. {@code
   * first} are the arguments of the select list, which come before.
   */
  private static String outboxWhere(
      String workspace, String journey, Long from, Long to, List<Object> first, List<Object> args) {
    args.addAll(first);
    StringBuilder where = new StringBuilder(" WHERE workspace = ?");
    args.add(workspace);
    if (journey != null) {
      where.append(" AND journey = ?");
      args.add(journey);
    } else {
      where.append(" AND journey IS NOT NULL");
    }
    if (from != null) {
      where.append(" AND created_at >= ?");
      args.add(from);
    }
    if (to != null) {
      where.append(" AND created_at < ?");
      args.add(to);
    }
    return where.toString();
  }

  /** Adds one row of the statement (a kind's count) to a group's counters. */
  private static void count(
      double[] v, String kind, long n, long held, double revenue, double heldRevenue) {
    switch (kind) {
      case "entered" -> v[0] += n;
      case "entry_refused" -> v[1] += n;
      case "completed" -> v[2] += n;
      case "exited" -> v[3] += n;
      case "send" -> v[4] += n;
      case "deferred" -> v[5] += n;
      case "deferred_messages" -> v[6] += n;
      case "skipped" -> v[7] += n;
      case "converted" -> {
        v[8] += n - held;
        v[9] += revenue;
        v[10] += held;
        v[11] += heldRevenue;
      }
      default -> {
        // Not a counted kind: the statement does not select any other.
      }
    }
  }
}
