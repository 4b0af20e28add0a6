package dev.progressive.release;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowRequest;
import dev.progressive.parallelrun.http.ShadowResponse;
import dev.progressive.parallelrun.http.ShadowResult;
import dev.progressive.parallelrun.http.ShadowRoute;
import dev.progressive.release.event.ReleaseTransition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A verify stage whose comparisons come from a real {@link HttpShadow}: the new version and a second copy of the old
 * one are WireMock servers, each instance of the fleet shadows through its own shadow, and the plan gates on the
 * fleet's sum, on a controlled clock.
 */
class VerifyByShadowTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final String ORDER = "{\"id\":\"%s\",\"total\":%s,\"servedAt\":\"%s\"}";

  private static WireMockServer candidate;
  private static WireMockServer secondary;

  private final Rig rig = new Rig();
  private final List<HttpShadow> shadows = new ArrayList<>();

  @BeforeAll
  static void startPeers() {
    candidate = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    secondary = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    candidate.start();
    secondary.start();
  }

  @AfterAll
  static void stopPeers() {
    candidate.stop();
    secondary.stop();
  }

  @BeforeEach
  void resetPeers() {
    candidate.resetAll();
    secondary.resetAll();
  }

  @AfterEach
  void close() {
    rig.close();
    shadows.forEach(HttpShadow::close);
  }

  /** The new version answers every order with this total, served at this time. */
  private static void candidateAnswers(String total, String servedAt) {
    answer(candidate, total, servedAt);
  }

  private static void answer(WireMockServer server, String total, String servedAt) {
    server.stubFor(get(urlPathMatching("/orders/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(ORDER.formatted("o", total, servedAt))));
  }

  private HttpShadow shadow(Rig.Node n, boolean withSecondary) {
    HttpShadow.Builder b = HttpShadow.builder().candidate(URI.create(candidate.baseUrl()))
        .meterRegistry(n.registry).timeout(Duration.ofSeconds(10))
        .route(ShadowRoute.builder("get-order", "/orders/*").build());
    if (withSecondary) {
      b.secondary(URI.create(secondary.baseUrl()));
    }
    HttpShadow shadow = b.build();
    shadows.add(shadow);
    return shadow;
  }

  /** {@code n} requests the old version served with this total at this time, each shadowed and compared. */
  private static List<ComparisonOutcome> served(HttpShadow shadow, int n, String total, String servedAt)
      throws Exception {
    List<ComparisonOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] body = ORDER.formatted("o", total, servedAt).getBytes(StandardCharsets.UTF_8);
      ShadowResult r = shadow.shadow(new ShadowRequest("GET", "/orders/" + i, Map.of(), new byte[0]),
          new ShadowResponse(200, Map.of("Content-Type", List.of("application/json")), body))
          .get(60, TimeUnit.SECONDS);       // the comparison's end, an event; the bound only keeps a broken run finite
      outcomes.add(r.outcome());
    }
    return outcomes;
  }

  private static ReleasePlan.Builder plan(Rig.Node n, HttpShadow shadow) {
    return n.builder("p").stage(Stage.verify(ComparisonSource.httpShadow(shadow, "get-order", n.registry))
            .minComparisons(10).minMatchRate(0.9).window(Duration.ofMinutes(5)).failAboveMismatchRate(0.3))
        .stage(Stage.canary());
  }

  private static List<ReleaseAction> actions(Rig.Node n) {
    return n.transitions.stream().map(ReleaseTransition::action).toList();
  }

  @Test
  void theGatePassesOnTheFleetsShadowedComparisonsAfterItsWindow() throws Exception {
    candidateAnswers("10", "t1");
    Rig.Node a = rig.node("a", n -> { });
    Rig.Node b = rig.node("b", n -> { });
    HttpShadow shadowA = shadow(a, false);
    HttpShadow shadowB = shadow(b, false);
    served(shadowA, 3, "10", "t1");                    // before the stage: not counted
    a.plan(plan(a, shadowA));
    b.plan(plan(b, shadowB));
    a.plan.start("alice", "v2 deployed dark");

    assertThat(served(shadowA, 6, "10", "t1")).containsOnly(ComparisonOutcome.MATCH);
    served(shadowB, 5, "10", "t1");
    rig.advance(MINUTE);
    assertThat(a.plan.status().stage()).as("the window is not over").isEqualTo("verify");
    assertThat(a.plan.gate().result()).isEqualTo(GateStatus.Result.WAIT);
    assertThat(a.plan.gate().evidence()).contains("HTTP shadow route 'get-order'").contains("11 comparisons")
        .contains("11 matches");

    rig.advance(MINUTE.multipliedBy(4));

    assertThat(a.plan.status().stage()).isEqualTo("canary");
    assertThat(a.plan.status().evidence()).contains("HTTP shadow route 'get-order'").contains("match rate 1.0000");
    assertThat(actions(a)).containsExactly(ReleaseAction.START, ReleaseAction.ADVANCE);
  }

  @Test
  void theGateWaitsForItsMinimumOfComparisonsAndForAMatchRateItCanAccept() throws Exception {
    candidateAnswers("10", "t1");
    Rig.Node a = rig.node("a", n -> { });
    HttpShadow shadow = shadow(a, false);
    a.plan(plan(a, shadow));
    a.plan.start("alice", "v2 deployed dark");
    served(shadow, 9, "10", "t1");
    rig.advance(MINUTE.multipliedBy(10));
    assertThat(a.plan.status().stage()).as("9 of 10 comparisons").isEqualTo("verify");
    assertThat(a.plan.gate().evidence()).contains("9 comparisons");

    candidateAnswers("11", "t1");
    served(shadow, 2, "10", "t1");        // 9 of 11 match: 0.818, below 0.9, but not above the 0.3 mismatch limit
    rig.advance(MINUTE.multipliedBy(10));

    assertThat(a.plan.status().stage()).isEqualTo("verify");
    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.RUNNING);
    assertThat(a.plan.gate().result()).isEqualTo(GateStatus.Result.WAIT);
    assertThat(a.plan.gate().evidence()).contains("11 comparisons").contains("2 mismatches")
        .contains("match rate 0.8182");
  }

  @Test
  void aMismatchRateAboveTheLimitRollsThePlanBack() throws Exception {
    candidateAnswers("10", "t1");
    Rig.Node a = rig.node("a", n -> { });
    Rig.Node b = rig.node("b", n -> { });
    HttpShadow shadowA = shadow(a, false);
    HttpShadow shadowB = shadow(b, false);
    a.plan(plan(a, shadowA));
    b.plan(plan(b, shadowB));
    a.plan.start("alice", "v2 deployed dark");
    served(shadowA, 6, "10", "t1");
    candidateAnswers("99", "t1");          // the new version gets the total wrong
    assertThat(served(shadowB, 4, "10", "t1")).containsOnly(ComparisonOutcome.MISMATCH);

    rig.advance(MINUTE.multipliedBy(2));

    assertThat(b.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(b.plan.status().evidence()).contains("10 comparisons").contains("4 mismatches");
    assertThat(rig.nodes.stream().flatMap(n -> n.transitions.stream()).map(ReleaseTransition::action))
        .containsExactly(ReleaseAction.START, ReleaseAction.ROLLBACK);
    assertThat(a.canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(b.plan.decide("tester", Cohort.CANARY)).isEqualTo(Cohort.BASELINE);
  }

  @Test
  void differencesTheSecondaryShowsTooAreNoiseAndNotCounted() throws Exception {
    candidateAnswers("10", "t2");         // the new version serves at another time: as the second old copy does
    answer(secondary, "10", "t3");
    Rig.Node a = rig.node("a", n -> { });
    HttpShadow shadow = shadow(a, true);
    a.plan(plan(a, shadow));
    a.plan.start("alice", "v2 deployed dark");

    assertThat(served(shadow, 20, "10", "t1")).containsOnly(ComparisonOutcome.IGNORED);
    rig.advance(MINUTE.multipliedBy(10));
    assertThat(a.plan.status().stage()).as("noise is no comparison: 0 of 10").isEqualTo("verify");
    assertThat(a.plan.gate().evidence()).contains("0 comparisons").contains("20 noise or ignored");

    served(shadow, 10, "10", "t2");       // the same time stamp: a real match
    rig.advance(MINUTE);

    assertThat(a.plan.status().stage()).isEqualTo("canary");
    assertThat(a.plan.status().evidence()).contains("10 comparisons").contains("10 matches")
        .contains("20 noise or ignored");
  }

  @Test
  void outcomesMarkedAsNoiseCountNeitherWay() throws Exception {
    candidate.stubFor(get(urlPathMatching("/orders/.*")).willReturn(aResponse()
        .withFault(Fault.CONNECTION_RESET_BY_PEER)));
    Rig.Node a = rig.node("a", n -> { });
    HttpShadow shadow = shadow(a, false);
    a.plan(a.builder("p").stage(Stage.verify(ComparisonSource.httpShadow(shadow, "get-order", a.registry))
        .minComparisons(5).minMatchRate(1.0).failAboveMismatchRate(0.1).noise(ComparisonOutcome.CANDIDATE_ERROR))
        .stage(Stage.canary()));
    a.plan.start("alice", "v2 deployed dark");

    assertThat(served(shadow, 3, "10", "t1")).containsOnly(ComparisonOutcome.CANDIDATE_ERROR);
    candidate.resetAll();
    candidateAnswers("10", "t1");
    served(shadow, 5, "10", "t1");
    rig.advance(MINUTE);

    assertThat(a.plan.status().stage()).as("the errors neither failed nor passed it").isEqualTo("canary");
    assertThat(a.plan.status().evidence()).contains("5 comparisons").contains("3 noise or ignored");
  }

  @Test
  void buildRefusesARouteTheShadowDoesNotHaveOrARegistryItDoesNotCountIn() {
    Rig.Node a = rig.node("a", n -> { });
    HttpShadow shadow = shadow(a, false);
    assertThatThrownBy(() -> a.builder("p").stage(Stage.verify(ComparisonSource.httpShadow(shadow, "nope",
        a.registry))).stage(Stage.canary()).build())
        .hasMessageContaining("stage 1 'verify' (verify) names HTTP shadow route 'nope'")
        .hasMessageContaining("it has ['get-order']");
    assertThatThrownBy(() -> a.builder("p").stage(Stage.verify(ComparisonSource.httpShadow(shadow, "get-order",
        new SimpleMeterRegistry()))).stage(Stage.canary()).build())
        .hasMessageContaining("a registry the shadow does not count in");
  }
}
