package io.kairos.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outcome of rendering a template for one customer: its fields, or why it could not be. */
public sealed interface RenderResult permits RenderResult.Rendered, RenderResult.Failed {

  /** The rendered message, or a {@link RenderException} carrying the failure. */
  Rendered orThrow();

  /**
   * A rendered message; its shape is what a preview shows.
   *
   * @param templateId the template rendered
   * @param version the template version the caller passed
   * @param channel the template's channel
   * @param requestedLocale the locale asked for (context, else profile), or null
   * @param locale the variant used: exact tag, else language, else the default locale
   * @param direction {@code ltr} or {@code rtl}, from the variant's language or script
   * @param fields the rendered fields of the variant, in the channel's order
   * @param sms for an SMS, the encoding and segment count of {@code text}; null otherwise
   * @param undefined outputs that printed nothing because their variable is not defined (only in
   *     {@link MissingVariables#EMPTY} mode; each field, variable and line once)
   */
  record Rendered(
      String templateId,
      long version,
      String channel,
      String requestedLocale,
      String locale,
      String direction,
      Map<String, String> fields,
      SmsSegments sms,
      List<Undefined> undefined)
      implements RenderResult {
    public Rendered {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
      undefined = List.copyOf(undefined);
    }

    /** One rendered field, or null when the variant does not have it. */
    public String field(String name) {
      return fields.get(name);
    }

    @Override
    public Rendered orThrow() {
      return this;
    }
  }

  /**
   * A template that could not be rendered.
   *
   * @param templateId the template
   * @param field the field that failed ({@code html}, {@code body}, ...)
   * @param reason the kind of failure
   * @param message what went wrong, starting with the field: {@code html: profile.first_name is not
   *     defined (line 3)}
   * @param line the line in the field's text, or 0 when the failure has none
   */
  record Failed(String templateId, String field, Reason reason, String message, int line)
      implements RenderResult {
    @Override
    public Rendered orThrow() {
      throw new RenderException(this);
    }
  }

  /** Why a render failed. */
  enum Reason {
    /** The Liquid text does not parse, or uses an unknown tag or filter. */
    SYNTAX,
    /** {@code include} or {@code render}: a template cannot read other files or templates. */
    INCLUDE_REFUSED,
    /** The field text is longer than {@link RenderLimits#maxTemplateChars()}. */
    TEMPLATE_TOO_LARGE,
    /** More loop iterations than {@link RenderLimits#maxLoopIterations()}. */
    TOO_MANY_ITERATIONS,
    /** Output (or a filter's result) longer than {@link RenderLimits#maxOutputChars()}. */
    OUTPUT_TOO_LARGE,
    /** An undefined variable was printed in {@link MissingVariables#ERROR} mode. */
    MISSING_VARIABLE,
    /** A webhook body that is not valid JSON after rendering. */
    INVALID_JSON,
    /** A filter or comparison failed on the given values (e.g. an unknown currency). */
    RENDER_ERROR,
    /** The caller's {@link StopSignal} asked to stop. */
    STOPPED
  }

  /**
   * An output that printed nothing because its variable is not defined.
   *
   * @param field the field
   * @param variable the variable as written ({@code profile.first_name})
   * @param line its line in the field's text
   */
  record Undefined(String field, String variable, int line) {}
}
