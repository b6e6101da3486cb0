package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {

  private static List<CsvReader.Row> rows(String text) throws IOException {
    CsvReader r = new CsvReader(new StringReader(text));
    List<CsvReader.Row> out = new ArrayList<>();
    for (CsvReader.Row row; (row = r.next()) != null; ) {
      out.add(row);
    }
    return out;
  }

  @Test
  void recordsKnowTheLineTheyStartOn() throws IOException {
    List<CsvReader.Row> rows = rows("\uFEFFa,b\r\n1,\"x, \"\"y\"\"\r\nz\"\r\n\r\n2,\n\"\",3");
    assertThat(rows).extracting(CsvReader.Row::line).containsExactly(1, 2, 5, 6);
    assertThat(rows.get(0).cells()).containsExactly("a", "b");
    assertThat(rows.get(1).cells()).containsExactly("1", "x, \"y\"\r\nz");
    assertThat(rows.get(2).cells()).containsExactly("2", "");
    assertThat(rows.get(3).cells()).containsExactly("", "3");
    assertThat(rows).allSatisfy(r -> assertThat(r.error()).isNull());
  }

  @Test
  void aMalformedRecordIsReportedAndReadingGoesOn() throws IOException {
    List<CsvReader.Row> rows = rows("a,b\n\"bad\"x,1\nc,d\ne,\"open\nf,g\n");
    assertThat(rows).extracting(CsvReader.Row::line).containsExactly(1, 2, 3, 4);
    assertThat(rows.get(1).error()).contains("closing quote");
    assertThat(rows.get(2).cells()).containsExactly("c", "d");
    assertThat(rows.get(3).error()).contains("not closed");
    // A quote inside an unquoted cell is text, as spreadsheets write it.
    assertThat(rows("5\" screen,x\n").get(0).cells()).containsExactly("5\" screen", "x");
  }
}
