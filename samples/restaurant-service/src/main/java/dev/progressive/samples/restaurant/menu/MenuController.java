package dev.progressive.samples.restaurant.menu;

import dev.progressive.samples.restaurant.catalog.Restaurant;
import dev.progressive.samples.restaurant.catalog.RestaurantCatalog;
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
 * search depending on the flag {@code new-menu-search} for that customer. The same path under {@code /v2} answers as
 * version 2 of this endpoint would, standing in for a separately deployed new version so that the sample runs as one
 * process: that is where the shadow filter replays menu requests
 * ({@code progressive.parallel-run.shadow.candidate=http://localhost:${local.server.port}/v2}), and
 * {@code /actuator/parallelruns} shows what differs. In production the candidate is another deployment.
 */
@RestController
public class MenuController {

  private final RestaurantCatalog catalog;
  private final MenuSearch search;

  MenuController(RestaurantCatalog catalog, MenuSearch search) {
    this.catalog = catalog;
    this.search = search;
  }

  @GetMapping("/restaurants")
  Collection<Restaurant> restaurants() {
    return catalog.all();
  }

  @GetMapping("/restaurants/{id}/menu")
  MenuPage menu(@PathVariable String id, @RequestParam(name = "q", defaultValue = "") String query,
      @RequestParam(name = "customer", required = false) String customer,
      @RequestParam(name = "email", required = false) String email) {
    Restaurant restaurant = catalog.find(id)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no restaurant '" + id + "'"));
    return search.search(restaurant, query, customer, email);
  }

  /** Version 2 of the menu, the shadow's candidate: the same search, answered as {@link #version2} does. */
  @GetMapping("/v2/restaurants/{id}/menu")
  Map<String, Object> menuVersion2(@PathVariable String id, @RequestParam(name = "q", defaultValue = "") String query,
      @RequestParam(name = "customer", required = false) String customer,
      @RequestParam(name = "email", required = false) String email) {
    return version2(menu(id, query, customer, email));
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
