package io.kairos.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the field paths an expression reads ({@code event.properties.price}, {@code profile.plan})
 * so a decision trace can show the values a condition saw.
 */
final class References {

  private static final Set<String> ROOTS = Set.of("event", "profile", "journey");

  private References() {}

  static List<String> of(CelAbstractSyntaxTree ast) {
    Set<String> paths = new LinkedHashSet<>();
    visit(ast.getExpr(), paths);
    return List.copyOf(paths);
  }

  private static void visit(CelExpr e, Set<String> paths) {
    switch (e.getKind()) {
      case SELECT -> {
        String path = path(e);
        if (path != null) {
          paths.add(path);
        } else {
          visit(e.select().operand(), paths);
        }
      }
      case CALL -> {
        String path = path(e);
        if (path != null) {
          paths.add(path);
          return;
        }
        e.call().target().ifPresent(t -> visit(t, paths));
        e.call().args().forEach(a -> visit(a, paths));
      }
      case LIST -> e.list().elements().forEach(x -> visit(x, paths));
      case MAP ->
          e.map()
              .entries()
              .forEach(
                  x -> {
                    visit(x.key(), paths);
                    visit(x.value(), paths);
                  });
      case STRUCT -> e.struct().entries().forEach(x -> visit(x.value(), paths));
      case COMPREHENSION -> {
        visit(e.comprehension().iterRange(), paths);
        visit(e.comprehension().accuInit(), paths);
        visit(e.comprehension().loopCondition(), paths);
        visit(e.comprehension().loopStep(), paths);
        visit(e.comprehension().result(), paths);
      }
      default -> {}
    }
  }

  /** The dotted path of a chain of field selections and constant indexes on a root, or null. */
  private static String path(CelExpr e) {
    List<String> parts = new ArrayList<>();
    CelExpr x = e;
    while (true) {
      switch (x.getKind()) {
        case IDENT -> {
          String root = x.ident().name();
          if (!ROOTS.contains(root) || parts.isEmpty()) {
            return null;
          }
          StringBuilder b = new StringBuilder(root);
          for (int i = parts.size() - 1; i >= 0; i--) {
            b.append('.').append(parts.get(i));
          }
          return b.toString();
        }
        case SELECT -> {
          parts.add(x.select().field());
          x = x.select().operand();
        }
        case CALL -> {
          String key = constantIndex(x);
          if (key == null) {
            return null;
          }
          parts.add(key);
          x = x.call().args().get(0);
        }
        default -> {
          return null;
        }
      }
    }
  }

  // event.properties["price"] reads the same field as event.properties.price.
  private static String constantIndex(CelExpr call) {
    if (!call.call().function().equals("_[_]") || call.call().args().size() != 2) {
      return null;
    }
    CelExpr index = call.call().args().get(1);
    if (index.getKind() != CelExpr.ExprKind.Kind.CONSTANT
        || index.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
      return null;
    }
    return index.constant().stringValue();
  }
}
