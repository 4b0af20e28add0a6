package dev.progressive.samples.restaurant.tax;

import java.math.BigDecimal;
import java.util.List;

/**
 * What is taxed: the amounts of one order's lines, in a region.
 *
 * @param region the restaurant's region, which sets the rate
 * @param amounts the lines' amounts after discounts, two decimals each
 */
public record TaxRequest(String region, List<BigDecimal> amounts) {}
