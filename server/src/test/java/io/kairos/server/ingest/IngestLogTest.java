package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.server.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestLogTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> texts(List<IngestLog.Entry> entries) {
    return entries.stream().map(e -> e.number() + ":" + new String(e.payload())).toList();
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void recordsTheStoreLacksAreReadBackInOrderAndNumberingGoesOn() throws IOException {
    try (IngestLog log = IngestLog.open(dir, 1 << 20, 0, new ArrayList<>())) {
      assertThat(log.append(List.of(bytes("a"), bytes("b")))).isEqualTo(2);
      assertThat(log.append(List.of(bytes("c")))).isEqualTo(3);
    }
    List<IngestLog.Entry> unstored = new ArrayList<>();
    try (IngestLog log = IngestLog.open(dir, 1 << 20, 1, unstored)) {
      assertThat(texts(unstored)).containsExactly("2:b", "3:c");
      assertThat(log.nextNumber()).isEqualTo(4);
      log.append(List.of(bytes("d")));
    }
    unstored.clear();
    IngestLog.open(dir, 1 << 20, 3, unstored).close();
    assertThat(texts(unstored)).containsExactly("4:d");
  }

  @Test
  void aTornLastRecordIsCutOffAndTheNextAppendTakesItsNumber() throws IOException {
    try (IngestLog log = IngestLog.open(dir, 1 << 20, 0, new ArrayList<>())) {
      log.append(List.of(bytes("kept")));
    }
    Path segment = dir.resolve(files().get(0));
    long intact = Files.size(segment);
    // What a crash in the middle of a write leaves: a header and part of a payload.
    Files.write(segment, new byte[] {0, 0, 0, 9, 1, 2, 3, 4, 0, 0}, StandardOpenOption.APPEND);
    List<IngestLog.Entry> unstored = new ArrayList<>();
    try (IngestLog log = IngestLog.open(dir, 1 << 20, 0, unstored)) {
      assertThat(texts(unstored)).containsExactly("1:kept");
      assertThat(Files.size(segment)).isEqualTo(intact);
      assertThat(log.append(List.of(bytes("next")))).isEqualTo(2);
    }
    unstored.clear();
    IngestLog.open(dir, 1 << 20, 0, unstored).close();
    assertThat(texts(unstored)).containsExactly("1:kept", "2:next");
  }

  @Test
  void aDamagedRecordInAnOlderSegmentStopsTheStartNamingTheFile() throws IOException {
    try (IngestLog log = IngestLog.open(dir, 64, 0, new ArrayList<>())) {
      log.append(List.of(bytes("x".repeat(80))));
      log.append(List.of(bytes("second segment")));
    }
    assertThat(files()).hasSize(2);
    Path first = dir.resolve(files().get(0));
    byte[] b = Files.readAllBytes(first);
    b[20] ^= 0x55;
    Files.write(first, b);
    assertThatThrownBy(() -> IngestLog.open(dir, 64, 0, new ArrayList<>()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(first.getFileName().toString())
        .hasMessageContaining("record 1")
        .hasMessageContaining("damaged");
  }

  @Test
  void segmentsGoOnceTheStoreHasEveryRecordInThem() throws IOException {
    try (IngestLog log = IngestLog.open(dir, 64, 0, new ArrayList<>())) {
      for (int i = 1; i <= 4; i++) {
        log.append(List.of(bytes("record " + i + " " + "y".repeat(70))));
      }
      // Every append after the first starts a segment (each record is past 64 bytes).
      assertThat(files()).hasSize(4);
      log.release(2);
      assertThat(files()).containsExactly("00000000000000000003.log", "00000000000000000004.log");
      // The newest segment stays, appends go on in it.
      log.release(4);
      assertThat(files()).containsExactly("00000000000000000004.log");
      assertThat(log.append(List.of(bytes("five")))).isEqualTo(5);
    }
    List<IngestLog.Entry> unstored = new ArrayList<>();
    IngestLog.open(dir, 64, 4, unstored).close();
    assertThat(texts(unstored)).containsExactly("5:five");
  }

  @Test
  void aStoreAheadOfTheLogStartsAFreshSegmentPastIt() throws IOException {
    try (IngestLog log = IngestLog.open(dir, 1 << 20, 0, new ArrayList<>())) {
      log.append(List.of(bytes("old")));
    }
    List<IngestLog.Entry> unstored = new ArrayList<>();
    try (IngestLog log = IngestLog.open(dir, 1 << 20, 7, unstored)) {
      assertThat(unstored).isEmpty();
      assertThat(log.nextNumber()).isEqualTo(8);
      log.append(List.of(bytes("eight")));
    }
    assertThat(files()).containsExactly("00000000000000000008.log");
    IngestLog.open(dir, 1 << 20, 7, unstored).close();
    assertThat(texts(unstored)).containsExactly("8:eight");
  }
}
