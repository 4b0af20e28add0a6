package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The sample on a random port without its demo traffic, driven over HTTP as its users and ops would: the flag through
 * the actuator, the parallel run's mismatches, HTTP shadowing of the menu, the knobs and the security around all of
 * it. Without the demo nobody starts the release plan {@code pricing-v2}: it stays pending, and everyone is priced
 * by the classic engine (the plan itself is {@link PricingReleaseIT}'s).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"restaurant.demo.enabled=false",
    "progressive.parallel-run.shadow.sample-rate=1.0"})
@DirtiesContext
class RestaurantServiceIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @LocalServerPort
  int port;

  SampleClient client;

  @BeforeEach
  void client() {
    client = new SampleClient(port);
  }

  @Test
  void healthIsUpAndOpenToAnyone() {
    HttpResponse<String> response = client.get("/actuator/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  void prometheusIsOpenButProgressiveEndpointsNeedAUser() {
    assertThat(client.get("/actuator/prometheus").statusCode()).isEqualTo(200);
    assertThat(client.get("/actuator/toggles").statusCode()).isEqualTo(401);
    assertThat(client.get("/actuator/canaries").statusCode()).isEqualTo(401);
    assertThat(client.get("/actuator/parallelruns").statusCode()).isEqualTo(401);
    assertThat(client.get("/actuator/releases").statusCode()).isEqualTo(401);
    assertThat(client.get("/actuator/toggles", SampleClient.VIEWER).statusCode()).isEqualTo(200);
    assertThat(client.get("/actuator/canaries", SampleClient.VIEWER).statusCode()).isEqualTo(200);
    assertThat(client.get("/actuator/releases", SampleClient.VIEWER).statusCode()).isEqualTo(200);
  }

  @Test
  void withoutTheDemoThePlanWaitsPendingAndOnlyOpsActOnIt() {
    JsonNode plan = client.json("/actuator/releases/pricing-v2", SampleClient.VIEWER);
    assertThat(plan.get("status").get("state").asText()).isEqualTo("PENDING");
    assertThat(plan.get("stages").findValuesAsText("name")).containsExactly("dark", "verify", "canary", "approval");
    // Pending, the plan routes everyone to the classic engine, testers included.
    assertThat(client.testerQuote("tester-1").get("pricingEngine").asText()).isEqualTo("classic");
    assertThat(client.quote("customer-1").get("pricingEngine").asText()).isEqualTo("classic");

    String abort = "{\"action\": \"abort\", \"reason\": \"not me\"}";
    assertThat(client.post("/actuator/releases/pricing-v2", abort, null).statusCode()).isEqualTo(401);
    assertThat(client.post("/actuator/releases/pricing-v2", abort, SampleClient.VIEWER).statusCode())
        .isEqualTo(403);
    HttpResponse<String> early = client.post("/actuator/releases/pricing-v2",
        "{\"action\": \"approve\", \"reason\": \"too early\"}", SampleClient.OPS);
    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(client.json("/actuator/releases/pricing-v2", SampleClient.VIEWER).get("status").get("state").asText())
        .isEqualTo("PENDING");
  }

  @Test
  void onlyOpsActOnACanary() {
    String abort = "{\"action\": \"abort\", \"reason\": \"not me\"}";

    // pricing-service starts by itself; pricing-engine waits for the release plan's canary stage.
    assertThat(client.post("/actuator/canaries/pricing-service", abort, null).statusCode()).isEqualTo(401);
    assertThat(client.post("/actuator/canaries/pricing-service", abort, SampleClient.VIEWER).statusCode())
        .isEqualTo(403);
    assertThat(client.json("/actuator/canaries/pricing-service", SampleClient.VIEWER).get("state").asText())
        .isEqualTo("PROGRESSING");
    assertThat(client.json("/actuator/canaries/pricing-engine", SampleClient.VIEWER).get("state").asText())
        .isEqualTo("PENDING");

    JsonNode paused = client.postJson("/actuator/canaries/pricing-service",
        "{\"action\": \"pause\", \"reason\": \"hold\"}", SampleClient.OPS);
    assertThat(paused.get("state").asText()).isEqualTo("PAUSED");
    assertThat(paused.get("weight").asDouble()).isEqualTo(25.0);
  }

  @Test
  void betaCustomersGetTheNewSearchFromTheStart() {
    JsonNode page = client.json("/restaurants/trattoria/menu?q=spicy&customer=customer-1"
        + "&email=customer-1@beta.example.com", null);

    assertThat(page.get("search").asText()).isEqualTo("relevance");
    // The new search also matches tags and descriptions: the arrabbiata has "spicy" as a tag only.
    assertThat(page.get("items").findValuesAsText("id")).contains("trattoria-3");
  }

  @Test
  void opsTurnTheToggleOnThroughTheActuatorAndTheMenuChanges() {
    String customer = customerOnTheClassicSearch();
    String menu = "/restaurants/trattoria/menu?q=spicy&customer=" + customer + "&email=" + customer + "@example.com";
    JsonNode before = client.json(menu, null);
    assertThat(before.get("search").asText()).isEqualTo("classic");
    assertThat(before.get("items").findValuesAsText("id")).containsExactly();
    long version = client.json("/actuator/toggles/new-menu-search", SampleClient.VIEWER).get("version").asLong();
    String everyone = "{\"weights\": {\"on\": 100, \"off\": 0}, \"reason\": \"new search for everyone\"}";

    HttpResponse<String> anonymous = client.post("/actuator/toggles/new-menu-search", everyone, null);
    HttpResponse<String> viewer = client.post("/actuator/toggles/new-menu-search", everyone, SampleClient.VIEWER);

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(client.json("/actuator/toggles/new-menu-search", SampleClient.VIEWER).get("version").asLong())
        .isEqualTo(version);
    assertThat(client.json(menu, null).get("search").asText()).isEqualTo("classic");

    try {
      JsonNode changed = client.postJson("/actuator/toggles/new-menu-search", everyone, SampleClient.OPS);
      assertThat(changed.get("version").asLong()).isGreaterThan(version);

      JsonNode after = client.json(menu, null);
      assertThat(after.get("search").asText()).isEqualTo("relevance");
      assertThat(after.get("items").findValuesAsText("id")).contains("trattoria-2", "trattoria-3");
      assertThat(client.sum("progressive_toggle_changes_total", "feature_flag_key=\"new-menu-search\"",
          "origin=\"store\"")).isEqualTo(1.0);
    } finally {
      client.delete("/actuator/toggles/new-menu-search?reason=restore", SampleClient.OPS);
    }
    assertThat(client.json(menu, null).get("search").asText()).isEqualTo("classic");
  }

  /** A regular customer whom the flag's 10% rollout leaves on the classic search. */
  private String customerOnTheClassicSearch() {
    for (int i = 0; i < 100; i++) {
      String customer = "customer-" + i;
      JsonNode page = client.json("/restaurants/ajanta/menu?q=naan&customer=" + customer + "&email=" + customer
          + "@example.com", null);
      if (page.get("search").asText().equals("classic")) {
        return customer;
      }
    }
    throw new AssertionError("none of 100 customers is on the classic search, with a 10% rollout");
  }

  @Test
  void theTaxParallelRunReportsTheRoundingDifferenceWithItsDiff() {
    // 10.45 and 14.85 at California's 7.25%: 1.83 on the total, but 0.76 + 1.08 = 1.84 line by line.
    String mismatching = "{\"restaurantId\":\"ajanta\",\"customerId\":\"c-1\",\"items\":["
        + "{\"menuItemId\":\"ajanta-2\",\"quantity\":1},{\"menuItemId\":\"ajanta-6\",\"quantity\":1}],"
        + "\"distanceKm\":1}";
    JsonNode quote = client.postJson("/quotes", mismatching, null);
    assertThat(quote.get("tax").decimalValue()).isEqualByComparingTo("1.83");

    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode tax = client.json("/actuator/parallelruns/tax", SampleClient.VIEWER);
      List<String> differences = new ArrayList<>();
      tax.get("recentMismatches").forEach(m -> m.get("differences").forEach(d -> differences.add(d.asText())));
      assertThat(differences).contains("tax: 1.83 ≠ 1.84");
    });
    assertThat(client.sum("progressive_parallelrun_comparisons_total", "experiment=\"tax\"",
        "outcome=\"mismatch\"")).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void theMenuIsShadowedAgainstItsCandidateVersion() {
    client.json("/restaurants/sakura/menu?q=&customer=customer-7", null);
    client.json("/restaurants/ajanta/menu?q=spicy&customer=customer-8", null);

    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode runs = client.json("/actuator/parallelruns", SampleClient.VIEWER);
      JsonNode menu = runs.get("shadowRoutes").get(0);
      assertThat(menu.get("name").asText()).isEqualTo("menu");
      assertThat(menu.get("realDifferences").findValuesAsText("path")).contains("body.currency");
      assertThat(menu.get("candidateErrors").asLong()).isZero();
    });
    // Version 2 is this process's /v2 path: the candidate URL http://localhost:${local.server.port}/v2.
    assertThat(client.json("/v2/restaurants/sakura/menu?q=", null).get("currency").asText()).isEqualTo("EUR");
    assertThat(client.json("/restaurants/sakura/menu?q=", null).has("currency")).isFalse();
  }

  @Test
  void knobsNeedOpsAndRefuseNonsense() {
    assertThat(client.post("/knobs/pricing-engine-v2", "{\"errorRate\": 0.5}", null).statusCode())
        .isEqualTo(401);
    assertThat(client.post("/knobs/pricing-engine-v2", "{\"errorRate\": 0.5}", SampleClient.VIEWER).statusCode())
        .isEqualTo(403);
    HttpResponse<String> tooHigh = client.post("/knobs/pricing-engine-v2", "{\"errorRate\": 1.5}", SampleClient.OPS);
    assertThat(tooHigh.statusCode()).isEqualTo(400);
    assertThat(tooHigh.body()).contains("errorRate must be from 0 to 1, was 1.5");
    HttpResponse<String> unknown = client.post("/knobs/nothing", "{\"errorRate\": 0.1}", SampleClient.OPS);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("no knob 'nothing'");
    assertThat(client.json("/knobs", null).get("pricing-engine-v2").get("errorRate").asDouble()).isZero();

    JsonNode set = client.postJson("/knobs/pricing-service-v2", "{\"latencyMillis\": 0}", SampleClient.OPS);
    assertThat(set.get("latencyMillis").asLong()).isZero();
  }

  @Test
  void aBadQuoteIsRefusedWithWhatIsWrong() {
    HttpResponse<String> response = client.post("/quotes", "{\"restaurantId\":\"ajanta\",\"customerId\":\"c\","
        + "\"items\":[{\"menuItemId\":\"sakura-1\",\"quantity\":1}],\"distanceKm\":2}", null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("items[0].menuItemId: 'sakura-1' is not on the menu of ajanta");
  }

  @Test
  void anOrderIsPlacedAndReadBack() {
    JsonNode order = client.postJson("/orders", "{\"restaurantId\":\"sakura\",\"customerId\":\"c-9\","
        + "\"items\":[{\"menuItemId\":\"sakura-3\",\"quantity\":2}],\"distanceKm\":4.5}", null);
    JsonNode read = client.json("/orders/" + order.get("id").asText(), null);

    assertThat(read.get("quote").get("total").decimalValue())
        .isEqualByComparingTo(order.get("quote").get("total").decimalValue());
    // 2 x 8.85 = 17.70; delivery 2.50 + 4.5 x 0.60 = 5.20; tax 17.70 x 6.25% = 1.11 (1.10625 rounded half up)
    assertThat(read.get("quote").get("subtotal").decimalValue()).isEqualByComparingTo("17.70");
    assertThat(read.get("quote").get("deliveryFee").decimalValue()).isEqualByComparingTo("5.20");
    assertThat(read.get("quote").get("tax").decimalValue()).isEqualByComparingTo("1.11");
    assertThat(read.get("quote").get("total").decimalValue()).isEqualByComparingTo("24.01");
    assertThat(client.get("/orders/nope").statusCode()).isEqualTo(404);
  }
}
