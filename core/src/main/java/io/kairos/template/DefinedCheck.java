package io.kairos.template;

import liqp.TemplateContext;
import liqp.nodes.LNode;

/**
 * The variable an output tag prints, checked: when it is not defined (or null), the render records
 * it or fails, as the template's {@link MissingVariables} says. Only outputs get this check;
 * conditions and loops may test a variable that is not there.
 */
final class DefinedCheck implements LNode {
  private final LNode lookup;
  private final String variable;
  private final int line;

  DefinedCheck(LNode lookup, String variable, int line) {
    this.lookup = lookup;
    this.variable = variable;
    this.line = line;
  }

  @Override
  public Object render(TemplateContext context) {
    Object value = lookup.render(context);
    if (value == null) {
      RenderState.of(context).undefined(variable, line);
    }
    return value;
  }
}
