package io.kairos.server.ingest;

import io.javalin.config.RoutesConfig;
import io.kairos.event.EventParser;
import io.kairos.server.Capability;
import io.kairos.server.config.ConfigException;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.http.Authenticator;
import io.kairos.server.openapi.OpenApi;
import io.kairos.server.openapi.TrackingPaths;
import io.kairos.server.ops.Metrics;
import io.kairos.server.store.Database;
import io.kairos.server.store.Settings;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Ingestion: the Segment-compatible tracking API ({@link TrackingApi}), profile import ({@link
 * ProfileImport}) and the one writer of the event log ({@link IngestWriter}), which the runtime
 * reads through {@link #eventLog()}.
 */
public final class Ingestion implements Capability {

  /**
   * The parser's clock for messages without any time: a value no ISO timestamp gives, so the intake
   * can tell such messages apart and stamp them with their arrival time exactly.
   */
  static final long NO_TIME = Long.MIN_VALUE;

  /** The ingest log's directory under the data directory. */
  public static final String LOG_DIRECTORY = "ingest-log";

  private final ServerConfig config;
  private final Database db;
  private final Partitioner partitioner;
  private final IngestWriter writer;
  private final TrackingApi tracking;
  private final ProfileImport imports;

  public Ingestion(
      ServerConfig config, Database db, Authenticator auth, Metrics metrics, InstantSource clock) {
    this.config = config;
    this.db = db;
    this.partitioner = new Partitioner(config.partitions());
    EventParser parser =
        EventParser.builder()
            .defaultTimestamp(
                new InstantSource() {
                  @Override
                  public Instant instant() {
                    return Instant.ofEpochMilli(NO_TIME);
                  }

                  @Override
                  public long millis() {
                    return NO_TIME;
                  }
                })
            .build();
    IngestWriter[] self = new IngestWriter[1];
    IngestMetrics meters = new IngestMetrics(metrics.registry(), () -> self[0].queued());
    this.writer =
        new IngestWriter(
            db,
            config.dataDir().resolve(LOG_DIRECTORY),
            IngestLog.SEGMENT_BYTES,
            partitioner,
            config.dedupeWindow(),
            config.dedupeFilterBytes(),
            clock,
            config.ingestQueueCapacity(),
            meters);
    self[0] = writer;
    MessageIntake intake =
        new MessageIntake(parser, config.maxEventBytes(), config.futureTolerance());
    this.tracking =
        new TrackingApi(
            auth,
            writer,
            intake,
            parser,
            meters,
            clock,
            config.maxEventBytes(),
            config.maxBatchBytes());
    this.imports =
        new ProfileImport(tracking, writer, intake, meters, clock, config.maxImportBytes());
  }

  /**
   * Counts the events stored but not yet applied by the engine against {@code
   * ingest.queue_capacity}: a client sending faster than the engine applies is refused with 503
   * once the engine is that far behind, instead of the backlog growing without bound.
   */
  public void limitBacklog(java.util.function.LongSupplier engineBehind) {
    writer.limitBacklog(engineBehind);
  }

  /** The event log the runtime reads: commit signal, last committed seq, appends. */
  public EventLog eventLog() {
    return writer;
  }

  IngestWriter writer() {
    return writer;
  }

  /** The partition function every capability must use. */
  public Partitioner partitioner() {
    return partitioner;
  }

  @Override
  public void routes(RoutesConfig routes) {
    tracking.routes(routes);
    imports.routes(routes);
  }

  @Override
  public void describe(OpenApi api) {
    TrackingPaths.describe(api);
  }

  @Override
  public void start() {
    checkPartitions(db, config.partitions());
    writer.start();
  }

  /**
   * Fixes the store's partition count at its first start and refuses another one later: a profile's
   * partition depends on the count, and changing it would send a profile's new events to another
   * writer than its state and timers.
   *
   * @throws ConfigException when the store was created with another count
   */
  public static void checkPartitions(Database db, int wanted) {
    Integer stored =
        db.transaction(
            c -> {
              String value = Settings.get(c, "partitions");
              if (value != null) {
                return Integer.parseInt(value);
              }
              try (PreparedStatement ps =
                  c.prepareStatement("INSERT INTO settings(key, value) VALUES ('partitions', ?)")) {
                ps.setString(1, Integer.toString(wanted));
                ps.executeUpdate();
              }
              return null;
            });
    if (stored != null && stored != wanted) {
      throw new ConfigException(
          "runtime.partitions: the store was created with "
              + stored
              + " partitions and cannot change (profiles would move to other partitions);"
              + " set runtime.partitions to "
              + stored);
    }
  }

  @Override
  public boolean ready() {
    return writer.running();
  }

  /**
   * New tracking requests, imports, API triggers and erasures get 503 from now on; what the writer
   * had queued is committed and answered (waiting at most {@code shutdown.grace}).
   */
  @Override
  public void stopAccepting() {
    writer.stop(config.shutdownGrace());
  }

  @Override
  public void stop() {
    writer.stop(config.shutdownGrace());
  }
}
