package dev.progressive.samples.restaurant.pricing;

import dev.progressive.samples.restaurant.RestaurantProperties;
import dev.progressive.samples.restaurant.catalog.MenuItem;
import dev.progressive.samples.restaurant.knobs.Knobs;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The new pricing engine, released as the canary side of {@code pricing-engine}: the same prices as
 * {@link ClassicPricingEngine}, computed by a list of promotion rules so that new promotions need no code change.
 * The knob {@value Knobs#PRICING_ENGINE_V2} injects errors or latency into it.
 */
@Component("rulesPricingEngine")
public class RulesPricingEngine {

  /** A promotion: the discount it gives on one line's gross amount. */
  interface Promotion {
    BigDecimal discount(OrderLine line, BigDecimal gross);
  }

  private static final List<Promotion> PROMOTIONS = List.of(
      (line, gross) -> line.quantity() >= 3 ? gross.multiply(new BigDecimal("0.10")) : BigDecimal.ZERO);

  private final RestaurantProperties properties;
  private final Knobs knobs;

  RulesPricingEngine(RestaurantProperties properties, Knobs knobs) {
    this.properties = properties;
    this.knobs = knobs;
  }

  /** Prices validated lines, as {@link ClassicPricingEngine#price} does. */
  public Subtotal price(PriceRequest order) {
    Knobs.pause(properties.getPricingWork());
    knobs.apply(Knobs.PRICING_ENGINE_V2);
    Map<String, MenuItem> menu = order.restaurant().menu().stream()
        .collect(Collectors.toMap(MenuItem::id, Function.identity()));
    List<PricedLine> lines = order.lines().stream().map(line -> {
      MenuItem item = menu.get(line.menuItemId());
      BigDecimal gross = item.price().multiply(BigDecimal.valueOf(line.quantity()));
      BigDecimal discount = PROMOTIONS.stream().map(p -> p.discount(line, gross))
          .reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2, RoundingMode.HALF_UP);
      return new PricedLine(item.id(), item.name(), item.category(), line.quantity(), item.price(), discount,
          gross.subtract(discount).setScale(2, RoundingMode.HALF_UP));
    }).toList();
    BigDecimal subtotal = lines.stream().map(PricedLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add)
        .setScale(2, RoundingMode.HALF_UP);
    return new Subtotal(lines, subtotal, "rules");
  }
}
