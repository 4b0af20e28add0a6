package dev.progressive.samples.restaurant.menu;

import dev.progressive.samples.restaurant.catalog.MenuItem;
import java.util.List;

/**
 * What the menu endpoint answers.
 *
 * @param restaurantId the restaurant
 * @param query what was searched, empty for the whole menu
 * @param search which search answered: {@code classic} (names only) or {@code relevance} (the new search)
 * @param items the matching dishes
 */
public record MenuPage(String restaurantId, String query, String search, List<MenuItem> items) {}
