package io.kairos.expr;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSource;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.validator.CelValidator;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.DurationLiteralValidator;
import dev.cel.validator.validators.RegexLiteralValidator;
import dev.cel.validator.validators.TimestampLiteralValidator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles CEL expressions over {@code event}, {@code profile}, {@code journey} (each a {@code
 * map(string, dyn)}) and {@code now} (a {@code timestamp}).
 *
 * <p>Compile once, evaluate many times: the returned {@link Expression} holds a prepared program
 * and is immutable and thread-safe. One compiler can be shared by any number of threads.
 */
public final class ExpressionCompiler {

  /** Longest expression accepted; journeys hold conditions, not programs. */
  static final int MAX_LENGTH = 10_000;

  /**
   * Bounds {@code exists}, {@code all}, {@code map}... over big lists, so evaluation stays cheap.
   */
  static final int MAX_ITERATIONS = 10_000;

  private static final String VARIABLES = "event, profile, journey and now";

  private static final Pattern UNKNOWN_TOKEN =
      Pattern.compile("^token recognition error at: '(.*)'$");
  private static final Pattern MISMATCHED =
      Pattern.compile("^(mismatched|extraneous) input '(.*?)' expecting \\{(.*)}$");
  private static final Pattern CANDIDATES = Pattern.compile(" \\(candidates: .*\\)$");
  private static final Pattern LITERAL =
      Pattern.compile("^(\\w+) validation failed\\. Reason: (evaluation error: )?([^\\n]*)(?s).*$");
  private static final Pattern OPERATOR = Pattern.compile("'_?([^_'a-zA-Z]+)_?'");

  private final Cel cel;
  private final CelValidator literals;

  public ExpressionCompiler() {
    MapType object = MapType.create(SimpleType.STRING, SimpleType.DYN);
    CelOptions options =
        CelOptions.current()
            // Event properties arrive as JSON numbers: `price >= 10` must hold for 25.5 and for 25.
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxExpressionCodePointSize(MAX_LENGTH)
            .build();
    // The legacy (non-planner) runtime reads a Java map lazily, key by key. The planner runtime of
    // 0.14.0 walks the whole variable map on every field access (about 15x slower on a 20-key
    // profile) and rejects null values.
    this.cel =
        CelFactory.legacyCelBuilder()
            .setOptions(options)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            // The standard library, except that duration("90d") also takes days and weeks.
            .setStandardEnvironmentEnabled(false)
            .setStandardDeclarations(StandardLibrary.declarations(options))
            .setStandardFunctions(StandardLibrary.functions(options))
            .addFunctionBindings(ProfileFunctions.durationBinding())
            .addFunctionDeclarations(ProfileFunctions.declarations())
            .addVar("event", object)
            .addVar("profile", object)
            .addVar("journey", object)
            .addVar("now", SimpleType.TIMESTAMP)
            .addFunctionDeclarations(RecommendationFunctions.DECLARATIONS)
            .build();
    // Catches timestamp('2026-13-01'), duration('3x') and matches('[') when the journey is loaded
    // instead of failing on every evaluation.
    this.literals =
        CelValidatorFactory.standardCelValidatorBuilder(cel)
            .addAstValidators(
                TimestampLiteralValidator.INSTANCE,
                DurationLiteralValidator.INSTANCE,
                RegexLiteralValidator.INSTANCE)
            .build();
  }

  /**
   * Compiles an expression whose value may be of any type.
   *
   * @throws ExpressionException with the offset of the problem inside {@code source}
   */
  public Expression compile(String source) throws ExpressionException {
    return build(source, check(source));
  }

  /**
   * Compiles an expression that must be a condition: its type is {@code bool}, or {@code dyn} when
   * only the data can tell (then {@link Expression#test} checks the value).
   *
   * @throws ExpressionException when it does not compile or cannot be a boolean
   */
  public Expression compileCondition(String source) throws ExpressionException {
    CelAbstractSyntaxTree ast = check(source);
    CelType type = ast.getResultType();
    if (type.kind() != CelKind.BOOL && type.kind() != CelKind.DYN) {
      throw new ExpressionException(
          "a condition must be true or false, but this is " + type.name(), source, 0);
    }
    return build(source, ast);
  }

  /**
   * Compiles a condition whose value the engine keeps current as time passes (a segment's): on top
   * of {@link #compileCondition}'s rules, it may not read {@code event}, {@code journey} or {@code
   * profile.segments}, {@code in_segment} takes a literal id, and {@code now} may appear only in a
   * comparison with a time ({@code last("X") < now - duration("90d")}, {@code now -
   * timestamp(profile.signed_up_at) > duration("7d")}), so the moment its value can change is known
   * (see {@link NowThreshold}).
   *
   * @throws ExpressionException at the part that breaks a rule
   */
  public Expression compileKeptCurrent(String source) throws ExpressionException {
    CelAbstractSyntaxTree ast = check(source);
    CelType type = ast.getResultType();
    if (type.kind() != CelKind.BOOL && type.kind() != CelKind.DYN) {
      throw new ExpressionException(
          "a condition must be true or false, but this is " + type.name(), source, 0);
    }
    return build(source, ast, Analysis.of(cel, ast, source, true));
  }

  private CelAbstractSyntaxTree check(String source) throws ExpressionException {
    if (source == null || source.isBlank()) {
      throw new ExpressionException("empty expression", source == null ? "" : source, 0);
    }
    try {
      return literals.validate(cel.compile(source).getAst()).getAst();
    } catch (CelValidationException e) {
      CelIssue issue = e.getErrors().get(0);
      throw new ExpressionException(
          readable(issue.getMessage()), source, offset(source, e.getSource(), issue));
    }
  }

  private Expression build(String source, CelAbstractSyntaxTree ast) throws ExpressionException {
    return build(source, ast, Analysis.of(cel, ast, source, false));
  }

  private Expression build(String source, CelAbstractSyntaxTree ast, Usage usage)
      throws ExpressionException {
    CelRuntime.Program program;
    try {
      program = cel.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw new ExpressionException(e.getMessage(), source, -1);
    }
    return new CelExpression(source, program, References.of(ast), usage);
  }

  // CEL places issues by line and code-point column; callers want a char offset into the text.
  private static int offset(String text, CelSource source, CelIssue issue) {
    return source
        .getLocationOffset(issue.getSourceLocation())
        .map(cp -> text.offsetByCodePoints(0, Math.min(cp, text.codePointCount(0, text.length()))))
        .orElse(-1);
  }

  // CEL's messages are written for CEL developers (parser token sets, overload ids, proto type
  // names); journey authors get the same facts in their own words.
  static String readable(String message) {
    String m = message.replace(" (in container '')", "");
    if (m.startsWith("undeclared reference to")) {
      return m + "; the variables are " + VARIABLES;
    }
    Matcher token = UNKNOWN_TOKEN.matcher(m);
    if (token.matches()) {
      String text = token.group(1);
      if (text.startsWith("'") || text.startsWith("\"")) {
        return "unterminated string " + text;
      }
      if (text.startsWith("=")) {
        return "unexpected '='; compare with ==";
      }
      return "unexpected '" + text.strip() + "'";
    }
    Matcher mismatched = MISMATCHED.matcher(m);
    if (mismatched.matches()) {
      String found = mismatched.group(2);
      String what = found.equals("<EOF>") ? "end of expression" : "'" + found + "'";
      List<String> expected = List.of(mismatched.group(3).split(", "));
      return expected.size() > 4
          ? "unexpected " + what
          : "unexpected " + what + "; expected " + String.join(" or ", expected);
    }
    Matcher literal = LITERAL.matcher(m);
    if (literal.matches()) {
      return "invalid " + literal.group(1).toLowerCase(Locale.ROOT) + ": " + literal.group(3);
    }
    if (m.startsWith("found no matching overload")) {
      m = CANDIDATES.matcher(m).replaceFirst("");
      m = OPERATOR.matcher(m).replaceAll("'$1'");
      m =
          m.replace("google.protobuf.Timestamp", "timestamp")
              .replace("google.protobuf.Duration", "duration");
      return m.replace("found no matching overload for", "no overload of");
    }
    return m.replace("'<EOF>'", "end of expression");
  }
}
