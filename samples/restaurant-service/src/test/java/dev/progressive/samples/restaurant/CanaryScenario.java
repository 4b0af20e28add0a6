package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The canary-only sample ({@code restaurant.release.enabled=false}, as the {@code canary} profile runs it: quotes are
 * priced through {@code @CanaryRouted}, not through the release plan) with both canaries on short steps (two steps of 25% and 50%, one second and 1,000 requests per side
 * each, judged every 200 ms), started by ops through the actuator, and a driver that sends quotes from many customers
 * until the canary reaches a final state. 1,000 requests per side is what the judge's default p99 test needs.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "restaurant.demo.enabled=false",
    "restaurant.release.enabled=false",
    "progressive.canary.canaries.pricing-engine.auto-start=false",
    "progressive.canary.canaries.pricing-engine.analysis-interval=200ms",
    "progressive.canary.canaries.pricing-engine.steps[0].weight=25",
    "progressive.canary.canaries.pricing-engine.steps[0].min-duration=1s",
    "progressive.canary.canaries.pricing-engine.steps[0].min-requests=1000",
    "progressive.canary.canaries.pricing-engine.steps[1].weight=50",
    "progressive.canary.canaries.pricing-engine.steps[1].min-duration=1s",
    "progressive.canary.canaries.pricing-engine.steps[1].min-requests=1000",
    "progressive.canary.canaries.pricing-service.auto-start=false",
    "progressive.canary.canaries.pricing-service.analysis-interval=200ms",
    "progressive.canary.canaries.pricing-service.steps[0].weight=25",
    "progressive.canary.canaries.pricing-service.steps[0].min-duration=1s",
    "progressive.canary.canaries.pricing-service.steps[0].min-requests=1000",
    "progressive.canary.canaries.pricing-service.steps[1].weight=50",
    "progressive.canary.canaries.pricing-service.steps[1].min-duration=1s",
    "progressive.canary.canaries.pricing-service.steps[1].min-requests=1000"})
@DirtiesContext
abstract class CanaryScenario {

  /**
   * The judge passes a step on evidence: with no errors on either side, once the canary's error rate is shown below
   * 0.1%, which takes about 8,500 canary requests per step (docs/canary-judge.md); on a loaded machine a step can
   * take over a minute.
   */
  static final Duration DEADLINE = Duration.ofSeconds(300);
  private static final int THREADS = 8;
  private static final int BATCH = 400;

  @LocalServerPort
  int port;

  SampleClient client;
  private ExecutorService senders;
  private int nextCustomer;

  @BeforeEach
  void start() {
    client = new SampleClient(port);
    senders = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    senders.shutdownNow();
    assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  /** The canary as {@code /actuator/canaries/{name}} shows it. */
  JsonNode canary(String name) {
    return client.json("/actuator/canaries/" + name, SampleClient.VIEWER);
  }

  /** Ops start the canary: promote from PENDING puts it on its first step. */
  void opsStart(String name) {
    JsonNode started = client.postJson("/actuator/canaries/" + name,
        "{\"action\": \"promote\", \"reason\": \"v2 deployed\"}", SampleClient.OPS);
    assertThat(started.get("state").asText()).isEqualTo("PROGRESSING");
    assertThat(started.get("weight").asDouble()).isEqualTo(25.0);
  }

  /** Ops raise a knob of a new version. */
  void opsRaise(String knob, String json) {
    client.postJson("/knobs/" + knob, json, SampleClient.OPS);
  }

  /**
   * Sends quotes, each from a new customer, until the canary is in one of the states; fails at the deadline.
   *
   * @return the weights seen along the way, in order, without repeats
   */
  List<Double> driveUntil(String name, Set<String> states) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    List<Double> weights = new ArrayList<>();
    while (true) {
      JsonNode canary = canary(name);
      double weight = canary.get("weight").asDouble();
      if (weights.isEmpty() || weights.get(weights.size() - 1) != weight) {
        weights.add(weight);
      }
      if (states.contains(canary.get("state").asText())) {
        return weights;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("canary " + name + " did not reach " + states + " within " + DEADLINE + ": "
            + canary + ", weights seen " + weights);
      }
      quotes(BATCH);
    }
  }

  /** Sends quotes from new customers on the sender threads; returns their answers. */
  List<JsonNode> quotes(int count) throws Exception {
    List<Future<JsonNode>> answers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String customer = "customer-" + nextCustomer++;
      answers.add(senders.submit(() -> client.quote(customer)));
    }
    List<JsonNode> quotes = new ArrayList<>();
    for (Future<JsonNode> answer : answers) {
      quotes.add(answer.get(60, TimeUnit.SECONDS));
    }
    return quotes;
  }

  /** The requests the canary side of a canary has served, from the Prometheus output. */
  double canarySideRequests(String name) {
    return client.sum("progressive_canary_requests_seconds_count", "canary=\"" + name + "\"",
        "cohort=\"canary\"");
  }
}
