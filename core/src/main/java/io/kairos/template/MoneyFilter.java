package io.kairos.template;

import io.kairos.template.RenderResult.Reason;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Locale;
import liqp.TemplateContext;
import liqp.filters.Filter;

/**
 * {@code {{ 19.9 | money }}} formats an amount in the render's currency as the variant's locale
 * writes it ({@code $19.90} for {@code en-US}, {@code 19,90 €} for {@code de-DE} with EUR); {@code
 * money: "EUR"} names the currency. A value that is not a number is returned unchanged.
 */
final class MoneyFilter extends Filter {
  MoneyFilter() {
    super("money");
  }

  @Override
  public Object apply(Object value, TemplateContext context, Object... params) {
    BigDecimal amount = Values.decimal(value);
    if (amount == null) {
      return value;
    }
    RenderState state = RenderState.of(context);
    String code =
        params.length > 0 && params[0] != null ? asString(params[0], context) : state.currency;
    Currency currency;
    try {
      currency = Currency.getInstance(code.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new RenderAbort(
          Reason.RENDER_ERROR,
          "money: '" + code + "' is not an ISO 4217 currency code (such as USD, EUR)",
          0);
    }
    int digits = Math.max(0, currency.getDefaultFractionDigits());
    return state.moneyFormat(currency).format(amount.setScale(digits, RoundingMode.HALF_UP));
  }
}
