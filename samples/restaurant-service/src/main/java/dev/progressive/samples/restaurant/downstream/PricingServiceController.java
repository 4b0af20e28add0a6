package dev.progressive.samples.restaurant.downstream;

import dev.progressive.samples.restaurant.knobs.Knobs;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The downstream pricing service, versions 1 and 2, served by the sample itself so that it runs as one process: in
 * production they would be two deployments of another service. {@code GET /downstream/pricing/v1/delivery-fee} and
 * {@code .../v2/delivery-fee} with {@code distanceKm} answer {@code {"fee": 4.90, "version": "v1"}}: 2.50 plus 0.60
 * per kilometre, rounded up to five cents. Version 2 computes it in cents and honours the knob
 * {@value Knobs#PRICING_SERVICE_V2}: its injected errors answer 500, its latency delays the answer.
 */
@RestController
@RequestMapping("/downstream/pricing")
public class PricingServiceController {

  private static final BigDecimal BASE = new BigDecimal("2.50");
  private static final BigDecimal PER_KM = new BigDecimal("0.60");
  private static final BigDecimal FIVE_CENTS = new BigDecimal("0.05");

  private final Knobs knobs;

  PricingServiceController(Knobs knobs) {
    this.knobs = knobs;
  }

  @GetMapping("/v1/delivery-fee")
  Map<String, Object> version1(@RequestParam double distanceKm) {
    BigDecimal raw = BASE.add(PER_KM.multiply(distance(distanceKm)));
    BigDecimal fee = raw.divide(FIVE_CENTS, 0, RoundingMode.CEILING).multiply(FIVE_CENTS);
    return Map.of("fee", fee.setScale(2, RoundingMode.UNNECESSARY), "version", "v1");
  }

  @GetMapping("/v2/delivery-fee")
  ResponseEntity<Map<String, Object>> version2(@RequestParam double distanceKm) {
    try {
      knobs.apply(Knobs.PRICING_SERVICE_V2);
    } catch (Knobs.InjectedFault e) {
      return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(Map.of("error", e.getMessage()));
    }
    long cents = 250 + distance(distanceKm).multiply(BigDecimal.valueOf(60)).setScale(0, RoundingMode.CEILING)
        .longValueExact();
    long roundedCents = (cents + 4) / 5 * 5;
    return ResponseEntity.ok(Map.of("fee", BigDecimal.valueOf(roundedCents, 2), "version", "v2"));
  }

  private static BigDecimal distance(double distanceKm) {
    if (!(distanceKm >= 0 && distanceKm <= 100)) {
      throw new IllegalArgumentException("distanceKm must be from 0 to 100, was " + distanceKm);
    }
    return BigDecimal.valueOf(distanceKm);
  }
}
