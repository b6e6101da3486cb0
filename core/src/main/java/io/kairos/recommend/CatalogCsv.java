package io.kairos.recommend;

import io.kairos.journey.JourneyLoadException;
import io.kairos.journey.JourneyLoadException.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a product catalogue from CSV text (RFC 4180: a header line, commas, fields in double quotes
 * may hold commas, quotes doubled, and line breaks). Columns are named by the header: {@code id}
 * (required), {@code name}, {@code price}, {@code category}, {@code url}, {@code image}, in any
 * order; other columns are ignored, as shop exports carry many. Pure: text in, catalogue out.
 */
public final class CatalogCsv {

  static final List<String> COLUMNS = List.of("id", "name", "price", "category", "url", "image");

  private CatalogCsv() {}

  /**
   * @param source the file name, for messages
   * @throws JourneyLoadException with every problem, each at its line and the column of its field
   */
  public static Catalog parse(String source, String text) throws JourneyLoadException {
    List<Problem> problems = new ArrayList<>();
    List<Row> rows = rows(source, text, problems);
    if (!problems.isEmpty()) {
      throw new JourneyLoadException(problems);
    }
    if (rows.isEmpty()) {
      throw new JourneyLoadException(
          List.of(
              new Problem(source, 1, 1, "no header line; expected " + String.join(",", COLUMNS))));
    }
    Row header = rows.get(0);
    Map<String, Integer> col = new HashMap<>();
    for (int i = 0; i < header.fields.size(); i++) {
      String name = header.fields.get(i).strip().toLowerCase(Locale.ROOT);
      if (COLUMNS.contains(name) && col.putIfAbsent(name, i) != null) {
        problems.add(
            new Problem(source, header.line, header.columns.get(i), "column '" + name + "' twice"));
      }
    }
    if (!col.containsKey("id")) {
      problems.add(
          new Problem(
              source,
              header.line,
              1,
              "the header has no 'id' column; columns are " + String.join(", ", COLUMNS)));
      throw new JourneyLoadException(problems);
    }
    List<Product> products = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Row r : rows.subList(1, rows.size())) {
      if (r.fields.size() == 1 && r.fields.get(0).isBlank()) {
        continue; // a blank line
      }
      String id = field(r, col, "id");
      if (id == null) {
        problems.add(at(source, r, col.get("id"), "id: required"));
        continue;
      }
      Integer first = seen.putIfAbsent(id, r.line);
      if (first != null) {
        problems.add(
            at(source, r, col.get("id"), "id: product '" + id + "' is already on line " + first));
        continue;
      }
      Double price = null;
      String p = field(r, col, "price");
      if (p != null) {
        try {
          price = Double.parseDouble(p);
          if (!(price >= 0) || price.isInfinite()) {
            problems.add(at(source, r, col.get("price"), "price: must be 0 or more, not " + p));
          }
        } catch (NumberFormatException e) {
          problems.add(
              at(source, r, col.get("price"), "price: '" + p + "' is not a number (write 19.99)"));
        }
      }
      String url = link(source, r, col, "url", problems);
      String image = link(source, r, col, "image", problems);
      products.add(
          new Product(id, field(r, col, "name"), price, field(r, col, "category"), url, image));
    }
    if (!problems.isEmpty()) {
      throw new JourneyLoadException(problems);
    }
    return new Catalog(products);
  }

  private static String link(
      String source, Row r, Map<String, Integer> col, String name, List<Problem> problems) {
    String v = field(r, col, name);
    if (v != null && !(v.startsWith("https://") || v.startsWith("http://"))) {
      problems.add(at(source, r, col.get(name), name + ": must start with https:// or http://"));
    }
    return v;
  }

  /** The stripped field, or null when the column is absent, the row short, or the value empty. */
  private static String field(Row r, Map<String, Integer> col, String name) {
    Integer i = col.get(name);
    if (i == null || i >= r.fields.size()) {
      return null;
    }
    String v = r.fields.get(i).strip();
    return v.isEmpty() ? null : v;
  }

  private static Problem at(String source, Row r, Integer index, String message) {
    boolean known = index != null && index < r.columns.size();
    return new Problem(
        source, known ? r.lines.get(index) : r.line, known ? r.columns.get(index) : 1, message);
  }

  /** One record: its fields, the line it starts on, each field's line and column (1-based). */
  private record Row(int line, List<String> fields, List<Integer> lines, List<Integer> columns) {}

  private static List<Row> rows(String source, String text, List<Problem> problems) {
    List<Row> rows = new ArrayList<>();
    int i = text.startsWith("\uFEFF") ? 1 : 0;
    int line = 1;
    int lineStart = i;
    int n = text.length();
    while (i < n) {
      int rowLine = line;
      List<String> fields = new ArrayList<>();
      List<Integer> lines = new ArrayList<>();
      List<Integer> columns = new ArrayList<>();
      while (true) {
        lines.add(line);
        columns.add(i - lineStart + 1);
        StringBuilder f = new StringBuilder();
        if (i < n && text.charAt(i) == '"') {
          int openLine = line;
          int openColumn = i - lineStart + 1;
          i++;
          boolean closed = false;
          while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
              if (i + 1 < n && text.charAt(i + 1) == '"') {
                f.append('"');
                i += 2;
                continue;
              }
              i++;
              closed = true;
              break;
            }
            if (c == '\n') {
              line++;
              lineStart = i + 1;
            }
            f.append(c);
            i++;
          }
          if (!closed) {
            problems.add(new Problem(source, openLine, openColumn, "unterminated quoted field"));
            return rows;
          }
          if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
            problems.add(
                new Problem(
                    source,
                    line,
                    i - lineStart + 1,
                    "text after a closing quote; double it: \"\""));
            return rows;
          }
        } else {
          while (i < n
              && text.charAt(i) != ','
              && text.charAt(i) != '\n'
              && text.charAt(i) != '\r') {
            f.append(text.charAt(i));
            i++;
          }
        }
        fields.add(f.toString());
        if (i < n && text.charAt(i) == ',') {
          i++;
          continue;
        }
        break;
      }
      if (i < n && text.charAt(i) == '\r') {
        i++;
      }
      if (i < n && text.charAt(i) == '\n') {
        i++;
      }
      line++;
      lineStart = i;
      rows.add(new Row(rowLine, fields, lines, columns));
    }
    return rows;
  }
}
