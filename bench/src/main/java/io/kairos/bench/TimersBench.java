package io.kairos.bench;

import io.kairos.server.config.ConfigLoader;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.definitions.DefinitionManager;
import io.kairos.server.runtime.InputRow;
import io.kairos.server.runtime.Seeder;
import io.kairos.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The pending-timers benchmark's store side (bench/run-timers.sh runs it with the server stopped,
 * except {@code wait-fired} and {@code check}, which only read).
 *
 * <ul>
 *   <li>{@code seed}: fills a store the server created (with examples/journeys published) with
 *       customers who downloaded an e-book, through {@link Seeder}: their messages go into the
 *       events log and the live runtime applies them, so every timer, state and timeline row is the
 *       runtime's own. Each such customer has four pending timers in that workspace (the
 *       e-book-nurture wait of one day, the 7- and 30-day inactivity checks, the Christmas
 *       occasion). First {@code --soon} customers who downloaded it a day before {@code --due-at},
 *       so their nurture wait ends then; then as many customers as make {@code --timers} pending
 *       timers, who downloaded it in the hour before now (their soonest timer is a day away).
 *   <li>{@code wait-fired}: waits until no stored timer is due at or before {@code --due-at} and
 *       prints when that was (epoch ms).
 *   <li>{@code check}: what the soon customers' timers did (one message decision each, from a
 *       timer), the timers left, and the store's size.
 * </ul>
 *
 * <p>The store is the server's: {@code --data DIR} for SQLite, or {@code KAIROS_STORE_URL} and
 * {@code KAIROS_STORE_USER} as for the server.
 */
public final class TimersBench {
  static final String JOURNEY = "ebook-nurture";
  static final String EVENT = "Ebook Downloaded";
  private static final long DAY = 86_400_000L;
  private static final long HOUR = 3_600_000L;
  private static final int CHUNK = 20_000;

  private TimersBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "";
    String data = "./data";
    long timers = 10_000_000;
    int soon = 10_000;
    long dueAt = 0;
    int batch = 5_000;
    double limit = 600;
    for (int i = 1; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--data" -> data = v;
        case "--timers" -> timers = Long.parseLong(v);
        case "--soon" -> soon = Integer.parseInt(v);
        case "--due-at" -> dueAt = Long.parseLong(v);
        case "--batch" -> batch = Integer.parseInt(v);
        case "--limit" -> limit = Double.parseDouble(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    ServerConfig config =
        new ConfigLoader()
            .env(System.getenv())
            .set("data.dir", data)
            .set("server.port", "0")
            .build();
    try (Database db = Database.open(config)) {
      switch (mode) {
        case "seed" -> seed(config, db, timers, soon, dueAt, batch);
        case "wait-fired" -> waitFired(db, config.partitions(), dueAt, limit);
        case "check" -> check(db, config, dueAt, soon);
        default -> {
          System.err.println(
              "usage: TimersBench seed|wait-fired|check --data DIR [--timers N] [--soon N]"
                  + " --due-at EPOCH_MS [--batch N] [--limit SECONDS]");
          System.exit(2);
        }
      }
    }
  }

  // ---- seed ------------------------------------------------------------------------------------

  private static void seed(
      ServerConfig config, Database db, long wanted, int soon, long dueAt, int batch) {
    long started = System.nanoTime();
    long now = System.currentTimeMillis();
    if (dueAt - DAY >= now - HOUR) {
      throw new IllegalArgumentException("--due-at must be less than 23 hours from now");
    }
    DefinitionManager definitions = new DefinitionManager(db, InstantSource.system());
    if (definitions.published("default").journeys().stream()
        .noneMatch(j -> j.id().equals(JOURNEY))) {
      throw new IllegalStateException(
          "journey '"
              + JOURNEY
              + "' is not published in 'default' (start the server once with"
              + " --journeys examples/journeys)");
    }
    try (Seeder seeder =
        new Seeder(config, db, definitions, InstantSource.system(), Math.max(1, batch))) {
      // The soon customers first: the log is in time order, and they downloaded the e-book
      // earliest (a day before --due-at).
      long customers = 0;
      List<InputRow> rows = new ArrayList<>(CHUNK);
      for (int i = 0; i < soon; i++) {
        rows.add(row(String.format(Locale.ROOT, "soon-%07d", i), dueAt - DAY));
        if (rows.size() == CHUNK) {
          seeder.append(rows);
          rows.clear();
        }
      }
      customers += soon;
      seeder.append(rows);
      rows.clear();
      await(seeder);
      long pending = seeder.pendingTimers();
      double perCustomer = soon == 0 ? 4 : (double) pending / soon;
      long more = (long) Math.ceil(Math.max(0, wanted - pending) / perCustomer);
      // The rest downloaded it within the last hour, in log order.
      long from = now - HOUR;
      for (long i = 0; i < more; i++) {
        rows.add(row(String.format(Locale.ROOT, "c-%09d", i), from + i * HOUR / Math.max(1, more)));
        if (rows.size() == CHUNK) {
          seeder.append(rows);
          rows.clear();
          if (i % 500_000 < CHUNK) {
            System.err.printf(
                "appended %,d customers in %.0f s%n", i + 1, (System.nanoTime() - started) / 1e9);
          }
        }
      }
      seeder.append(rows);
      customers += more;
      await(seeder);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "seeded customers=%d pending_timers=%d timers_per_customer=%.2f soon=%d due_at=%s"
              + " seconds=%.1f timers_per_s=%.0f%n",
          customers,
          seeder.pendingTimers(),
          perCustomer,
          soon,
          Instant.ofEpochMilli(dueAt),
          seconds,
          seeder.pendingTimers() / seconds);
    }
  }

  private static void await(Seeder seeder) {
    if (!seeder.awaitApplied(Duration.ofHours(3))) {
      throw new IllegalStateException("the runtime did not apply the seeded events in time");
    }
  }

  private static InputRow row(String user, long at) {
    String messageId = "seed-" + user;
    String json =
        "{\"type\":\"track\",\"messageId\":\""
            + messageId
            + "\",\"userId\":\""
            + user
            + "\",\"event\":\""
            + EVENT
            + "\",\"timestamp\":\""
            + Instant.ofEpochMilli(at)
            + "\",\"properties\":{\"ebook\":\"journeys-at-scale\"}}";
    return new InputRow(
        "default",
        user,
        messageId,
        "track",
        EVENT,
        at,
        at,
        null,
        json.getBytes(StandardCharsets.UTF_8));
  }

  // ---- after a restart
  // ---------------------------------------------------------------------------

  private static void waitFired(Database db, int partitions, long dueAt, double limitSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + (long) (limitSeconds * 1e9);
    while (true) {
      long left = dueBy(db, partitions, dueAt);
      if (left == 0) {
        System.out.println("fired_at_ms=" + System.currentTimeMillis());
        return;
      }
      if (System.nanoTime() > deadline) {
        System.out.println("fired_at_ms=none left=" + left);
        return;
      }
      Thread.sleep(100);
    }
  }

  /** Stored timers due at or before {@code dueAt} (found per partition on timers_due). */
  private static long dueBy(Database db, int partitions, long dueAt) {
    return db.read(
        c -> {
          long n = 0;
          for (int p = 0; p < partitions; p++) {
            n += count(c, "SELECT COUNT(*) FROM timers WHERE partition = ? AND due <= ?", p, dueAt);
          }
          return n;
        });
  }

  private static void check(Database db, ServerConfig config, long dueAt, int soon)
      throws Exception {
    String sql =
        "SELECT COUNT(*), COUNT(DISTINCT profile) FROM timeline WHERE journey = '"
            + JOURNEY
            + "' AND input_seq IS NULL AND kind IN ('send', 'deferred', 'skipped')"
            + " AND profile LIKE 'soon-%'";
    long[] decisions =
        db.read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql);
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
              }
            });
    long outbox =
        db.read(
            c ->
                count(
                    c,
                    "SELECT COUNT(*) FROM outbox WHERE journey = '"
                        + JOURNEY
                        + "' AND profile LIKE 'soon-%'"));
    long due = dueBy(db, config.partitions(), dueAt);
    long total = db.read(c -> count(c, "SELECT COUNT(*) FROM timers"));
    System.out.printf(
        Locale.ROOT,
        "check soon=%d timer_decisions=%d soon_profiles_with_one=%d outbox_rows=%d"
            + " still_due=%d timers_pending=%d store_bytes=%d %s%n",
        soon,
        decisions[0],
        decisions[1],
        outbox,
        due,
        total,
        storeBytes(db, config),
        decisions[0] == soon && decisions[1] == soon && due == 0 ? "OK" : "MISMATCH");
  }

  private static long storeBytes(Database db, ServerConfig config) throws Exception {
    if (db.kind() == Database.Kind.POSTGRES) {
      return db.read(
          c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT pg_database_size(current_database())");
                ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          });
    }
    long n = 0;
    try (Stream<Path> files = Files.list(config.dataDir())) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().startsWith(Database.SQLITE_FILE)) {
          n += Files.size(f);
        }
      }
    }
    return n;
  }

  private static long count(Connection c, String sql, long... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setLong(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
