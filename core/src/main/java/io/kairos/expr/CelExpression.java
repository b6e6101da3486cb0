package io.kairos.expr;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionResolver;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelUnknownSet;
import java.util.List;
import java.util.regex.Pattern;

/** A compiled CEL expression: the prepared program plus what it reads, for decision traces. */
final class CelExpression implements Expression {

  // CEL prefixes every evaluation error with its position in "<input>"; the message we build
  // names the whole expression instead.
  private static final Pattern CEL_PREFIX = Pattern.compile("^evaluation error( at [^:]*:\\d+)?: ");

  private final String source;
  private final CelRuntime.Program program;
  private final List<String> references;
  private final Usage usage;
  private final boolean functions;

  CelExpression(String source, CelRuntime.Program program, List<String> references, Usage usage) {
    this.source = source;
    this.program = program;
    this.references = references;
    this.usage = usage;
    this.functions = usage.profileFunctions();
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public Object evaluate(Bindings bindings) {
    Object result;
    try {
      Scope scope = new Scope(bindings);
      CelFunctionResolver products = RecommendationFunctions.resolver(bindings);
      // Profile functions are bound per evaluation, and only for expressions that call them.
      result =
          functions
              ? program.eval(
                  scope,
                  FunctionResolvers.both(
                      ProfileFunctions.bind(bindings.facts(), bindings.now()), products))
              : program.eval(scope, products);
    } catch (CelEvaluationException e) {
      throw new EvaluationException("'" + source + "': " + reason(e), e);
    }
    if (result instanceof CelUnknownSet) {
      // Only reachable if a variable resolved to nothing; Scope always answers, so this is a bug.
      throw new EvaluationException("'" + source + "': depends on a value that is not known");
    }
    return CelValues.toJava(result);
  }

  /**
   * The field paths the expression reads, in order of appearance: {@code event.properties.price},
   * {@code profile.plan}.
   */
  @Override
  public List<String> references() {
    return references;
  }

  @Override
  public Usage usage() {
    return usage;
  }

  @Override
  public String toString() {
    return source;
  }

  private static String reason(CelEvaluationException e) {
    String m = CEL_PREFIX.matcher(e.getMessage()).replaceFirst("");
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }
}
