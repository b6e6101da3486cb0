package io.kairos.server;

import io.kairos.server.ingest.EventLog;
import io.kairos.server.runtime.InputLog;
import io.kairos.server.runtime.InputRow;
import io.kairos.server.runtime.LogEntry;
import io.kairos.server.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;

/**
 * The runtime's view of the log, served by the ingest writer: the runtime's own rows (API triggers,
 * erasures) are appended through the same group commit as tracked events, so there is one writer
 * and one increasing sequence.
 */
final class IngestedInputLog implements InputLog {
  private final EventLog log;

  IngestedInputLog(EventLog log) {
    this.log = log;
  }

  @Override
  public long append(List<InputRow> rows) {
    List<EventLog.LogEntry> entries = new ArrayList<>(rows.size());
    for (InputRow r : rows) {
      if (r.mergeFrom() != null) {
        // Merges are decided by identity resolution inside ingestion, never appended from outside.
        throw new IllegalArgumentException("mergeFrom: only ingestion writes merge rows");
      }
      entries.add(
          new EventLog.LogEntry(
              r.workspace(),
              r.profile(),
              r.type(),
              r.name(),
              r.messageId(),
              r.timestamp(),
              r.receivedAt(),
              r.body()));
    }
    try {
      return log.append(entries).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new StoreException("append to the event log failed: " + cause.getMessage(), cause);
    }
  }

  @Override
  public long lastCommittedSeq() {
    return log.lastCommittedSeq();
  }

  @Override
  public long settledSeq(java.time.Duration limit) {
    return log.awaitStored(limit);
  }

  @Override
  public void onCommitted(LongConsumer listener) {
    log.onCommitted(listener);
  }

  @Override
  public void onCommittedRows(CommittedRows listener) {
    log.onCommittedRows(
        (after, upTo, rows) -> {
          List<LogEntry> entries = new ArrayList<>(rows.size());
          for (EventLog.StoredRow r : rows) {
            entries.add(
                new LogEntry(
                    r.seq(),
                    r.partition(),
                    r.workspace(),
                    r.profile(),
                    r.type(),
                    r.name(),
                    r.timestamp(),
                    r.receivedAt(),
                    r.mergeFrom(),
                    r.body()));
          }
          listener.committed(after, upTo, entries);
        });
  }
}
