package io.kairos.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.template.RenderResult.Reason;
import liqp.TemplateContext;
import liqp.filters.Filter;

/**
 * {@code {{ value | json }}} writes a value as JSON: text quoted with quotes, backslashes and
 * control characters escaped, numbers and booleans as they are, maps and lists as objects and
 * arrays, an undefined value as {@code null}. This is how a webhook body puts customer data into
 * JSON safely.
 */
final class JsonFilter extends Filter {
  private static final ObjectMapper JSON = new ObjectMapper();

  JsonFilter() {
    super("json");
  }

  @Override
  public Object apply(Object value, TemplateContext context, Object... params) {
    try {
      return JSON.writeValueAsString(Values.liquid(value));
    } catch (JsonProcessingException e) {
      throw new RenderAbort(Reason.RENDER_ERROR, "json: " + e.getOriginalMessage(), 0);
    }
  }
}
