package dev.progressive.samples.restaurant.catalog;

import java.math.BigDecimal;
import java.util.List;

/**
 * One dish on a restaurant's menu.
 *
 * @param id unique across the catalog
 * @param name what the menu shows
 * @param description a line about it
 * @param price in euros, two decimals
 * @param category the tax category: {@code food} or {@code drink}
 * @param tags words a customer may search by, such as {@code vegan} or {@code spicy}
 */
public record MenuItem(String id, String name, String description, BigDecimal price, String category,
    List<String> tags) {}
