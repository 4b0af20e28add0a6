package dev.progressive.samples.restaurant.catalog;

import java.util.List;

/**
 * A restaurant and its menu.
 *
 * @param id the restaurant's id, used in URLs
 * @param name its name
 * @param cuisine its kind of food
 * @param region where it is, which decides the tax rate
 * @param menu its dishes, in menu order
 */
public record Restaurant(String id, String name, String cuisine, String region, List<MenuItem> menu) {}
