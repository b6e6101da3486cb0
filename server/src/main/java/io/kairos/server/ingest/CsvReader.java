package io.kairos.server.ingest;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records from a stream, each with the line it starts on, and recovery: a malformed record
 * is reported and reading goes on at the next line, so an import can list every bad row. (CSV
 * libraries stop at the first syntax error, and report where the parser is rather than where the
 * record began.) Fields are separated by commas, records by LF or CRLF; a quoted field may hold
 * commas, quotes (doubled) and line breaks. A quote inside an unquoted field is kept as text, as
 * spreadsheets do. A leading byte-order mark is skipped; blank lines are no records.
 */
final class CsvReader {

  /**
   * One record.
   *
   * @param line the line it starts on (from 1)
   * @param error why it could not be read, or null
   */
  record Row(int line, List<String> cells, String error) {}

  private final Reader in;
  private final char[] buf = new char[8192];
  private int pos;
  private int len;
  private int line = 1;
  private boolean started;

  CsvReader(Reader in) {
    this.in = in;
  }

  private int peek() throws IOException {
    if (pos == len) {
      len = in.read(buf, 0, buf.length);
      pos = 0;
      if (len <= 0) {
        len = 0;
        return -1;
      }
    }
    return buf[pos];
  }

  private int read() throws IOException {
    int c = peek();
    if (c >= 0) {
      pos++;
      if (c == '\n') {
        line++;
      }
    }
    return c;
  }

  /** The next record, or null at the end of the input. */
  Row next() throws IOException {
    if (!started) {
      started = true;
      if (peek() == '\uFEFF') {
        pos++;
      }
    }
    // Blank lines separate nothing.
    while (true) {
      int c = peek();
      if (c == '\n') {
        read();
      } else if (c == '\r') {
        read();
        if (peek() == '\n') {
          read();
        } else {
          line++;
        }
      } else {
        break;
      }
    }
    if (peek() < 0) {
      return null;
    }
    int start = line;
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    while (true) {
      int c = peek();
      if (c == '"' && cell.length() == 0) {
        read();
        String error = quoted(cell);
        if (error != null) {
          return new Row(start, cells, error);
        }
        c = peek();
        if (c != ',' && c != '\n' && c != '\r' && c >= 0) {
          skipLine();
          return new Row(
              start, cells, "a closing quote must end the cell (cell " + (cells.size() + 1) + ")");
        }
      }
      c = read();
      if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
        continue;
      }
      if (c < 0 || c == '\n' || c == '\r') {
        if (c == '\r') {
          if (peek() == '\n') {
            read();
          } else {
            line++;
          }
        }
        cells.add(cell.toString());
        return new Row(start, cells, null);
      }
      cell.append((char) c);
    }
  }

  // Reads a quoted cell's content after its opening quote, up to and including its closing quote.
  private String quoted(StringBuilder cell) throws IOException {
    while (true) {
      int c = read();
      if (c < 0) {
        return "a quoted cell is not closed before the end of the file";
      }
      if (c == '"') {
        if (peek() == '"') {
          read();
          cell.append('"');
          continue;
        }
        return null;
      }
      if (c == '\r' && peek() != '\n') {
        line++;
      }
      cell.append((char) c);
    }
  }

  private void skipLine() throws IOException {
    while (true) {
      int c = read();
      if (c < 0 || c == '\n') {
        return;
      }
      if (c == '\r') {
        if (peek() == '\n') {
          read();
        } else {
          line++;
        }
        return;
      }
    }
  }
}
