package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * The release plan {@code pricing-v2}, the sample's demo (no profile): healthy, it goes dark → verify → canary →
 * approval, its progress line showing each stage and its gate, and ops approve it; with the rules engine's error knob
 * raised, it rolls back at the stage it has reached: dark (the testers' calls fail), verify (the parallel run's
 * mismatches) or canary (the judge), and everyone, testers included, is priced by the classic engine again.
 */
class PricingReleaseIT {

  @Nested
  @ExtendWith(OutputCaptureExtension.class)
  @TestPropertySource(properties = {
      "restaurant.release.min-comparisons=300",
      "progressive.canary.canaries.pricing-engine.steps[0].min-duration=1s"})
  class Healthy extends PricingReleaseScenario {

    @Test
    void goesDarkThenVerifyThenCanaryAndWaitsForOpsToApprove(CapturedOutput output) {
      awaitStage("approval");

      JsonNode plan = plan();
      assertThat(plan.get("gate").get("result").asText()).isEqualTo("WAIT");
      assertThat(plan.get("history").toString()).contains("'dark'", "'verify'", "'canary'");
      assertThat(client.json("/actuator/canaries/pricing-engine", SampleClient.VIEWER).get("state").asText())
          .isEqualTo("PROMOTED");
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(output.getOut())
          .containsPattern("\\| release pricing-v2 RUNNING at dark \\(gate (WAIT|PASS): \\d+ of 30 ")
          .containsPattern("\\| release pricing-v2 RUNNING at verify \\(gate (WAIT|PASS): experiment 'pricing': ")
          .containsPattern("\\| release pricing-v2 RUNNING at canary \\(gate (WAIT|PASS): canary 'pricing-engine' ")
          .contains("| release pricing-v2 RUNNING at approval (gate WAIT: ", "waiting for ops"));

      String approve = "{\"action\": \"approve\", \"reason\": \"change board agreed\"}";
      assertThat(client.post(PLAN, approve, SampleClient.VIEWER).statusCode()).isEqualTo(403);
      JsonNode approved = client.postJson(PLAN, approve, SampleClient.OPS);
      assertThat(approved.get("status").get("state").asText()).isEqualTo("COMPLETED");
      assertThat(approved.get("history").toString()).contains("change board agreed");
      assertThat(client.quote("customer-1").get("pricingEngine").asText()).isEqualTo("rules");
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(output.getOut())
          .contains("| release pricing-v2 COMPLETED at approval ("));
    }
  }

  @Nested
  @ExtendWith(OutputCaptureExtension.class)
  @TestPropertySource(properties = {
      "restaurant.knobs.pricing-engine-v2.error-rate=0.25",
      "restaurant.release.min-comparisons=300",
      "progressive.canary.canaries.pricing-engine.steps[0].min-duration=1s"})
  class FailingFromTheStart extends PricingReleaseScenario {

    @Test
    void rollsBackAtDarkOnTheTestersFailedCalls(CapturedOutput output) {
      JsonNode status = awaitRollback();

      assertThat(status.get("stage").asText()).isEqualTo("dark");
      assertThat(status.get("evidence").asText())
          .containsPattern("^\\d+ of 30 successful explicit calls to the new implementation; \\d+ of \\d+ explicit "
              + "calls failed \\(error rate 0\\.\\d{4}; fails above 0\\.0500 once 30 were made\\); reported by 1 "
              + "instance: ");
      JsonNode last = lastTransition();
      assertThat(last.get("action").asText()).isEqualTo("rollback");
      assertThat(last.get("actor").asText()).isEqualTo("release-driver");
      assertThat(last.get("reason").asText()).contains("stage 'dark' failed its gate", "explicit calls failed");
      everyoneIsOnTheClassicEngine();
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(output.getOut())
          .containsPattern("\\| release pricing-v2 ROLLED_BACK at dark \\(\\d+ of 30 successful explicit calls to "
              + "the new implementation; \\d+ of \\d+ explicit calls failed"));
    }
  }

  /** Verify lasts long enough (2,000 comparisons) for the test to raise the knob before its gate could pass. */
  @Nested
  @TestPropertySource(properties = {
      "restaurant.release.min-comparisons=2000",
      "progressive.canary.canaries.pricing-engine.steps[0].min-duration=1s"})
  class RaisedAtVerify extends PricingReleaseScenario {

    @Test
    void rollsBackAtVerifyOnTheMismatches() {
      awaitStage("verify");
      opsRaiseTheErrorRate(0.25);

      JsonNode status = awaitRollback();

      assertThat(status.get("stage").asText()).isEqualTo("verify");
      assertThat(status.get("evidence").asText()).contains("mismatches", "fails above a mismatch rate of 0.0500");
      assertThat(plan().get("history").toString()).contains("stage 'verify' failed its gate");
      everyoneIsOnTheClassicEngine();
    }
  }

  /** The canary step lasts at least 30 seconds, so that the judge cannot pass it before the knob is raised. */
  @Nested
  @TestPropertySource(properties = {
      "restaurant.release.min-comparisons=300",
      "progressive.canary.canaries.pricing-engine.steps[0].min-duration=30s"})
  class RaisedAtCanary extends PricingReleaseScenario {

    @Test
    void rollsBackAtCanaryOnTheJudgesVerdict() {
      awaitStage("canary");
      opsRaiseTheErrorRate(0.25);

      JsonNode status = awaitRollback();

      assertThat(status.get("stage").asText()).isEqualTo("canary");
      JsonNode canary = client.json("/actuator/canaries/pricing-engine", SampleClient.VIEWER);
      assertThat(canary.get("lastVerdict").asText()).startsWith("FAIL").contains("error rate");
      everyoneIsOnTheClassicEngine();
    }
  }
}
