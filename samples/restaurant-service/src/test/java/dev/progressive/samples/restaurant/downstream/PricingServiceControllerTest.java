package dev.progressive.samples.restaurant.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.samples.restaurant.RestaurantProperties;
import dev.progressive.samples.restaurant.knobs.Knobs;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

/** Version 2 of the pricing service computes in cents, and must charge what version 1 charges. */
class PricingServiceControllerTest {

  private final Knobs knobs = new Knobs(new RestaurantProperties());
  private final PricingServiceController service = new PricingServiceController(knobs);

  @Test
  void bothVersionsChargeTheSameFeeAtEveryTenthOfAKilometre() {
    for (int tenths = 0; tenths <= 1000; tenths++) {
      double distance = tenths / 10.0;
      BigDecimal v1 = (BigDecimal) service.version1(distance).get("fee");
      ResponseEntity<Map<String, Object>> v2 = service.version2(distance);
      assertThat(v2.getStatusCode().value()).isEqualTo(200);
      assertThat(v2.getBody().get("fee")).as("%s km", distance).isEqualTo(v1);
    }
    // 2.50 + 3.2 x 0.60 = 4.42, rounded up to five cents
    assertThat(service.version1(3.2).get("fee")).isEqualTo(new BigDecimal("4.45"));
  }

  @Test
  void theKnobMakesVersionTwoAnswer500() {
    knobs.set(Knobs.PRICING_SERVICE_V2, 1.0, Duration.ZERO);

    ResponseEntity<Map<String, Object>> answer = service.version2(1.0);

    assertThat(answer.getStatusCode().value()).isEqualTo(500);
    assertThat(answer.getBody().get("error").toString()).contains("pricing-service-v2: injected error");
  }
}
