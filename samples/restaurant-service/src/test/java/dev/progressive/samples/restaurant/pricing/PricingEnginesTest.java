package dev.progressive.samples.restaurant.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.samples.restaurant.RestaurantProperties;
import dev.progressive.samples.restaurant.catalog.Restaurant;
import dev.progressive.samples.restaurant.catalog.RestaurantCatalog;
import dev.progressive.samples.restaurant.knobs.Knobs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The new engine must price exactly as the classic one, or its canary would be a behaviour change. */
class PricingEnginesTest {

  private final RestaurantProperties properties = properties();
  private final Knobs knobs = new Knobs(properties);
  private final ClassicPricingEngine classic = new ClassicPricingEngine(properties);
  private final RulesPricingEngine rules = new RulesPricingEngine(properties, knobs);

  private static RestaurantProperties properties() {
    RestaurantProperties properties = new RestaurantProperties();
    properties.setPricingWork(Duration.ZERO);
    return properties;
  }

  @Test
  void bothEnginesPriceEveryOrderAlike() {
    Random random = new Random(42);
    List<Restaurant> restaurants = new ArrayList<>(new RestaurantCatalog().all());
    for (int i = 0; i < 500; i++) {
      Restaurant restaurant = restaurants.get(random.nextInt(restaurants.size()));
      List<OrderLine> lines = new ArrayList<>();
      for (int n = 1 + random.nextInt(5); n > 0; n--) {
        lines.add(new OrderLine(restaurant.menu().get(random.nextInt(restaurant.menu().size())).id(),
            1 + random.nextInt(6)));
      }
      PriceRequest order = new PriceRequest("customer-" + i, restaurant, lines);

      Subtotal expected = classic.price(order);
      Subtotal actual = rules.price(order);

      assertThat(actual.lines()).as(order.toString()).isEqualTo(expected.lines());
      assertThat(actual.subtotal()).as(order.toString()).isEqualTo(expected.subtotal());
      assertThat(actual.engine()).isEqualTo("rules");
    }
  }

  @Test
  void threeOfADishAreTenPercentOff() {
    Restaurant ajanta = new RestaurantCatalog().find("ajanta").orElseThrow();

    Subtotal subtotal = classic.price(new PriceRequest("c", ajanta, List.of(new OrderLine("ajanta-3", 3))));

    // 3 x 9.35 = 28.05, less 2.81 (2.805 rounded half up) = 25.24
    assertThat(subtotal.lines().get(0).discount()).isEqualByComparingTo("2.81");
    assertThat(subtotal.subtotal()).isEqualByComparingTo("25.24");
  }

  @Test
  void theKnobMakesTheNewEngineFail() {
    Restaurant ajanta = new RestaurantCatalog().find("ajanta").orElseThrow();
    knobs.set(Knobs.PRICING_ENGINE_V2, 1.0, Duration.ZERO);

    assertThatThrownBy(() -> rules.price(new PriceRequest("c", ajanta, List.of(new OrderLine("ajanta-1", 1)))))
        .isInstanceOf(Knobs.InjectedFault.class).hasMessageContaining("pricing-engine-v2: injected error");
  }
}
