package io.kairos.journey;

import java.util.Optional;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Finds where a character of a scalar's value sits in the file, so an error inside a CEL expression
 * points at the bad token, not at the start of the line.
 *
 * <p>A scalar's value is not its text in the file: quotes open it, {@code ''} and backslash escapes
 * stand for one character, block scalars are indented and folded. The value is walked alongside the
 * raw text, which is exact for single-line plain and quoted scalars and lands on the right line for
 * block and multi-line scalars.
 */
final class ScalarPositions {

  private ScalarPositions() {}

  /**
   * The 0-based line and column of the char at {@code offset} in the node's value (the end of the
   * value when the offset is its length).
   */
  static int[] locate(int[] text, ScalarNode node, int offset) {
    Optional<Mark> startMark = node.getStartMark();
    Optional<Mark> endMark = node.getEndMark();
    if (startMark.isEmpty() || endMark.isEmpty()) {
      return new int[] {0, 0};
    }
    Mark start = startMark.get();
    String value = node.getValue();
    if (offset < 0) {
      return new int[] {start.getLine(), start.getColumn()};
    }
    int[] v = value.codePoints().toArray();
    int target = value.codePointCount(0, Math.min(offset, value.length()));
    int end = Math.min(endMark.get().getIndex(), text.length);
    int r = start.getIndex();
    ScalarStyle style = node.getScalarStyle();
    boolean block = style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED;
    int indent = 0;
    if (block) {
      // The header (| or > with indicators) ends at the first line break.
      while (r < end && text[r] != '\n') {
        r++;
      }
      indent = blockIndent(text, r, end);
    } else if (style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED) {
      r++;
    }
    int i = 0;
    while (i < target && r < end) {
      int c = text[r];
      if (block && c == '\n') {
        // The block's indentation is not part of the value; spaces beyond it are.
        r++;
        for (int k = 0; k < indent && r < end && text[r] == ' '; k++) {
          r++;
        }
      } else if (style == ScalarStyle.SINGLE_QUOTED
          && c == '\''
          && r + 1 < end
          && text[r + 1] == '\'') {
        r += 2;
        i++;
      } else if (style == ScalarStyle.DOUBLE_QUOTED && c == '\\' && r + 1 < end) {
        int escape = escapeLength(text[r + 1]);
        r += escape;
        if (escape > 0 && text[r - escape + 1] != '\n' && text[r - escape + 1] != '\r') {
          i++;
        }
      } else if (c == v[i]) {
        r++;
        i++;
      } else if (isWhitespace(c)) {
        r++; // indentation or a line break that folding removed
      } else if (isWhitespace(v[i])) {
        i++; // a space that folding put in place of a line break
      } else {
        r++;
      }
    }
    int line = start.getLine();
    int column = start.getColumn();
    for (int k = start.getIndex(); k < r && k < text.length; k++) {
      if (text[k] == '\n') {
        line++;
        column = 0;
      } else {
        column++;
      }
    }
    return new int[] {line, column};
  }

  /** The indentation of the first non-blank line from {@code r}, which sets the block's. */
  private static int blockIndent(int[] text, int r, int end) {
    int spaces = 0;
    for (int k = r + 1; k < end; k++) {
      if (text[k] == ' ') {
        spaces++;
      } else if (text[k] == '\n' || text[k] == '\r') {
        spaces = 0;
      } else {
        return spaces;
      }
    }
    return spaces;
  }

  private static int escapeLength(int c) {
    return switch (c) {
      case 'x' -> 4;
      case 'u' -> 6;
      case 'U' -> 10;
      default -> 2;
    };
  }

  private static boolean isWhitespace(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
}
