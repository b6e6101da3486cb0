package io.kairos.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the server is configured with, validated. Built by {@link ConfigLoader} from defaults,
 * an optional YAML file and {@code KAIROS_*} environment variables; every key is documented in
 * docs/operations.md.
 *
 * @param host the address the HTTP server listens on
 * @param port the HTTP port; 0 picks a free one (tests)
 * @param dataDir where the SQLite file lives, and anything else the server keeps on disk
 * @param storeUrl a {@code jdbc:postgresql:} URL to use PostgreSQL; null for the embedded SQLite
 * @param storeUser PostgreSQL user name, or null to take it from the URL
 * @param storePassword PostgreSQL password, or null
 * @param sqliteSynchronous SQLite's {@code synchronous} pragma: FULL (a decision is on disk when
 *     committed) or NORMAL
 * @param journeysDir definitions loaded into the {@code default} workspace when it is first
 *     created; null for none
 * @param templatesDir message templates ({@code <id>.json}, as {@code POST /v1/templates} takes
 *     them) loaded into the {@code default} workspace when it is first created; null for none
 * @param partitions how many partitions (one writer each) profiles are spread over
 * @param maxEventBytes the largest single event accepted
 * @param maxBatchBytes the largest request body accepted
 * @param dedupeWindow how long a {@code messageId} is remembered to drop duplicates
 * @param dedupeFilterBytes the most memory the dedupe window's in-memory filter takes; 0 for none
 *     (every messageId is looked up in the store)
 * @param futureTolerance how far in the future an event timestamp may be before it is clamped
 * @param pastTolerance events older than this (by timestamp, against their arrival) are stored and
 *     update the profile, but start no journey (the runtime enforces it)
 * @param shutdownGrace how long a graceful shutdown waits for in-flight work
 * @param runtimeBatchSize the most inputs (events and timers) a partition writer applies in one
 *     transaction
 * @param timerWindow how many of its soonest timers each partition keeps in memory; the rest stay
 *     in the store
 * @param cacheProfiles how many profile states the runtime keeps in memory, over all partitions
 * @param cacheBytes how much heap those states may take, as their encodings estimate it
 * @param maxImportBytes the largest profile import body, read as a stream and committed in chunks
 * @param delivery the dispatcher and its channels
 * @param ingestQueueCapacity how many events may wait for the ingest writer; beyond it requests are
 *     refused with 503 and Retry-After
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    String storeUrl,
    String storeUser,
    String storePassword,
    String sqliteSynchronous,
    Path journeysDir,
    Path templatesDir,
    int partitions,
    int maxEventBytes,
    int maxBatchBytes,
    Duration dedupeWindow,
    long dedupeFilterBytes,
    Duration futureTolerance,
    Duration pastTolerance,
    Duration shutdownGrace,
    int runtimeBatchSize,
    int timerWindow,
    int cacheProfiles,
    long cacheBytes,
    long maxImportBytes,
    int ingestQueueCapacity,
    DeliveryConfig delivery) {

  /** Whether the store is PostgreSQL rather than the embedded SQLite file. */
  public boolean usesPostgres() {
    return storeUrl != null;
  }

  /** The same configuration with another port. */
  public ServerConfig withPort(int newPort) {
    return new ServerConfig(
        host,
        newPort,
        dataDir,
        storeUrl,
        storeUser,
        storePassword,
        sqliteSynchronous,
        journeysDir,
        templatesDir,
        partitions,
        maxEventBytes,
        maxBatchBytes,
        dedupeWindow,
        dedupeFilterBytes,
        futureTolerance,
        pastTolerance,
        shutdownGrace,
        runtimeBatchSize,
        timerWindow,
        cacheProfiles,
        cacheBytes,
        maxImportBytes,
        ingestQueueCapacity,
        delivery);
  }
}
