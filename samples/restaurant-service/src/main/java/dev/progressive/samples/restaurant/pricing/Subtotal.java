package dev.progressive.samples.restaurant.pricing;

import java.math.BigDecimal;
import java.util.List;

/**
 * A pricing engine's answer.
 *
 * @param lines the priced lines, in the order asked
 * @param subtotal the sum of the lines' amounts
 * @param engine which engine priced: {@code classic} or {@code rules}
 */
public record Subtotal(List<PricedLine> lines, BigDecimal subtotal, String engine) {}
