package dev.progressive.samples.restaurant.menu;

import dev.progressive.samples.restaurant.catalog.MenuItem;
import dev.progressive.samples.restaurant.catalog.Restaurant;
import dev.progressive.spring.annotation.FeatureToggle;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Menu search. The new search ({@link #search}) matches every word of the query against names, descriptions and
 * tags and ranks by relevance; it is behind the flag {@code new-menu-search} (see {@code flags.json}): on for
 * e-mail addresses of the beta domain, then for a share of customers that ops raise at runtime. Everyone else gets
 * the classic search ({@link #classicSearch}), a substring of the name.
 */
@Component
public class MenuSearch {

  /** The new search: every word must match a name, a description or a tag; best matches first. */
  @FeatureToggle(flag = "new-menu-search", fallbackMethod = "classicSearch", key = "#customerId",
      attributes = "email=#email")
  public MenuPage search(Restaurant restaurant, String query, String customerId, String email) {
    String[] words = words(query);
    List<MenuItem> items = restaurant.menu().stream()
        .filter(item -> Arrays.stream(words).allMatch(word -> score(item, word) > 0))
        .sorted(Comparator.comparingInt((MenuItem item) -> -score(item, words)).thenComparing(MenuItem::name))
        .toList();
    return new MenuPage(restaurant.id(), query, "relevance", items);
  }

  /** The classic search: the dishes whose name contains the query, in menu order. */
  MenuPage classicSearch(Restaurant restaurant, String query, String customerId, String email) {
    String needle = query.toLowerCase(Locale.ROOT).trim();
    List<MenuItem> items = restaurant.menu().stream()
        .filter(item -> item.name().toLowerCase(Locale.ROOT).contains(needle))
        .toList();
    return new MenuPage(restaurant.id(), query, "classic", items);
  }

  private static String[] words(String query) {
    String trimmed = query.toLowerCase(Locale.ROOT).trim();
    return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
  }

  private static int score(MenuItem item, String... words) {
    int score = 0;
    for (String word : words) {
      if (item.name().toLowerCase(Locale.ROOT).contains(word)) {
        score += 3;
      }
      if (item.tags().contains(word)) {
        score += 2;
      }
      if (item.description().toLowerCase(Locale.ROOT).contains(word)) {
        score += 1;
      }
    }
    return score;
  }
}
