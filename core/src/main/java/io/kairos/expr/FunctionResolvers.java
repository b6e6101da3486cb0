package io.kairos.expr;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionResolver;
import dev.cel.runtime.CelResolvedOverload;
import java.util.Collection;
import java.util.Optional;

/** Late-bound CEL functions from several families, asked in turn. */
final class FunctionResolvers {
  private FunctionResolvers() {}

  /** A resolver that asks {@code first}, then {@code second}. */
  static CelFunctionResolver both(CelFunctionResolver first, CelFunctionResolver second) {
    return new CelFunctionResolver() {
      @Override
      public Optional<CelResolvedOverload> findOverloadMatchingArgs(
          String name, Collection<String> overloadIds, Object[] args)
          throws CelEvaluationException {
        Optional<CelResolvedOverload> found =
            first.findOverloadMatchingArgs(name, overloadIds, args);
        return found.isPresent() ? found : second.findOverloadMatchingArgs(name, overloadIds, args);
      }

      @Override
      public Optional<CelResolvedOverload> findOverloadMatchingArgs(String name, Object[] args)
          throws CelEvaluationException {
        Optional<CelResolvedOverload> found = first.findOverloadMatchingArgs(name, args);
        return found.isPresent() ? found : second.findOverloadMatchingArgs(name, args);
      }
    };
  }
}
