package dev.progressive.samples.restaurant.quote;

import dev.progressive.canary.Cohort;
import dev.progressive.samples.restaurant.catalog.MenuItem;
import dev.progressive.samples.restaurant.catalog.Restaurant;
import dev.progressive.samples.restaurant.catalog.RestaurantCatalog;
import dev.progressive.samples.restaurant.pricing.ClassicPricingEngine;
import dev.progressive.samples.restaurant.pricing.OrderLine;
import dev.progressive.samples.restaurant.pricing.PriceRequest;
import dev.progressive.samples.restaurant.pricing.PricedLine;
import dev.progressive.samples.restaurant.pricing.PricingServiceClient;
import dev.progressive.samples.restaurant.pricing.Subtotal;
import dev.progressive.samples.restaurant.release.PricingRelease;
import dev.progressive.samples.restaurant.tax.TaxBreakdown;
import dev.progressive.samples.restaurant.tax.TaxCalculator;
import dev.progressive.samples.restaurant.tax.TaxRequest;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Prices an order: the lines by the pricing engine that the release plan {@code pricing-v2} picks (or, with the plan
 * off, the in-process canary {@code pricing-engine}), the delivery fee by the downstream pricing service (the HTTP
 * canary {@code pricing-service}), the tax by the tax calculator (the parallel run {@code tax}).
 */
@Service
public class QuoteService {

  private final RestaurantCatalog catalog;
  private final ClassicPricingEngine pricing;
  private final PricingServiceClient pricingService;
  private final TaxCalculator tax;
  private final PricingRelease release;

  QuoteService(RestaurantCatalog catalog, ClassicPricingEngine pricing, PricingServiceClient pricingService,
      TaxCalculator tax, ObjectProvider<PricingRelease> release) {
    this.release = release.getIfAvailable();
    this.catalog = catalog;
    this.pricing = pricing;
    this.pricingService = pricingService;
    this.tax = tax;
  }

  /**
   * Prices a request.
   *
   * @throws IllegalArgumentException naming what is wrong with the request
   */
  public Quote quote(QuoteRequest request) {
    return quote(request, null);
  }

  /**
   * Prices a request for a caller who may ask for a cohort ({@code X-Canary-Cohort}: testers of the new engine).
   *
   * @param explicitCohort the cohort asked for, or {@code null}
   * @throws IllegalArgumentException naming what is wrong with the request
   */
  public Quote quote(QuoteRequest request, Cohort explicitCohort) {
    Restaurant restaurant = validate(request);
    PriceRequest lines = new PriceRequest(request.customerId(), restaurant, request.items());
    Subtotal subtotal = release != null ? release.price(lines, explicitCohort) : pricing.price(lines);
    PricingServiceClient.DeliveryFee fee = pricingService.deliveryFee(request.customerId(), request.distanceKm());
    TaxBreakdown taxes = tax.tax(new TaxRequest(restaurant.region(),
        subtotal.lines().stream().map(PricedLine::amount).toList()));
    return new Quote(restaurant.id(), request.customerId(), subtotal.lines(), subtotal.subtotal(),
        subtotal.engine(), fee.fee(), fee.source(), taxes.tax(),
        subtotal.subtotal().add(fee.fee()).add(taxes.tax()));
  }

  private Restaurant validate(QuoteRequest request) {
    if (request.restaurantId() == null) {
      throw new IllegalArgumentException("restaurantId is missing");
    }
    Restaurant restaurant = catalog.find(request.restaurantId())
        .orElseThrow(() -> new IllegalArgumentException("restaurantId: no restaurant '" + request.restaurantId()
            + "'"));
    if (request.customerId() == null || request.customerId().isBlank()) {
      throw new IllegalArgumentException("customerId is missing");
    }
    if (request.distanceKm() == null || !(request.distanceKm() >= 0 && request.distanceKm() <= 100)) {
      throw new IllegalArgumentException("distanceKm must be from 0 to 100, was " + request.distanceKm());
    }
    List<OrderLine> items = request.items();
    if (items == null || items.isEmpty()) {
      throw new IllegalArgumentException("items: at least one dish is needed");
    }
    for (int i = 0; i < items.size(); i++) {
      OrderLine line = items.get(i);
      String at = "items[" + i + "]";
      if (line == null || line.menuItemId() == null) {
        throw new IllegalArgumentException(at + ".menuItemId is missing");
      }
      if (restaurant.menu().stream().map(MenuItem::id).noneMatch(line.menuItemId()::equals)) {
        throw new IllegalArgumentException(at + ".menuItemId: '" + line.menuItemId() + "' is not on the menu of "
            + restaurant.id());
      }
      if (line.quantity() < 1 || line.quantity() > 50) {
        throw new IllegalArgumentException(at + ".quantity must be from 1 to 50, was " + line.quantity());
      }
    }
    return restaurant;
  }
}
