package io.kairos.template;

import liqp.RenderTransformer;
import liqp.TemplateContext;

/**
 * Collects the output of every block (the whole field, a loop, a capture) and stops it at the
 * output limit or when the caller asks, checked at each piece appended.
 */
final class BoundedOutput implements RenderTransformer {
  @Override
  public ObjectAppender.Controller newObjectAppender(TemplateContext context, int estimated) {
    RenderState state = RenderState.of(context);
    return new ObjectAppender.Controller() {
      // Not sized from the estimate: a range loop announces its whole range.
      private final StringBuilder out = new StringBuilder();

      @Override
      public void append(Object obj) {
        state.checkpoint();
        out.append(obj);
        state.checkSize(out.length(), "the output");
      }

      @Override
      public Object getResult() {
        return out.toString();
      }
    };
  }

  @Override
  public Object transformObject(TemplateContext context, Object obj) {
    return String.valueOf(obj);
  }
}
