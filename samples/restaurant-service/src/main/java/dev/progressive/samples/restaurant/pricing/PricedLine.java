package dev.progressive.samples.restaurant.pricing;

import java.math.BigDecimal;

/**
 * One priced line of a quote.
 *
 * @param menuItemId the dish
 * @param name its name
 * @param category its tax category
 * @param quantity how many
 * @param unitPrice the menu price
 * @param discount what the promotions take off
 * @param amount quantity times unit price, less the discount
 */
public record PricedLine(String menuItemId, String name, String category, int quantity, BigDecimal unitPrice,
    BigDecimal discount, BigDecimal amount) {}
