package io.kairos.server.ingest;

import io.kairos.server.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The ingest write-ahead log: what a tracking request's 200 stands on. Records are appended to
 * segment files in the data directory and forced to disk, many requests per force (group commit);
 * the {@link IngestWriter} then moves them into the store's {@code events} table and, once they are
 * there, their segments are deleted. After a crash the records the store does not have yet are read
 * back and moved again.
 *
 * <p>A segment is named by the number of its first record (20 digits) and holds records numbered
 * consecutively from there: {@code [length int][crc32c int][number long][payload]}, the CRC over
 * the number and the payload. A crash can leave a partial record only at the end of the newest
 * segment; {@link #open} cuts it off (it was never acknowledged: acknowledgements wait for the
 * force). A bad record anywhere else is corruption and stops the start with the file and offset.
 *
 * <p>One thread appends; another may {@link #release} at the same time.
 */
final class IngestLog implements AutoCloseable {
  /** A new segment is started once the current one is this big. */
  static final long SEGMENT_BYTES = 64L << 20;

  private static final int HEADER = 16;
  private static final String SUFFIX = ".log";

  /** One record read back. */
  record Entry(long number, byte[] payload) {}

  private final Path dir;
  private final long segmentBytes;
  private final List<Long> segments = new ArrayList<>();
  private FileChannel current;
  private long currentSize;
  private long next;

  private IngestLog(Path dir, long segmentBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
  }

  /**
   * Opens the log in {@code dir} (created if missing), cuts off a torn last record, and returns the
   * records numbered above {@code stored} (those the store does not have) through {@code unstored}.
   *
   * @param stored the number of the last record the store holds (0 when none)
   */
  static IngestLog open(Path dir, long segmentBytes, long stored, List<Entry> unstored) {
    IngestLog log = new IngestLog(dir, segmentBytes);
    try {
      Files.createDirectories(dir);
      log.recover(stored, unstored);
    } catch (IOException e) {
      throw new StoreException("ingest log " + dir + ": " + e.getMessage(), e);
    }
    return log;
  }

  private void recover(long stored, List<Entry> unstored) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(SUFFIX) && n.length() == 20 + SUFFIX.length())
          .map(n -> Long.parseLong(n.substring(0, 20)))
          .sorted()
          .forEach(segments::add);
    }
    long expected = -1;
    long lastEnd = 0;
    for (int i = 0; i < segments.size(); i++) {
      long first = segments.get(i);
      Path file = segmentFile(first);
      boolean newest = i == segments.size() - 1;
      if (expected >= 0 && first != expected) {
        throw new StoreException(
            "ingest log " + file + ": starts at record " + first + ", expected " + expected, null);
      }
      long number = first;
      long offset = 0;
      byte[] bytes = Files.readAllBytes(file);
      ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
      while (offset < bytes.length) {
        byte[] payload = read(buf, (int) offset, number);
        if (payload == null) {
          if (!newest) {
            throw new StoreException(
                "ingest log "
                    + file
                    + ": record "
                    + number
                    + " at byte "
                    + offset
                    + " is damaged (not the newest segment, so not a torn write)",
                null);
          }
          // A write the crash interrupted: never forced, so never acknowledged.
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(offset);
            ch.force(true);
          }
          break;
        }
        if (number > stored) {
          unstored.add(new Entry(number, payload));
        }
        offset += HEADER + payload.length;
        number++;
      }
      expected = number;
      lastEnd = offset;
    }
    if (segments.isEmpty()) {
      next = stored + 1;
      startSegment(next);
    } else {
      next = Math.max(expected, stored + 1);
      if (next != expected) {
        // The store has every record the segments hold: they go, and numbering goes on past it.
        for (long first : segments) {
          Files.deleteIfExists(segmentFile(first));
        }
        segments.clear();
        startSegment(next);
      } else {
        long first = segments.get(segments.size() - 1);
        current =
            FileChannel.open(segmentFile(first), StandardOpenOption.WRITE, StandardOpenOption.READ);
        current.position(lastEnd);
        currentSize = lastEnd;
      }
    }
  }

  /** The payload of the record at {@code offset}, or null when it is incomplete or damaged. */
  private static byte[] read(ByteBuffer buf, int offset, long number) {
    if (buf.limit() - offset < HEADER) {
      return null;
    }
    int length = buf.getInt(offset);
    int crc = buf.getInt(offset + 4);
    long stored = buf.getLong(offset + 8);
    if (length < 0 || length > buf.limit() - offset - HEADER || stored != number) {
      return null;
    }
    CRC32C sum = new CRC32C();
    sum.update(buf.array(), offset + 8, 8 + length);
    if ((int) sum.getValue() != crc) {
      return null;
    }
    byte[] payload = new byte[length];
    System.arraycopy(buf.array(), offset + HEADER, payload, 0, length);
    return payload;
  }

  /** The number the next appended record gets. */
  long nextNumber() {
    return next;
  }

  /**
   * Appends records and forces them to disk: when this returns they survive a crash.
   *
   * @return the number of the last record
   */
  long append(List<byte[]> payloads) throws IOException {
    if (currentSize >= segmentBytes) {
      current.close();
      startSegment(next);
    }
    int total = 0;
    for (byte[] p : payloads) {
      total += HEADER + p.length;
    }
    ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.BIG_ENDIAN);
    long number = next;
    CRC32C sum = new CRC32C();
    for (byte[] p : payloads) {
      int at = buf.position();
      buf.putInt(p.length).putInt(0).putLong(number).put(p);
      sum.reset();
      sum.update(buf.array(), at + 8, 8 + p.length);
      buf.putInt(at + 4, (int) sum.getValue());
      number++;
    }
    buf.flip();
    long before = currentSize;
    try {
      while (buf.hasRemaining()) {
        current.write(buf);
      }
      current.force(false);
    } catch (IOException e) {
      // Whatever reached the file was not acknowledged; cut it so the next record starts clean.
      current.truncate(before);
      current.position(before);
      throw e;
    }
    currentSize = before + total;
    next = number;
    return number - 1;
  }

  /** Whether {@link #release}{@code (stored)} would delete a segment. */
  synchronized boolean releases(long stored) {
    return segments.size() > 1 && segments.get(1) <= stored + 1;
  }

  /**
   * Deletes the segments whose every record is numbered at most {@code stored}. The store's copy of
   * those records must be on disk: the commit that stored them, or one after it, was forced.
   */
  synchronized void release(long stored) {
    while (segments.size() > 1 && segments.get(1) <= stored + 1) {
      long first = segments.remove(0);
      try {
        Files.deleteIfExists(segmentFile(first));
      } catch (IOException e) {
        throw new StoreException("ingest log: cannot delete " + segmentFile(first), e);
      }
    }
  }

  /** How many segment files the log has. */
  synchronized int segmentCount() {
    return segments.size();
  }

  private void startSegment(long first) throws IOException {
    Path file = segmentFile(first);
    current =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ);
    currentSize = 0;
    synchronized (this) {
      segments.add(first);
    }
    // The new file's directory entry must be on disk before a record in it is acknowledged.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private Path segmentFile(long first) {
    return dir.resolve(String.format("%020d", first) + SUFFIX);
  }

  @Override
  public void close() {
    try {
      current.close();
    } catch (IOException e) {
      throw new StoreException("ingest log: " + e.getMessage(), e);
    }
  }
}
