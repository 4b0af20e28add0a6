package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The in-process canary {@code pricing-engine} ({@code @CanaryRouted} on {@code ClassicPricingEngine.price}):
 * healthy, it steps up and is promoted; with the new engine failing, it is rolled back and the classic engine prices
 * everyone.
 */
class PricingEngineCanaryIT {

  @Nested
  class WithTheErrorKnobAtZero extends CanaryScenario {

    @Test
    void stepsUpAndIsPromoted() throws Exception {
      quotes(200);   // warm-up, before the canary's window opens
      opsStart("pricing-engine");

      List<Double> weights = driveUntil("pricing-engine", Set.of("PROMOTED", "ROLLED_BACK"));

      JsonNode canary = canary("pricing-engine");
      assertThat(canary.get("state").asText()).as(canary.toString()).isEqualTo("PROMOTED");
      assertThat(weights).containsSubsequence(25.0, 50.0, 100.0);
      assertThat(canary.get("lastVerdict").asText()).startsWith("PASS");
      assertThat(client.sum("progressive_canary_verdicts_total", "canary=\"pricing-engine\"", "verdict=\"pass\""))
          .isGreaterThanOrEqualTo(2.0);
      assertThat(quotes(100)).allSatisfy(quote ->
          assertThat(quote.get("pricingEngine").asText()).isEqualTo("rules"));
    }
  }

  @Nested
  class WithTheErrorKnobRaised extends CanaryScenario {

    @Test
    void isRolledBackAndTheClassicEngineServesEveryone() throws Exception {
      quotes(200);
      opsRaise("pricing-engine-v2", "{\"errorRate\": 0.5}");
      opsStart("pricing-engine");

      driveUntil("pricing-engine", Set.of("PROMOTED", "ROLLED_BACK"));

      JsonNode canary = canary("pricing-engine");
      assertThat(canary.get("state").asText()).as(canary.toString()).isEqualTo("ROLLED_BACK");
      assertThat(canary.get("weight").asDouble()).isZero();
      assertThat(canary.get("lastVerdict").asText()).startsWith("FAIL").contains("error rate");
      double canaryServed = canarySideRequests("pricing-engine");
      assertThat(quotes(300)).allSatisfy(quote ->
          assertThat(quote.get("pricingEngine").asText()).isEqualTo("classic"));
      assertThat(canarySideRequests("pricing-engine")).isEqualTo(canaryServed);
    }
  }
}
