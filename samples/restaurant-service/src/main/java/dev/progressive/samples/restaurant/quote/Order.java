package dev.progressive.samples.restaurant.quote;

import java.time.Instant;

/**
 * A placed order.
 *
 * @param id its id
 * @param placedAt when
 * @param quote its prices, fixed when it was placed
 */
public record Order(String id, Instant placedAt, Quote quote) {}
