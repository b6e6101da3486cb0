package io.kairos.expr;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.exceptions.CelInvalidArgumentException;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionResolver;
import dev.cel.runtime.CelLateFunctionBindings;
import dev.cel.runtime.CelResolvedOverload;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The CEL functions over a profile's shopping: {@code recommendations(n)}, {@code
 * recommendations(n, "bought_together" | "viewed_together")}, {@code cart()}, {@code
 * recently_viewed(n)}. Each returns a list of product maps. They need the profile being evaluated,
 * so they are late-bound: resolved per evaluation from {@link Bindings#recommendations()}.
 */
final class RecommendationFunctions {

  /** At most this many products per call; a message shows a handful. */
  static final int MAX_N = 50;

  private static final ListType PRODUCTS =
      ListType.create(MapType.create(SimpleType.STRING, SimpleType.DYN));

  static final List<CelFunctionDecl> DECLARATIONS =
      List.of(
          CelFunctionDecl.newFunctionDeclaration(
              "recommendations",
              CelOverloadDecl.newGlobalOverload("recommendations_int", PRODUCTS, SimpleType.INT),
              CelOverloadDecl.newGlobalOverload(
                  "recommendations_int_string", PRODUCTS, SimpleType.INT, SimpleType.STRING)),
          CelFunctionDecl.newFunctionDeclaration(
              "cart", CelOverloadDecl.newGlobalOverload("cart", PRODUCTS)),
          CelFunctionDecl.newFunctionDeclaration(
              "recently_viewed",
              CelOverloadDecl.newGlobalOverload("recently_viewed_int", PRODUCTS, SimpleType.INT)));

  private RecommendationFunctions() {}

  /**
   * The functions for one evaluation. Built only if the expression calls one of them: CEL asks the
   * late-bound resolver only for functions its standard library does not have.
   */
  static CelFunctionResolver resolver(Bindings bindings) {
    return new Lazy(bindings);
  }

  private static final class Lazy implements CelFunctionResolver {
    private final Bindings bindings;
    private CelLateFunctionBindings functions;

    Lazy(Bindings bindings) {
      this.bindings = bindings;
    }

    @Override
    public Optional<CelResolvedOverload> findOverloadMatchingArgs(
        String name, Collection<String> overloadIds, Object[] args) throws CelEvaluationException {
      return functions().findOverloadMatchingArgs(name, overloadIds, args);
    }

    @Override
    public Optional<CelResolvedOverload> findOverloadMatchingArgs(String name, Object[] args)
        throws CelEvaluationException {
      return functions().findOverloadMatchingArgs(name, args);
    }

    private CelLateFunctionBindings functions() {
      if (functions == null) {
        Recommendations r = bindings.recommendations();
        functions =
            CelLateFunctionBindings.from(
                CelFunctionBinding.from(
                    "recommendations_int",
                    Long.class,
                    n -> CelValues.toCel(r.recommend(count(n), null))),
                CelFunctionBinding.from(
                    "recommendations_int_string",
                    Long.class,
                    String.class,
                    (n, kind) -> {
                      try {
                        return CelValues.toCel(r.recommend(count(n), kind));
                      } catch (IllegalArgumentException e) {
                        // CEL keeps the message of its own exception type; any other becomes
                        // "failed".
                        throw new CelInvalidArgumentException(e.getMessage());
                      }
                    }),
                CelFunctionBinding.from("cart", List.of(), args -> CelValues.toCel(r.cart())),
                CelFunctionBinding.from(
                    "recently_viewed_int",
                    Long.class,
                    n -> CelValues.toCel(r.recentlyViewed(count(n)))));
      }
      return functions;
    }
  }

  private static int count(Long n) {
    return (int) Math.max(0, Math.min(MAX_N, n));
  }
}
