package dev.progressive.samples.restaurant.pricing;

import dev.progressive.samples.restaurant.RestaurantProperties;
import dev.progressive.samples.restaurant.catalog.MenuItem;
import dev.progressive.samples.restaurant.knobs.Knobs;
import dev.progressive.spring.annotation.CanaryRouted;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The pricing engine in production: menu price times quantity, 10% off a line of three or more of the same dish.
 *
 * <p>{@link #price} is the baseline of the canary release {@code pricing-engine}
 * ({@code progressive.canary.canaries.pricing-engine}) on its own, as the {@code canary} profile runs it
 * ({@code restaurant.release.enabled=false}): a sticky share of customers, growing step by step while the judge finds
 * no regression, is priced by {@link RulesPricingEngine} instead. By default the release plan {@code pricing-v2}
 * routes quotes and calls {@link #priceClassic} as its old side.
 */
@Component
public class ClassicPricingEngine {

  private static final BigDecimal BULK_DISCOUNT = new BigDecimal("0.10");

  private final RestaurantProperties properties;

  ClassicPricingEngine(RestaurantProperties properties) {
    this.properties = properties;
  }

  /** Prices validated lines. */
  @CanaryRouted(name = "pricing-engine", candidate = "rulesPricingEngine", key = "#order.customerId")
  public Subtotal price(PriceRequest order) {
    return priceClassic(order);
  }

  /**
   * Prices validated lines with this engine alone, not routed by the canary: the old side of the release plan
   * {@code pricing-v2} and the control of its parallel run {@code pricing}.
   */
  public Subtotal priceClassic(PriceRequest order) {
    Knobs.pause(properties.getPricingWork());
    List<PricedLine> lines = new ArrayList<>();
    BigDecimal subtotal = BigDecimal.ZERO;
    for (OrderLine line : order.lines()) {
      MenuItem item = order.restaurant().menu().stream()
          .filter(candidate -> candidate.id().equals(line.menuItemId())).findFirst().orElseThrow();
      BigDecimal gross = item.price().multiply(BigDecimal.valueOf(line.quantity()));
      BigDecimal discount = BigDecimal.ZERO.setScale(2);
      if (line.quantity() >= 3) {
        discount = gross.multiply(BULK_DISCOUNT).setScale(2, RoundingMode.HALF_UP);
      }
      BigDecimal amount = gross.subtract(discount).setScale(2, RoundingMode.HALF_UP);
      lines.add(new PricedLine(item.id(), item.name(), item.category(), line.quantity(), item.price(), discount,
          amount));
      subtotal = subtotal.add(amount);
    }
    return new Subtotal(lines, subtotal.setScale(2, RoundingMode.HALF_UP), "classic");
  }
}
