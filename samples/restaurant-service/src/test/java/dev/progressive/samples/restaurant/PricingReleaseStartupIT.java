package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A gate of the release plan {@code pricing-v2} that cannot be met fails startup, naming the sample's property. */
class PricingReleaseStartupIT {

  @Test
  void aMatchRateAboveOneFailsStartupNamingTheProperty() {
    SpringApplicationBuilder app = new SpringApplicationBuilder(RestaurantServiceApplication.class);

    // As arguments: they outrank application.properties (default properties would not).
    assertThatThrownBy(() -> app.run("--server.port=0", "--restaurant.demo.enabled=false",
        "--restaurant.release.min-match-rate=1.5").close())
        .hasStackTraceContaining("restaurant.release.min-match-rate: minMatchRate must be in (0, 1], was 1.5");
  }

  @Test
  void aTesterErrorRateAboveOneFailsStartupNamingTheProperty() {
    SpringApplicationBuilder app = new SpringApplicationBuilder(RestaurantServiceApplication.class);

    assertThatThrownBy(() -> app.run("--server.port=0", "--restaurant.demo.enabled=false",
        "--restaurant.release.tester-fail-above-error-rate=1.5").close())
        .hasStackTraceContaining("restaurant.release.tester-fail-above-error-rate: failAboveErrorRate must be in "
            + "[0, 1], was 1.5");
  }
}
