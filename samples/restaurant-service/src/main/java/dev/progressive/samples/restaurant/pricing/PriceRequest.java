package dev.progressive.samples.restaurant.pricing;

import dev.progressive.samples.restaurant.catalog.Restaurant;
import java.util.List;

/**
 * What a pricing engine prices: validated lines of one restaurant's menu.
 *
 * @param customerId who orders; the canary's routing key
 * @param restaurant the restaurant
 * @param lines dishes of its menu, each with a quantity from 1
 */
public record PriceRequest(String customerId, Restaurant restaurant, List<OrderLine> lines) {}
