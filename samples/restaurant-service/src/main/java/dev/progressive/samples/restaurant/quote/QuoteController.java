package dev.progressive.samples.restaurant.quote;

import dev.progressive.canary.Cohort;
import java.time.Instant;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /quotes} prices an order without placing it; {@code POST /orders} places it and {@code GET
 * /orders/{id}} reads it back. The service keeps the last {@value #KEPT_ORDERS} orders in memory.
 */
@RestController
public class QuoteController {

  static final int KEPT_ORDERS = 10_000;

  /** The header by which testers ask for the new pricing engine while the plan {@code pricing-v2} is dark. */
  static final String COHORT_HEADER = "X-Canary-Cohort";

  private final QuoteService quotes;
  private final Map<String, Order> orders = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Order> eldest) {
      return size() > KEPT_ORDERS;
    }
  };

  QuoteController(QuoteService quotes) {
    this.quotes = quotes;
  }

  @PostMapping("/quotes")
  Quote quote(@RequestBody QuoteRequest request,
      @RequestHeader(name = COHORT_HEADER, required = false) String cohort) {
    return quotes.quote(request, cohort(cohort));
  }

  @PostMapping("/orders")
  ResponseEntity<Order> place(@RequestBody QuoteRequest request,
      @RequestHeader(name = COHORT_HEADER, required = false) String cohort) {
    Order order = new Order(UUID.randomUUID().toString(), Instant.now(), quotes.quote(request, cohort(cohort)));
    synchronized (orders) {
      orders.put(order.id(), order);
    }
    return ResponseEntity.status(HttpStatus.CREATED).body(order);
  }

  @GetMapping("/orders/{id}")
  Order order(@PathVariable String id) {
    Order order;
    synchronized (orders) {
      order = orders.get(id);
    }
    if (order == null) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no order '" + id + "'");
    }
    return order;
  }

  /** The cohort a tester asks for: {@code canary} or {@code baseline}; absent or blank is none. */
  static Cohort cohort(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    return switch (header.strip().toLowerCase(Locale.ROOT)) {
      case "canary" -> Cohort.CANARY;
      case "baseline" -> Cohort.BASELINE;
      default -> throw new IllegalArgumentException(COHORT_HEADER + " must be canary or baseline, was '" + header
          + "'");
    };
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
    return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
  }
}
