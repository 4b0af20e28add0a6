package dev.progressive.samples.restaurant.menu;

import dev.progressive.samples.restaurant.catalog.Restaurant;
import dev.progressive.samples.restaurant.catalog.RestaurantCatalog;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collection;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Restaurants and their menus.
 *
 * <p>{@code GET /restaurants/{id}/menu?q=...&customer=...&email=...} searches a menu, with the classic or the new
 * search depending on the flag {@code new-menu-search} for that customer. The same path on the candidate port
 * ({@link MenuCandidateConnector}) answers as version 2 of this endpoint would: that is where the shadow filter
 * replays menu requests, and {@code /actuator/parallelruns} shows what differs.
 */
@RestController
public class MenuController {

  private final RestaurantCatalog catalog;
  private final MenuSearch search;
  private final MenuCandidateConnector candidate;

  MenuController(RestaurantCatalog catalog, MenuSearch search, MenuCandidateConnector candidate) {
    this.catalog = catalog;
    this.search = search;
    this.candidate = candidate;
  }

  @GetMapping("/restaurants")
  Collection<Restaurant> restaurants() {
    return catalog.all();
  }

  @GetMapping("/restaurants/{id}/menu")
  Object menu(@PathVariable String id, @RequestParam(name = "q", defaultValue = "") String query,
      @RequestParam(name = "customer", required = false) String customer,
      @RequestParam(name = "email", required = false) String email, HttpServletRequest request) {
    Restaurant restaurant = catalog.find(id)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no restaurant '" + id + "'"));
    MenuPage page = search.search(restaurant, query, customer, email);
    if (candidate.isCandidate(request)) {
      return version2(page);
    }
    return page;
  }

  /**
   * Version 2 of the menu, under evaluation by HTTP shadowing: it adds the currency of the prices. The shadow's
   * report shows it as a real difference from version 1, {@code body.currency: (absent) ≠ "EUR"}.
   */
  private static Map<String, Object> version2(MenuPage page) {
    return Map.of("restaurantId", page.restaurantId(), "query", page.query(), "search", page.search(),
        "currency", "EUR", "items", page.items());
  }
}
