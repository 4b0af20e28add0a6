package dev.progressive.samples.restaurant.quote;

import dev.progressive.samples.restaurant.pricing.OrderLine;
import java.util.List;

/**
 * What {@code POST /quotes} and {@code POST /orders} take.
 *
 * @param restaurantId the restaurant
 * @param customerId who orders; the canaries route by it
 * @param items dishes of that restaurant's menu, each with a quantity from 1 to 50
 * @param distanceKm the delivery distance, from 0 to 100
 */
public record QuoteRequest(String restaurantId, String customerId, List<OrderLine> items, Double distanceKm) {}
