package dev.progressive.spring.release;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.progressive.spring.release.ReleaseAutoConfigurationTest.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowRequest;
import dev.progressive.parallelrun.http.ShadowResponse;
import dev.progressive.parallelrun.http.ShadowRoute;
import dev.progressive.release.GateStatus;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.StageKind;
import dev.progressive.spring.canary.ProgressiveCanaryAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunAutoConfiguration;
import dev.progressive.spring.shadow.ProgressiveShadowAutoConfiguration;
import dev.progressive.spring.toggles.ProgressiveTogglesAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * A verify stage of a property plan on a route of the HTTP shadow ({@code stages[i].shadow-route}): the plan counts
 * the comparisons the shadow makes against a real HTTP peer, in the registry the shadow counts in; a route, a shadow
 * or a registry that cannot be had fails startup naming the property.
 */
class ReleaseVerifyShadowTest {

  private static final String P = "progressive.releases.orders-v2.";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static WireMockServer candidate;

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ProgressiveTogglesAutoConfiguration.class,
          ProgressiveCanaryAutoConfiguration.class, ProgressiveParallelRunAutoConfiguration.class,
          ProgressiveShadowAutoConfiguration.class, ProgressiveReleaseAutoConfiguration.class))
      .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
      .withPropertyValues("progressive.toggles.open-feature.enabled=false",
          "progressive.canary.canaries.orders.steps[0].weight=50",
          // generous: the shadow's timeout is not what these tests check, and a loaded machine is slow to connect
          "progressive.parallel-run.shadow.timeout=60s",
          "progressive.parallel-run.shadow.routes[0].name=get-order",
          "progressive.parallel-run.shadow.routes[0].path=/orders/*",
          "progressive.parallel-run.shadow.routes[1].name=list-orders",
          "progressive.parallel-run.shadow.routes[1].path=/orders");

  @BeforeAll
  static void start() {
    candidate = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    candidate.start();
    candidate.stubFor(get(urlPathMatching("/v2/orders/.*"))
        .willReturn(aResponse().withStatus(200).withBody("{\"total\": 10}")));
  }

  @AfterAll
  static void stop() {
    candidate.stop();
  }

  private static String candidateUrl() {
    return "progressive.parallel-run.shadow.candidate=http://127.0.0.1:" + candidate.port() + "/v2";
  }

  /** Shadows one request whose primary answered {@code status}; waits for the comparison and gives its outcome. */
  private static ComparisonOutcome shadowOne(ApplicationContext context, int order, int status) throws Exception {
    return context.getBean(HttpShadow.class).shadow(ShadowRequest.of("GET", "/orders/" + order),
        new ShadowResponse(status, Map.of(), "{\"total\": 10}".getBytes())).get(2, TimeUnit.MINUTES).outcome();
  }

  @Test
  void aVerifyStageOnAShadowRouteCountsTheShadowsComparisonsAndPasses() {
    runner.withPropertyValues(candidateUrl(), P + "canary=orders", P + "auto-start=true", P + "interval=100ms",
        P + "stages[0].kind=verify", P + "stages[0].shadow-route=get-order", P + "stages[0].min-comparisons=3",
        P + "stages[0].min-match-rate=1", P + "stages[1].kind=canary").run(context -> {
          assertThat(context).hasNotFailed();
          ReleasePlan plan = context.getBean(ReleaseRegistry.class).find("orders-v2").orElseThrow();
          assertThat(plan.stages().get(0).kind()).isEqualTo(StageKind.VERIFY);
          assertThat(plan.stages().get(0).comparisons().name()).isEqualTo("HTTP shadow route 'get-order'");
          assertThat(plan.status().stage()).isEqualTo("verify");
          GateStatus before = plan.gate();
          assertThat(before.result()).isEqualTo(GateStatus.Result.WAIT);
          assertThat(before.evidence()).contains("HTTP shadow route 'get-order': 0 comparisons");

          for (int order = 1; order <= 3; order++) {
            assertThat(shadowOne(context, order, 200)).isEqualTo(ComparisonOutcome.MATCH);
          }

          await().atMost(WAIT).until(() -> "canary".equals(plan.status().stage()));
          assertThat(plan.history(java.time.Instant.EPOCH, java.time.Instant.MAX, 10))
              .anySatisfy(e -> assertThat(e.reason()).contains("HTTP shadow route 'get-order': 3 comparisons "
                  + "(3 matches, 0 mismatches"));
        });
  }

  @Test
  void theShadowsMismatchesAboveTheLimitRollThePlanBack() {
    runner.withPropertyValues(candidateUrl(), P + "canary=orders", P + "auto-start=true", P + "interval=100ms",
        P + "stages[0].kind=verify", P + "stages[0].shadow-route=get-order", P + "stages[0].min-comparisons=2",
        P + "stages[0].fail-above-mismatch-rate=0.5", P + "stages[1].kind=canary").run(context -> {
          assertThat(context).hasNotFailed();
          ReleasePlan plan = context.getBean(ReleaseRegistry.class).find("orders-v2").orElseThrow();

          // the old version answered 201 where the new one answers 200: the status differs
          assertThat(shadowOne(context, 1, 201)).isEqualTo(ComparisonOutcome.MISMATCH);
          assertThat(shadowOne(context, 2, 201)).isEqualTo(ComparisonOutcome.MISMATCH);

          await().atMost(WAIT).until(() -> plan.status().state() == ReleaseState.ROLLED_BACK);
          assertThat(plan.history(java.time.Instant.EPOCH, java.time.Instant.MAX, 10))
              .anySatisfy(e -> assertThat(e.reason()).contains("HTTP shadow route 'get-order': 2 comparisons "
                  + "(0 matches, 2 mismatches"));
        });
  }

  @Test
  void anUnknownRouteFailsStartupNamingThePropertyAndTheRoutes() {
    runner.withPropertyValues(candidateUrl(), P + "canary=orders", P + "stages[0].kind=dark",
        P + "stages[1].kind=verify", P + "stages[1].shadow-route=nope", P + "stages[2].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[1].shadow-route names HTTP shadow route "
            + "'nope', which the HTTP shadow does not have; its routes (progressive.parallel-run.shadow.routes[i]"
            + ".name) are [get-order, list-orders]"));
  }

  @Test
  void aVerifyStageNamesAnExperimentOrARouteNotBothNorNeither() {
    runner.withPropertyValues(candidateUrl(), P + "canary=orders", P + "stages[0].kind=verify",
        P + "stages[0].shadow-route=get-order", P + "stages[0].experiment=pricing", P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].shadow-route: a verify stage counts "
            + "the comparisons of one source, so set either experiment ('pricing') or shadow-route ('get-order'), "
            + "not both"));
    runner.withPropertyValues(candidateUrl(), P + "canary=orders", P + "stages[0].kind=verify",
        P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].experiment is required for a verify "
            + "stage, or " + P + "stages[0].shadow-route"));
  }

  @Test
  void aShadowRouteOnAnotherKindOfStageFailsStartup() {
    runner.withPropertyValues(candidateUrl(), P + "canary=orders", P + "stages[0].kind=dark",
        P + "stages[0].shadow-route=get-order", P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].shadow-route: shadow-route does not "
            + "apply to a dark stage"));
  }

  @Test
  void withoutAnHttpShadowARouteFailsStartupSayingHowToHaveOne() {
    runner.withPropertyValues(P + "canary=orders", P + "stages[0].kind=verify", P + "stages[0].shadow-route=get-order",
        P + "stages[1].kind=canary").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context)).contains(P + "stages[0].shadow-route names HTTP shadow route 'get-order', "
              + "but the application has no HTTP shadow").contains("progressive.parallel-run.shadow.candidate");
        });
  }

  @Test
  void withoutASingleMeterRegistryTheShadowCountsWhereThePlanCannotReadSoStartupFails() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ProgressiveTogglesAutoConfiguration.class,
            ProgressiveCanaryAutoConfiguration.class, ProgressiveParallelRunAutoConfiguration.class,
            ProgressiveShadowAutoConfiguration.class, ProgressiveReleaseAutoConfiguration.class))
        .withPropertyValues("progressive.toggles.open-feature.enabled=false",
            "progressive.canary.canaries.orders.steps[0].weight=50",
            "progressive.parallel-run.shadow.routes[0].name=get-order",
            "progressive.parallel-run.shadow.routes[0].path=/orders/*", candidateUrl(),
            P + "canary=orders", P + "stages[0].kind=verify", P + "stages[0].shadow-route=get-order",
            P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].shadow-route names HTTP shadow route "
            + "'get-order', but the application has no single MeterRegistry bean"));
  }

  @Test
  void anHttpShadowBeanThatCountsInAnotherRegistryFailsStartupNamingTheProperty() {
    runner.withBean(HttpShadow.class, () -> HttpShadow.builder()
            .candidate(URI.create("http://127.0.0.1:" + candidate.port() + "/v2"))
            .route(ShadowRoute.builder("get-order", "/orders/*").build())
            .meterRegistry(new SimpleMeterRegistry()).build())
        .withPropertyValues(P + "canary=orders", P + "stages[0].kind=verify", P + "stages[0].shadow-route=get-order",
            P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].shadow-route: reads HTTP shadow route "
            + "'get-order' from a registry the shadow does not count in"));
  }
}
