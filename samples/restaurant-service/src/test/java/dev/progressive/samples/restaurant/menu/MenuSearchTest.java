package dev.progressive.samples.restaurant.menu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.samples.restaurant.catalog.MenuItem;
import dev.progressive.samples.restaurant.catalog.Restaurant;
import dev.progressive.spring.test.FlagValue;
import dev.progressive.spring.test.ProgressiveTest;
import dev.progressive.toggles.Toggles;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The menu search on either side of its flag, set per test with {@code @FlagValue} (from
 * {@code progressive-spring-boot-test}, in test scope) over the sample's own {@code flags.json}: whoever the
 * customer is, the test's value decides, and the native {@code Toggles} API sees the same value.
 */
@SpringBootTest(classes = MenuSearchTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
        "spring.config.name=menu-search-test",
        "progressive.toggles.sources[0].location=classpath:flags.json",
        "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ProgressiveTest
@FlagValue(key = "new-menu-search", value = "true")
class MenuSearchTest {

  private static final Restaurant TRATTORIA = new Restaurant("trattoria", "Trattoria", "italian", "NL", List.of(
      new MenuItem("1", "Pizza Margherita", "tomato and basil", new BigDecimal("9.50"), "food",
          List.of("vegetarian")),
      new MenuItem("2", "Penne Arrabbiata", "spicy tomato", new BigDecimal("11.00"), "food",
          List.of("spicy", "vegan")),
      new MenuItem("3", "Basil Lemonade", "fresh", new BigDecimal("4.00"), "drink", List.of())));

  @Autowired
  MenuSearch search;

  @Autowired
  Toggles toggles;

  @Test
  void theClassesValueGivesEveryCustomerTheNewSearch() {
    MenuPage page = search.search(TRATTORIA, "basil", "customer-1", "someone@example.com");
    assertThat(page.search()).isEqualTo("relevance");
    assertThat(page.items()).extracting(MenuItem::name).containsExactly("Basil Lemonade", "Pizza Margherita");
    assertThat(toggles.isEnabled("new-menu-search")).isTrue();
  }

  @Test
  @FlagValue(key = "new-menu-search", value = "false")
  void theMethodsValueGivesEvenBetaCustomersTheClassicSearch() {
    MenuPage page = search.search(TRATTORIA, "basil", "customer-1", "tester@beta.example.com");
    assertThat(page.search()).isEqualTo("classic");
    assertThat(page.items()).extracting(MenuItem::name).containsExactly("Basil Lemonade");
    assertThat(toggles.isEnabled("new-menu-search")).isFalse();
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(MenuSearch.class)
  static class App {}
}
