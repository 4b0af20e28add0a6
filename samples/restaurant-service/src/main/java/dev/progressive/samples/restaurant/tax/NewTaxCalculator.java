package dev.progressive.samples.restaurant.tax;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.springframework.stereotype.Component;

/**
 * The rewrite of {@link TaxCalculator}, under a parallel run before it may answer. It taxes each line and rounds
 * each line's tax half even (banker's rounding), then adds them up. That is a real difference: on orders where the
 * lines' rounding errors add up to a cent, its {@code tax} differs from the control's, and the parallel run reports
 * it as {@code tax: 2.35 ≠ 2.34}.
 */
@Component("newTaxCalculator")
public class NewTaxCalculator {

  /** The tax of an order, line by line. */
  public TaxBreakdown tax(TaxRequest request) {
    BigDecimal rate = TaxRates.of(request.region());
    BigDecimal taxable = BigDecimal.ZERO.setScale(2);
    BigDecimal tax = BigDecimal.ZERO.setScale(2);
    for (BigDecimal amount : request.amounts()) {
      taxable = taxable.add(amount);
      tax = tax.add(amount.multiply(rate).setScale(2, RoundingMode.HALF_EVEN));
    }
    return new TaxBreakdown(request.region(), rate, taxable.setScale(2, RoundingMode.HALF_UP), tax);
  }
}
