package dev.progressive.samples.restaurant.tax;

import java.math.BigDecimal;

/**
 * The sales tax of an order.
 *
 * @param region the region
 * @param rate the rate, such as 0.0725
 * @param taxable the taxed amount
 * @param tax the tax, rounded to the cent
 */
public record TaxBreakdown(String region, BigDecimal rate, BigDecimal taxable, BigDecimal tax) {}
