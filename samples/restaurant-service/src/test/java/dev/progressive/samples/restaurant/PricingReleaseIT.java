package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.annotation.DirtiesContext.ClassMode;
import org.springframework.test.context.ActiveProfiles;

/**
 * The release plan {@code pricing-v2} in the demo (the {@code release} profile), on a short schedule: gates of 30
 * tester calls and 300 comparisons, looked at every 200 ms, and one canary step of 50% judged on the error rate
 * alone. The demo's own traffic drives it; the test only polls {@code /actuator/releases/pricing-v2}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "restaurant.demo.enabled=true",
    "restaurant.demo.rate=200",
    "restaurant.demo.report-interval=500ms",
    "restaurant.release.tester-calls=30",
    "restaurant.release.tester-every=10",
    "restaurant.release.min-comparisons=300",
    "restaurant.release.interval=200ms",
    "progressive.canary.canaries.pricing-engine.analysis-interval=200ms",
    "progressive.canary.canaries.pricing-engine.steps[0].weight=50",
    "progressive.canary.canaries.pricing-engine.steps[0].min-duration=1s",
    "progressive.canary.canaries.pricing-engine.steps[0].min-requests=300",
    "progressive.canary.canaries.pricing-engine.metrics[0].kind=error-rate",
    "progressive.canary.canaries.pricing-engine.metrics[0].negligible-rate=0.01",
    "progressive.canary.canaries.pricing-service.auto-start=false"})
@ActiveProfiles("release")
@DirtiesContext(classMode = ClassMode.AFTER_EACH_TEST_METHOD)
@ExtendWith(OutputCaptureExtension.class)
class PricingReleaseIT {

  /** Generous: the demo's traffic on a loaded machine. */
  private static final Duration DEADLINE = Duration.ofSeconds(300);
  private static final String PLAN = "/actuator/releases/pricing-v2";

  @LocalServerPort
  int port;

  SampleClient client;

  @BeforeEach
  void client() {
    client = new SampleClient(port);
  }

  @Test
  void aHealthyRunGoesDarkThenVerifyThenCanaryAndWaitsForOpsToApprove(CapturedOutput output) {
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(status().get("stage").asText()).isEqualTo("approval"));

    JsonNode plan = client.json(PLAN, SampleClient.VIEWER);
    assertThat(plan.get("status").get("state").asText()).isEqualTo("RUNNING");
    assertThat(plan.get("gate").get("result").asText()).isEqualTo("WAIT");
    assertThat(plan.get("history").toString()).contains("'dark'", "'verify'", "'canary'");
    assertThat(client.json("/actuator/canaries/pricing-engine", SampleClient.VIEWER).get("state").asText())
        .isEqualTo("PROMOTED");
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(output.getOut())
        .containsPattern("\\| release pricing-v2 RUNNING at dark \\(gate (WAIT|PASS): ")
        .containsPattern("\\| release pricing-v2 RUNNING at verify \\(gate (WAIT|PASS): ")
        .contains("| release pricing-v2 RUNNING at approval (gate WAIT: ", "waiting for ops"));

    String approve = "{\"action\": \"approve\", \"reason\": \"change board agreed\"}";
    assertThat(client.post(PLAN, approve, SampleClient.VIEWER).statusCode()).isEqualTo(403);
    JsonNode approved = client.postJson(PLAN, approve, SampleClient.OPS);
    assertThat(approved.get("status").get("state").asText()).isEqualTo("COMPLETED");
    assertThat(approved.get("history").toString()).contains("change board agreed");
  }

  @Test
  void withTheNewEngineFailingThePlanRollsBackAtTheStageItReached() {
    assertThat(client.post("/knobs/pricing-engine-v2", "{\"errorRate\": 0.25}", SampleClient.OPS).statusCode())
        .isEqualTo(200);

    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(status().get("state").asText()).isEqualTo("ROLLED_BACK"));

    JsonNode status = status();
    assertThat(status.get("stage").asText()).isIn(Set.of("verify", "canary"));
    assertThat(client.json(PLAN, SampleClient.VIEWER).get("history").toString()).contains("rollback");
    // The plan aborted its canary (still pending at verify, judged at canary): nobody is routed to the rules engine.
    assertThat(client.json("/actuator/canaries/pricing-engine", SampleClient.VIEWER).get("state").asText())
        .isEqualTo("ROLLED_BACK");
  }

  private JsonNode status() {
    return client.json(PLAN, SampleClient.VIEWER).get("status");
  }
}
