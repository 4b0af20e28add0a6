package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The HTTP canary {@code pricing-service}: the sample's RestClient calls version 1 of the downstream pricing
 * service, and the starter's customizer ({@code progressive.canary.http-clients.pricing-service}) sends the canary's
 * share to version 2. Healthy, version 2 is promoted; with its error knob raised, it is rolled back and version 1
 * serves everyone.
 */
class PricingServiceCanaryIT {

  /**
   * Some of 200 new customers reach version 2 at 25% (answered by it, or by the standard fee when it failed): otherwise the starter's HTTP canary routing is not in force,
   * and waiting for a verdict would only time out.
   */
  static void someQuotesReachVersionTwo(CanaryScenario scenario) throws Exception {
    assertThat(scenario.quotes(200)).as("quotes priced by version 2 of the pricing service at 25%; none means that "
        + "progressive.canary.http-clients.pricing-service did not route the RestClient's calls")
        .anySatisfy(quote -> assertThat(quote.get("deliveryFeeSource").asText()).isIn("v2", "standard"));
  }

  @Nested
  class WithTheErrorKnobAtZero extends CanaryScenario {

    @Test
    void stepsUpAndIsPromoted() throws Exception {
      quotes(200);
      opsStart("pricing-service");
      someQuotesReachVersionTwo(this);

      List<Double> weights = driveUntil("pricing-service", Set.of("PROMOTED", "ROLLED_BACK"));

      JsonNode canary = canary("pricing-service");
      assertThat(canary.get("state").asText()).as(canary.toString()).isEqualTo("PROMOTED");
      assertThat(weights).containsSubsequence(25.0, 50.0, 100.0);
      assertThat(quotes(100)).allSatisfy(quote ->
          assertThat(quote.get("deliveryFeeSource").asText()).isEqualTo("v2"));
    }
  }

  @Nested
  class WithTheErrorKnobRaised extends CanaryScenario {

    @Test
    void isRolledBackAndVersionOneServesEveryone() throws Exception {
      quotes(200);
      opsRaise("pricing-service-v2", "{\"errorRate\": 0.5}");
      opsStart("pricing-service");
      someQuotesReachVersionTwo(this);

      driveUntil("pricing-service", Set.of("PROMOTED", "ROLLED_BACK"));

      JsonNode canary = canary("pricing-service");
      assertThat(canary.get("state").asText()).as(canary.toString()).isEqualTo("ROLLED_BACK");
      assertThat(canary.get("lastVerdict").asText()).startsWith("FAIL").contains("error rate");
      double canaryServed = canarySideRequests("pricing-service");
      assertThat(quotes(300)).allSatisfy(quote ->
          assertThat(quote.get("deliveryFeeSource").asText()).isEqualTo("v1"));
      assertThat(canarySideRequests("pricing-service")).isEqualTo(canaryServed);
    }
  }
}
