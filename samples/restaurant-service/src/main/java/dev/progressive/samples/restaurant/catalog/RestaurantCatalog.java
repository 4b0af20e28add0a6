package dev.progressive.samples.restaurant.catalog;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The restaurants the service knows: a fixed, in-memory catalog, enough for the sample's traffic. */
@Component
public class RestaurantCatalog {

  private final Map<String, Restaurant> restaurants = new LinkedHashMap<>();

  /** The sample's three restaurants. */
  public RestaurantCatalog() {
    add(new Restaurant("ajanta", "Ajanta", "Indian", "CA", List.of(
        item("ajanta-1", "Chicken Vindaloo", "Pork-free vindaloo, very hot", "12.95", "food", "spicy", "chicken"),
        item("ajanta-2", "Palak Paneer", "Spinach and fresh cheese", "10.45", "food", "vegetarian"),
        item("ajanta-3", "Chana Masala", "Chickpeas in a tomato and onion sauce", "9.35", "food", "vegan",
            "vegetarian"),
        item("ajanta-4", "Garlic Naan", "Baked in the tandoor", "3.15", "food", "vegetarian", "bread"),
        item("ajanta-5", "Mango Lassi", "Yoghurt and mango", "4.05", "drink", "vegetarian", "sweet"),
        item("ajanta-6", "Lamb Rogan Josh", "Slow-cooked lamb, Kashmiri chili", "14.85", "food", "spicy", "lamb"))));
    add(new Restaurant("trattoria", "Trattoria Roma", "Italian", "NY", List.of(
        item("trattoria-1", "Margherita", "Tomato, mozzarella, basil", "11.05", "food", "vegetarian", "pizza"),
        item("trattoria-2", "Diavola", "Spicy salami and chili", "13.45", "food", "spicy", "pizza"),
        item("trattoria-3", "Penne all'Arrabbiata", "Tomato, garlic and red chili", "10.95", "food", "vegan",
            "spicy", "pasta"),
        item("trattoria-4", "Tiramisu", "Mascarpone, coffee, cocoa", "6.35", "food", "vegetarian", "sweet"),
        item("trattoria-5", "Chinotto", "Bitter Italian soda", "3.45", "drink", "vegan"),
        item("trattoria-6", "Lasagne", "Beef ragu and bechamel", "12.55", "food", "beef", "pasta"))));
    add(new Restaurant("sakura", "Sakura", "Japanese", "TX", List.of(
        item("sakura-1", "Salmon Nigiri", "Two pieces", "5.95", "food", "fish", "sushi"),
        item("sakura-2", "Vegetable Gyoza", "Pan-fried dumplings", "6.45", "food", "vegan", "vegetarian"),
        item("sakura-3", "Spicy Tuna Roll", "Tuna, chili mayonnaise", "8.85", "food", "spicy", "fish", "sushi"),
        item("sakura-4", "Miso Soup", "Tofu and wakame", "3.25", "food", "vegetarian", "soup"),
        item("sakura-5", "Matcha Latte", "Green tea and milk", "4.55", "drink", "vegetarian", "sweet"),
        item("sakura-6", "Chicken Katsu Curry", "Breaded chicken, mild curry", "13.15", "food", "chicken"))));
  }

  private void add(Restaurant restaurant) {
    restaurants.put(restaurant.id(), restaurant);
  }

  private static MenuItem item(String id, String name, String description, String price, String category,
      String... tags) {
    return new MenuItem(id, name, description, new BigDecimal(price), category, List.of(tags));
  }

  /** Every restaurant, in a fixed order. */
  public Collection<Restaurant> all() {
    return restaurants.values();
  }

  /** The restaurant of that id, if any. */
  public Optional<Restaurant> find(String id) {
    return Optional.ofNullable(restaurants.get(id));
  }
}
