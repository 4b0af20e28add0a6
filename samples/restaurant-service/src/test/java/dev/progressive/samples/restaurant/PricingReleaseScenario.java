package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The sample as its README runs it, with no profile: the demo's traffic drives the release plan {@code pricing-v2},
 * on a short schedule (a dark gate of 30 tester calls, one quote in 10 from a tester, looks every 200 ms, and one
 * canary step of 50% judged on the error rate alone). Subclasses set the verify gate's comparisons and the canary
 * step's duration, and whatever fault they need. Tests only poll {@code /actuator/releases/pricing-v2}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "restaurant.demo.enabled=true",
    "restaurant.demo.rate=200",
    "restaurant.demo.report-interval=500ms",
    "restaurant.release.tester-calls=30",
    "restaurant.release.tester-every=10",
    "restaurant.release.interval=200ms",
    "progressive.canary.canaries.pricing-engine.analysis-interval=200ms",
    "progressive.canary.canaries.pricing-engine.steps[0].weight=50",
    "progressive.canary.canaries.pricing-engine.steps[0].min-requests=300",
    "progressive.canary.canaries.pricing-engine.metrics[0].kind=error-rate",
    "progressive.canary.canaries.pricing-engine.metrics[0].negligible-rate=0.01",
    "progressive.canary.canaries.pricing-service.auto-start=false"})
@DirtiesContext
abstract class PricingReleaseScenario {

  /** Generous: the demo's traffic on a loaded machine. */
  static final Duration DEADLINE = Duration.ofSeconds(300);
  static final String PLAN = "/actuator/releases/pricing-v2";
  /** The plan's stages, in order. */
  static final List<String> STAGES = List.of("dark", "verify", "canary", "approval");

  @LocalServerPort
  int port;

  SampleClient client;

  @BeforeEach
  void client() {
    client = new SampleClient(port);
  }

  /** The plan's status, as a viewer reads it. */
  JsonNode status() {
    return plan().get("status");
  }

  /** The plan: status, stages, gate and history. */
  JsonNode plan() {
    return client.json(PLAN, SampleClient.VIEWER);
  }

  /** The plan's last transition in its history: at, action, actor, reason. */
  JsonNode lastTransition() {
    JsonNode history = plan().get("history");
    return history.get(history.size() - 1);
  }

  /** Polls until the plan is at the stage, or past it or ended, which fails the test: the stage was missed. */
  void awaitStage(String stage) {
    int target = STAGES.indexOf(stage);
    JsonNode[] seen = new JsonNode[1];
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> {
      seen[0] = status();
      return STAGES.indexOf(seen[0].get("stage").asText()) >= target
          || !Set.of("PENDING", "RUNNING").contains(seen[0].get("state").asText());
    });
    assertThat(seen[0].get("stage").asText()).as(seen[0].toString()).isEqualTo(stage);
    assertThat(seen[0].get("state").asText()).as(seen[0].toString()).isEqualTo("RUNNING");
  }

  /** Polls until the plan is rolled back; returns its status. */
  JsonNode awaitRollback() {
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(status().get("state").asText()).isEqualTo("ROLLED_BACK"));
    return status();
  }

  /** Ops raise the error rate of the rules engine. */
  void opsRaiseTheErrorRate(double rate) {
    assertThat(client.post("/knobs/pricing-engine-v2", "{\"errorRate\": " + rate + "}", SampleClient.OPS)
        .statusCode()).isEqualTo(200);
  }

  /** After a rollback, everyone is priced by the classic engine: testers too, and the canary routes nobody. */
  void everyoneIsOnTheClassicEngine() {
    assertThat(client.json("/actuator/canaries/pricing-engine", SampleClient.VIEWER).get("state").asText())
        .isEqualTo("ROLLED_BACK");
    for (int i = 0; i < 20; i++) {
      assertThat(client.testerQuote("tester-" + i).get("pricingEngine").asText()).isEqualTo("classic");
      assertThat(client.quote("customer-" + i).get("pricingEngine").asText()).isEqualTo("classic");
    }
  }
}
