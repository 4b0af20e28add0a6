package dev.progressive.samples.restaurant.tax;

import java.math.BigDecimal;
import java.util.Map;

/** The sales tax rates of the regions the restaurants are in. */
final class TaxRates {

  private static final Map<String, BigDecimal> RATES = Map.of(
      "CA", new BigDecimal("0.0725"),
      "NY", new BigDecimal("0.08875"),
      "TX", new BigDecimal("0.0625"));

  private TaxRates() {
  }

  static BigDecimal of(String region) {
    BigDecimal rate = RATES.get(region);
    if (rate == null) {
      throw new IllegalArgumentException("no tax rate for region '" + region + "'; known: " + RATES.keySet());
    }
    return rate;
  }
}
