package io.kairos.server.store;

/**
 * How a profile's timeline rows are found: not through an index by profile (a random-key page per
 * profile in every batch), but by following the rows. The profile row holds {@code timeline_head},
 * its newest row; each row holds {@code prev_id}, the profile's row before it, and a {@code merged}
 * row holds {@code branch_id}, the newest row of the anonymous profile merged in. Rows of kind
 * {@code error} may belong to a profile without a row and are also found through the partial index
 * {@code timeline_errors} (docs/runtime.md, "Timeline").
 */
public final class TimelineChain {
  private TimelineChain() {}

  /**
   * A {@code WITH RECURSIVE chain(id)} clause, in the SQL both stores share, naming every row
   * reachable from the ids {@code start} selects (one column). The statement goes on with a query
   * that reads {@code chain}.
   */
  public static String with(String start) {
    return "WITH RECURSIVE chain(id) AS (SELECT * FROM ("
        + start
        + ") s"
        // UNION, not UNION ALL: a row reached twice (an error row is also a head) is kept once.
        + " UNION SELECT CASE two.k WHEN 0 THEN t.prev_id ELSE t.branch_id END"
        + " FROM timeline t JOIN chain ON t.id = chain.id"
        + " JOIN (SELECT 0 AS k UNION ALL SELECT 1) two"
        + " ON (two.k = 0 AND t.prev_id IS NOT NULL) OR (two.k = 1 AND t.branch_id IS NOT NULL)) ";
  }

  /**
   * The start of the chains of the profiles {@code ids} (as {@code n} placeholders after one for
   * the workspace, twice: {@code workspace, ids..., workspace, ids...}): their heads and their
   * error rows.
   */
  public static String startOfProfiles(int n) {
    String in = Placeholders.of(n);
    return "SELECT timeline_head FROM profiles WHERE workspace = ? AND id IN ("
        + in
        + ") AND timeline_head IS NOT NULL"
        + " UNION SELECT id FROM timeline WHERE workspace = ? AND profile IN ("
        + in
        + ") AND kind = 'error'";
  }

  /**
   * The start of a chain from a known head (one placeholder, bound twice: {@code head, head}; 0 for
   * none) and the error rows of {@code n} profiles ({@code workspace, ids...}).
   */
  public static String startOfHead(int n) {
    return "SELECT CAST(? AS BIGINT) WHERE CAST(? AS BIGINT) > 0"
        + " UNION SELECT id FROM timeline WHERE workspace = ? AND profile IN ("
        + Placeholders.of(n)
        + ") AND kind = 'error'";
  }
}
