package io.kairos.template;

import java.util.Collection;
import liqp.TemplateContext;
import liqp.filters.Filter;

/**
 * Wraps every filter: asks the stop signal before it runs, and refuses a result (text or list)
 * longer than the output limit, so no chain of filters can build a value that outgrows memory.
 * {@code replace} is checked before it runs, since one call can square its input's length.
 */
final class BoundedFilter extends Filter {
  private final Filter delegate;

  BoundedFilter(Filter delegate) {
    super(delegate.getName());
    this.delegate = delegate;
  }

  @Override
  public Object apply(Object value, TemplateContext context, Object... params) {
    RenderState state = RenderState.of(context);
    state.checkpoint();
    if (name.equals("replace") && value != null && params.length > 0 && params[0] != null) {
      String replacement =
          params.length > 1 && params[1] != null ? asString(params[1], context) : "";
      state.checkSize(
          replacedLength(asString(value, context), asString(params[0], context), replacement),
          "the result of replace");
    }
    Object result = delegate.apply(value, context, params);
    if (result instanceof CharSequence s) {
      state.checkSize(s.length(), "the result of " + name);
    } else if (result instanceof Collection<?> c) {
      state.checkSize(c.size(), "the list from " + name);
    } else if (result instanceof Object[] a) {
      state.checkSize(a.length, "the list from " + name);
    }
    return result;
  }

  /** The length String.replace would produce, counted without building it (may exceed int). */
  static int replacedLength(String text, String target, String replacement) {
    long count;
    if (target.isEmpty()) {
      count = text.length() + 1L;
    } else {
      count = 0;
      for (int at = text.indexOf(target);
          at >= 0;
          at = text.indexOf(target, at + target.length())) {
        count++;
      }
    }
    long length = text.length() + count * (replacement.length() - (long) target.length());
    return (int) Math.min(Integer.MAX_VALUE, length);
  }
}
