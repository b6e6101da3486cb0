package io.kairos.template;

import io.kairos.template.RenderResult.Reason;
import liqp.TemplateContext;
import liqp.nodes.LNode;
import liqp.tags.Tag;

/**
 * Stands in for {@code include}, {@code include_relative} and {@code render}: a template cannot
 * read files or other templates. Compilation already refuses them; this is the second lock.
 */
final class RefusedTag extends Tag {
  RefusedTag(String name) {
    super(name);
  }

  static String reason(String name) {
    return name + " is not allowed: a template cannot read files or other templates";
  }

  @Override
  public Object render(TemplateContext context, LNode... nodes) {
    throw new RenderAbort(Reason.INCLUDE_REFUSED, reason(name), 0);
  }
}
