package io.kairos.journey;

import io.kairos.expr.Expression;
import io.kairos.expr.ExpressionCompiler;
import io.kairos.expr.ExpressionException;
import io.kairos.journey.JourneyLoadException.Problem;
import io.kairos.time.Span;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One definition being read: its problems so far, and typed readers for YAML nodes. Every reader
 * reports what is wrong at the node's position and returns null, so reading goes on and the author
 * sees all problems of the file at once.
 */
public final class Doc {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String source;
  private final int[] codePoints;
  private final ExpressionCompiler compiler;
  private final List<Problem> problems = new ArrayList<>();

  public Doc(String source, String text, ExpressionCompiler compiler) {
    this.source = source;
    // Marks count code points; so does this copy, to place errors inside scalars.
    this.codePoints = text.codePoints().toArray();
    this.compiler = compiler;
  }

  /** Where the text came from (a file name), as problems name it. */
  public String source() {
    return source;
  }

  /** Compiles an expression's text; a way other than the two of {@link ExpressionCompiler}. */
  @FunctionalInterface
  public interface Compiler {
    Expression compile(String source) throws ExpressionException;
  }

  public boolean ok() {
    return problems.isEmpty();
  }

  /** The problems in file order. */
  public List<Problem> problems() {
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    return sorted;
  }

  public void problem(Node at, String message) {
    Mark mark = at.getStartMark().orElse(null);
    problem(mark == null ? 0 : mark.getLine(), mark == null ? 0 : mark.getColumn(), message);
  }

  /** A problem at a 0-based line and column (as snakeyaml counts them). */
  public void problem(int line, int column, String message) {
    problems.add(new Problem(source, line + 1, column + 1, message));
  }

  /** A problem at a code point index into the text. */
  public void problemAt(int index, String message) {
    int line = 0;
    int column = 0;
    for (int k = 0; k < index && k < codePoints.length; k++) {
      if (codePoints[k] == '\n') {
        line++;
        column = 0;
      } else {
        column++;
      }
    }
    problem(line, column, message);
  }

  // ---- shapes

  public MappingNode mapping(Node n, String what) {
    if (n instanceof MappingNode m) {
      return m;
    }
    return mismatch(n, what, "a mapping");
  }

  public SequenceNode sequence(Node n, String what) {
    if (n instanceof SequenceNode s) {
      return s;
    }
    return mismatch(n, what, "a list");
  }

  /** The text of a non-empty scalar of any type: names, templates and expressions. */
  public String text(Node n, String what) {
    if (!(n instanceof ScalarNode s)) {
      return mismatch(n, what, "a string");
    }
    if (isNull(s) || s.getValue().isBlank()) {
      problem(n, "'" + what + "' must not be empty");
      return null;
    }
    return s.getValue();
  }

  /** A list of names, e.g. tags. */
  public List<String> texts(Node n, String what) {
    SequenceNode seq = sequence(n, what);
    if (seq == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      out.add(text(item, what));
    }
    return out.contains(null) ? null : List.copyOf(out);
  }

  public Span span(Node n, String what, boolean positive) {
    String t = text(n, what);
    if (t == null) {
      return null;
    }
    try {
      Span span = Span.parse(t);
      if (positive && span.isZero()) {
        problem(n, "'" + what + "' must be longer than 0");
        return null;
      }
      return span;
    } catch (IllegalArgumentException e) {
      problem(n, e.getMessage());
      return null;
    }
  }

  public Boolean bool(Node n, String what) {
    if (n instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
      return Boolean.valueOf(s.getValue().toLowerCase(Locale.ROOT));
    }
    return mismatch(n, what, "true or false");
  }

  /** A YAML number: a Long for an integer, a Double otherwise. */
  public Number number(Node n, String what) {
    if (n instanceof ScalarNode s && (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT))) {
      Number value = numberValue(s);
      if (value == null) {
        problem(n, "'" + what + "' is too large");
      }
      return value;
    }
    return mismatch(n, what, "a number");
  }

  // ---- expressions

  /** A CEL condition (true or false). */
  public Expression condition(Node n, String what) {
    return compile(n, what, true);
  }

  /** A CEL expression of any type. */
  public Expression expression(Node n, String what) {
    return compile(n, what, false);
  }

  /**
   * A mapping of names to values, where a string is a CEL expression and a number, boolean or null
   * is itself: {@code set}, {@code properties}, {@code body}.
   */
  public Map<String, Expression> values(Node n, String what) {
    MappingNode m = mapping(n, what);
    if (m == null) {
      return null;
    }
    Map<String, Expression> out = new LinkedHashMap<>();
    boolean failed = false;
    for (NodeTuple t : m.getValue()) {
      String name = key(t.getKeyNode());
      if (name == null) {
        failed = true;
        continue;
      }
      if (out.containsKey(name)) {
        problem(t.getKeyNode(), "duplicate key '" + name + "' in '" + what + "'");
        failed = true;
        continue;
      }
      Expression value = value(t.getValueNode(), name);
      failed |= value == null;
      out.put(name, value);
    }
    return failed ? null : Collections.unmodifiableMap(out);
  }

  private Expression value(Node n, String name) {
    if (!(n instanceof ScalarNode s)) {
      return mismatch(n, name, "a CEL expression (a string), a number or a boolean");
    }
    Tag tag = s.getTag();
    if (tag.equals(Tag.NULL)) {
      return Expression.literal(null, s.getValue());
    }
    if (tag.equals(Tag.BOOL)) {
      return Expression.literal(bool(n, name), s.getValue());
    }
    if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
      Number number = number(n, name);
      return number == null ? null : Expression.literal(number, s.getValue());
    }
    return expression(n, name);
  }

  private Expression compile(Node n, String what, boolean condition) {
    return expression(
        n, what, condition ? compiler::compileCondition : (Compiler) compiler::compile);
  }

  /**
   * An expression compiled by {@code how}, e.g. {@link ExpressionCompiler#compileKeptCurrent}; a
   * problem is reported at the column of the bad token.
   */
  public Expression expression(Node n, String what, Compiler how) {
    String source = text(n, what);
    if (source == null) {
      return null;
    }
    ScalarNode scalar = (ScalarNode) n;
    try {
      return how.compile(source);
    } catch (ExpressionException e) {
      int[] at = ScalarPositions.locate(codePoints, scalar, e.offset());
      String message = "invalid CEL in '" + what + "': " + e.getMessage();
      if (scalar.getScalarStyle() == ScalarStyle.PLAIN
          && IDENTIFIER.matcher(source).matches()
          && e.getMessage().startsWith("undeclared reference")) {
        // `plan: pro` is the classic slip: a value is an expression, so text needs CEL quotes.
        message += "; for the text " + source + " write '\"" + source + "\"'";
      }
      problem(at[0], at[1], message);
      return null;
    }
  }

  // ---- helpers

  /** A mapping key's name, or null (reported) when the key is not a plain scalar. */
  public String key(Node n) {
    if (n instanceof ScalarNode s && !isNull(s)) {
      return s.getValue();
    }
    problem(n, "a key must be a name, not " + describe(n));
    return null;
  }

  public static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  /** How a node reads to an author: "a list", "a mapping", "a number", "empty". */
  public static String describe(Node n) {
    if (n instanceof MappingNode) {
      return "a mapping";
    }
    if (n instanceof SequenceNode) {
      return "a list";
    }
    Tag tag = n.getTag();
    if (tag.equals(Tag.NULL)) {
      return "empty";
    }
    if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
      return "a number";
    }
    if (tag.equals(Tag.BOOL)) {
      return "a boolean";
    }
    return "a string";
  }

  private <T> T mismatch(Node n, String what, String expected) {
    problem(n, "'" + what + "' must be " + expected + ", not " + describe(n));
    return null;
  }

  // YAML 1.2 core schema numbers: 12, -3, 0x1F, 0o17, 1.5, 1e3, .inf, .nan.
  private static Number numberValue(ScalarNode s) {
    String v = s.getValue().replace("_", "");
    if (s.getTag().equals(Tag.FLOAT)) {
      String lower = v.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".inf")) {
        return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      }
      if (lower.equals(".nan")) {
        return Double.NaN;
      }
      return Double.parseDouble(v);
    }
    boolean negative = v.startsWith("-");
    String digits = v.startsWith("-") || v.startsWith("+") ? v.substring(1) : v;
    int radix = 10;
    if (digits.startsWith("0x")) {
      radix = 16;
      digits = digits.substring(2);
    } else if (digits.startsWith("0o")) {
      radix = 8;
      digits = digits.substring(2);
    }
    BigInteger big = new BigInteger(digits, radix);
    big = negative ? big.negate() : big;
    return big.bitLength() < 64 ? (Number) big.longValue() : null;
  }
}
