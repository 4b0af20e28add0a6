package dev.progressive.samples.restaurant.pricing;

/**
 * A dish and how many of it.
 *
 * @param menuItemId the dish
 * @param quantity from 1
 */
public record OrderLine(String menuItemId, int quantity) {}
