package dev.progressive.samples.restaurant.quote;

import dev.progressive.samples.restaurant.pricing.PricedLine;
import java.math.BigDecimal;
import java.util.List;

/**
 * A priced order.
 *
 * @param restaurantId the restaurant
 * @param customerId who orders
 * @param lines the priced lines
 * @param subtotal the lines' total
 * @param pricingEngine which engine priced the lines: {@code classic} (baseline) or {@code rules} (canary)
 * @param deliveryFee the delivery fee
 * @param deliveryFeeSource who computed it: {@code v1} or {@code v2} of the pricing service, or {@code standard}
 * @param tax the sales tax, from the calculator in production
 * @param total what the customer pays
 */
public record Quote(String restaurantId, String customerId, List<PricedLine> lines, BigDecimal subtotal,
    String pricingEngine, BigDecimal deliveryFee, String deliveryFeeSource, BigDecimal tax, BigDecimal total) {}
