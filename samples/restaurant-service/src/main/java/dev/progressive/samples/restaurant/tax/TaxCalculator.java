package dev.progressive.samples.restaurant.tax;

import dev.progressive.spring.annotation.ParallelRun;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.springframework.stereotype.Component;

/**
 * The tax calculation in production: the rate times the order's taxable total, rounded half up once.
 *
 * <p>It is the control of the parallel run {@code tax}: {@link NewTaxCalculator} computes the same tax beside it on
 * every quote, off the request thread, and each difference shows in {@code /actuator/parallelruns/tax} and in
 * {@code progressive_parallelrun_comparisons_total}. The customer always gets this calculator's answer.
 */
@Component
public class TaxCalculator {

  /** The tax of an order. */
  @ParallelRun(name = "tax", candidate = "newTaxCalculator")
  public TaxBreakdown tax(TaxRequest request) {
    BigDecimal rate = TaxRates.of(request.region());
    BigDecimal taxable = request.amounts().stream().reduce(BigDecimal.ZERO, BigDecimal::add)
        .setScale(2, RoundingMode.HALF_UP);
    return new TaxBreakdown(request.region(), rate, taxable, taxable.multiply(rate).setScale(2,
        RoundingMode.HALF_UP));
  }
}
