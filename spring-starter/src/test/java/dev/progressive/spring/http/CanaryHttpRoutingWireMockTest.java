package dev.progressive.spring.http;

import dev.progressive.spring.StarterAutoConfigurations;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.progressive.canary.Canary;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.Metric;
import dev.progressive.canary.Verdict;
import dev.progressive.spring.canary.ProgressiveCanaryHttpAutoConfiguration;
import dev.progressive.spring.canary.CanaryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Real HTTP through Spring Boot's {@code RestClient.Builder} and {@code WebClient.Builder}: a baseline and a canary
 * WireMock server, the application calling only the baseline URL.
 */
class CanaryHttpRoutingWireMockTest {

  private static WireMockServer baseline;
  private static WireMockServer canary;
  private static WireMockServer other;

  @BeforeAll
  static void startServers() {
    baseline = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    canary = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    other = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    baseline.start();
    canary.start();
    other.start();
  }

  @AfterAll
  static void stopServers() {
    baseline.stop();
    canary.stop();
    other.stop();
  }

  @BeforeEach
  void stubs() {
    for (WireMockServer server : List.of(baseline, canary)) {
      server.resetAll();
    }
    other.resetAll();
    baseline.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("baseline")));
    canary.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("canary")));
    other.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("other")));
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.features(ProgressiveCanaryHttpAutoConfiguration.class, RestClientAutoConfiguration.class,
            WebClientAutoConfiguration.class))
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("progressive.toggles.open-feature.enabled=false",
            "progressive.parallel-run.enabled=false",
            "progressive.canary.canaries.pricing-v2.steps[0].weight=50",
            "progressive.canary.http-clients.pricing.canary=pricing-v2",
            "progressive.canary.http-clients.pricing.baseline-url=" + baselineUrl(),
            "progressive.canary.http-clients.pricing.canary-url=" + canary.baseUrl() + "/v2");
  }

  private static String baselineUrl() {
    return baseline.baseUrl() + "/v1";
  }

  private static void run(ApplicationContextRunner runner, Consumer<AssertableApplicationContext> test) {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      test.accept(context);
    });
  }

  // ---------------------------------------------------------------- RestClient

  @Test
  void atWeightZeroEveryCallHitsTheBaseline() {
    run(runner(), context -> {
      RestClient client = restClient(context);
      for (int i = 0; i < 20; i++) {
        assertThat(get(client, "/prices/" + i, "user-" + i)).isEqualTo("baseline");
      }
      assertThat(canary.getAllServeEvents()).isEmpty();
      assertThat(count(context, "baseline", "success")).isEqualTo(20);
      assertThat(count(context, "canary", "success")).isZero();
    });
  }

  @Test
  void atWeightHundredEveryCallHitsTheCanaryWithPathQueryAndHeadersKept() {
    run(runner(), context -> {
      canary(context).promote("alice", "test", true);
      RestClient client = restClient(context);
      for (int i = 0; i < 20; i++) {
        assertThat(get(client, "/prices/" + i + "?currency=EUR", "user-" + i)).isEqualTo("canary");
      }
      assertThat(baseline.getAllServeEvents()).isEmpty();
      canary.verify(20, anyRequestedFor(anyUrl()));
      canary.verify(getRequestedFor(urlEqualTo("/v2/prices/3?currency=EUR"))
          .withHeader("X-Canary-Key", equalTo("user-3")));
      assertThat(count(context, "canary", "success")).isEqualTo(20);
      assertThat(count(context, "baseline", "success")).isZero();
    });
  }

  @Test
  void theSideIsStickyPerKeyAndIsTheCanarysDecision() {
    run(runner(), context -> {
      Canary pricing = canary(context);
      pricing.start("alice", "test");
      RestClient client = restClient(context);
      Map<String, String> first = new HashMap<>();
      for (int i = 0; i < 60; i++) {
        String key = "customer-" + i;
        String side = get(client, "/prices/1", key);
        assertThat(side).isEqualTo(pricing.decide(key) == Cohort.CANARY ? "canary" : "baseline");
        first.put(key, side);
      }
      assertThat(first.values()).contains("canary", "baseline");
      for (int round = 0; round < 2; round++) {
        first.forEach((key, side) -> assertThat(get(client, "/prices/1", key)).isEqualTo(side));
      }
      long canaryKeys = first.values().stream().filter("canary"::equals).count();
      assertThat(count(context, "canary", "success")).isEqualTo(canaryKeys * 3);
      assertThat(count(context, "baseline", "success")).isEqualTo((60 - canaryKeys) * 3);
    });
  }

  @Test
  void withoutAKeyTheCallGoesToTheBaseline() {
    run(runner(), context -> {
      canary(context).promote("alice", "test", true);
      assertThat(restClient(context).get().uri(baselineUrl() + "/prices/1").retrieve().body(String.class))
          .isEqualTo("baseline");
      assertThat(count(context, "baseline", "success")).isEqualTo(1);
    });
  }

  @Test
  void theCohortHeaderPicksTheSide() {
    run(runner(), context -> {
      RestClient client = restClient(context);
      assertThat(client.get().uri(baselineUrl() + "/prices/1").header("X-Canary-Cohort", "canary")
          .retrieve().body(String.class)).isEqualTo("canary");
      canary(context).promote("alice", "test", true);
      assertThat(client.get().uri(baselineUrl() + "/prices/1").header("X-Canary-Key", "user-1")
          .header("X-Canary-Cohort", "baseline").retrieve().body(String.class)).isEqualTo("baseline");
      assertThat(client.get().uri(baselineUrl() + "/prices/1").header("X-Canary-Key", "user-1")
          .header("X-Canary-Cohort", "sideways").retrieve().body(String.class)).isEqualTo("canary");
    });
  }

  @Test
  void theKeyComesFromTheInboundRequestThenFromThePrincipal() {
    run(runner(), context -> {
      canary(context).promote("alice", "test", true);
      RestClient client = restClient(context);
      MockHttpServletRequest inbound = new MockHttpServletRequest();
      inbound.addHeader("X-Canary-Key", "inbound-user");
      RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(inbound));
      try {
        assertThat(client.get().uri(baselineUrl() + "/prices/1").retrieve().body(String.class))
            .isEqualTo("canary");
      } finally {
        RequestContextHolder.resetRequestAttributes();
      }
      SecurityContextHolder.setContext(new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(
          "bob", "n/a", AuthorityUtils.NO_AUTHORITIES)));
      try {
        assertThat(client.get().uri(baselineUrl() + "/prices/2").retrieve().body(String.class))
            .isEqualTo("canary");
      } finally {
        SecurityContextHolder.clearContext();
      }
      assertThat(client.get().uri(baselineUrl() + "/prices/3").retrieve().body(String.class)).isEqualTo("baseline");
    });
  }

  @Test
  void aCustomKeyHeaderIsRead() {
    run(runner().withPropertyValues("progressive.canary.http-clients.pricing.key-header=X-Customer"), context -> {
      canary(context).promote("alice", "test", true);
      RestClient client = restClient(context);
      assertThat(client.get().uri(baselineUrl() + "/p").header("X-Customer", "c-1").retrieve().body(String.class))
          .isEqualTo("canary");
      assertThat(client.get().uri(baselineUrl() + "/p").header("X-Canary-Key", "c-1").retrieve().body(String.class))
          .isEqualTo("baseline");
    });
  }

  @Test
  void aServerErrorOfTheCanaryIsRecordedAsACanaryErrorAndReachesTheCallerWithoutARetry() {
    canary.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(503).withBody("down")));
    run(runner(), context -> {
      canary(context).promote("alice", "test", true);
      RestClient client = restClient(context);
      assertThatThrownBy(() -> client.post().uri(baselineUrl() + "/orders").header("X-Canary-Key", "user-1")
          .body("{}").retrieve().body(String.class))
          .isInstanceOf(HttpServerErrorException.class)
          .satisfies(e -> assertThat(((HttpServerErrorException) e).getStatusCode().value()).isEqualTo(503));
      assertThat(count(context, "canary", "error")).isEqualTo(1);
      assertThat(count(context, "canary", "success")).isZero();
      baseline.verify(0, postRequestedFor(anyUrl()));
      assertThat(get(client, "/prices/1", "user-1")).isEqualTo("canary");
      assertThat(count(context, "canary", "success")).isEqualTo(1);
    });
  }

  @Test
  void theJudgeSeesTheCanarysServerErrorsInItsWindow() {
    canary.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(502)));
    ApplicationContextRunner judged = runner().withPropertyValues(
        "progressive.canary.canaries.pricing-v2.steps[0].min-duration=0s",
        "progressive.canary.canaries.pricing-v2.steps[0].min-requests=1",
        "progressive.canary.canaries.pricing-v2.analysis-interval=50ms",
        "progressive.canary.canaries.pricing-v2.dry-run=true");
    run(judged, context -> {
      Canary pricing = canary(context);
      CompletableFuture<Verdict> verdict = new CompletableFuture<>();
      pricing.onVerdict(reported -> {
        if (reported.verdict().canaryRequests() == 3 && reported.verdict().baselineRequests() == 4) {
          verdict.complete(reported.verdict());
        }
      });
      pricing.start("alice", "test");
      RestClient client = restClient(context);
      for (int i = 0; i < 4; i++) {
        assertThat(client.get().uri(baselineUrl() + "/p").header("X-Canary-Cohort", "baseline").retrieve()
            .body(String.class)).isEqualTo("baseline");
      }
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> client.get().uri(baselineUrl() + "/p").header("X-Canary-Cohort", "canary")
            .retrieve().body(String.class)).isInstanceOf(HttpServerErrorException.class);
      }
      Verdict seen = get(verdict);
      Verdict.MetricResult errorRate = seen.metrics().stream()
          .filter(metric -> metric.metric().kind() == Metric.Kind.ERROR_RATE).findFirst().orElseThrow();
      assertThat(errorRate.baseline()).isZero();
      assertThat(errorRate.canary()).isEqualTo(1.0);
    });
  }

  private static Verdict get(CompletableFuture<Verdict> verdict) {
    try {
      return verdict.get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new AssertionError("no verdict over the recorded window", e);
    }
  }

  @Test
  void aClientErrorIsASuccessForTheJudge() {
    baseline.stubFor(any(urlPathEqualTo("/v1/missing")).willReturn(aResponse().withStatus(404)));
    run(runner(), context -> {
      RestClient client = restClient(context);
      assertThatThrownBy(() -> get(client, "/missing", "user-1")).hasMessageContaining("404");
      assertThat(count(context, "baseline", "success")).isEqualTo(1);
      assertThat(count(context, "baseline", "error")).isZero();
    });
  }

  @Test
  void anIoErrorIsRecordedAsAnErrorAndRethrown() {
    canary.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    run(runner(), context -> {
      canary(context).promote("alice", "test", true);
      RestClient client = restClient(context);
      assertThatThrownBy(() -> get(client, "/prices/1", "user-1")).isInstanceOf(ResourceAccessException.class);
      assertThat(count(context, "canary", "error")).isEqualTo(1);
      assertThat(baseline.getAllServeEvents()).isEmpty();
    });
  }

  @Test
  void unrelatedUrlsAreUntouchedAndNotRecorded() {
    run(runner(), context -> {
      canary(context).promote("alice", "test", true);
      RestClient client = restClient(context);
      assertThat(client.get().uri(other.baseUrl() + "/v1/prices/1").header("X-Canary-Key", "user-1").retrieve()
          .body(String.class)).isEqualTo("other");
      assertThat(client.get().uri(baseline.baseUrl() + "/v10/prices/1").header("X-Canary-Key", "user-1")
          .retrieve().body(String.class)).isEqualTo("baseline");
      assertThat(client.get().uri(baseline.baseUrl() + "/v1").header("X-Canary-Key", "user-1").retrieve()
          .body(String.class)).isEqualTo("canary");
      canary.verify(getRequestedFor(urlEqualTo("/v2")));
      assertThat(count(context, "canary", "success")).isEqualTo(1);
      assertThat(count(context, "baseline", "success")).isZero();
    });
  }

  @Test
  void aPlaceholderKnownOnlyAfterStartupIsResolvedOnFirstUse() {
    ApplicationContextRunner late = runner().withPropertyValues(
        "progressive.canary.http-clients.pricing.baseline-url=http://127.0.0.1:${test.late.port}/v1");
    run(late, context -> {
      canary(context).promote("alice", "test", true);
      RestClient client = restClient(context);
      assertThatThrownBy(() -> client.get().uri(baselineUrl() + "/p").retrieve().body(String.class))
          .hasMessageContaining("progressive.canary.http-clients.pricing.baseline-url")
          .hasMessageContaining("${test.late.port}");
      context.getEnvironment().getPropertySources().addFirst(
          new MapPropertySource("late", Map.of("test.late.port", baseline.port())));
      assertThat(client.get().uri("http://127.0.0.1:" + baseline.port() + "/v1/p").header("X-Canary-Key", "u")
          .retrieve().body(String.class)).isEqualTo("canary");
    });
  }

  @Test
  void anApplicationsOwnBuilderRoutesWithTheInterceptorOfOneClient() {
    run(runner(), context -> {
      canary(context).promote("alice", "test", true);
      CanaryHttpRouting routing = context.getBean(CanaryHttpRouting.class);
      RestClient own = RestClient.builder().requestInterceptor(routing.interceptor("pricing")).build();
      assertThat(own.get().uri(baselineUrl() + "/p").header("X-Canary-Key", "u").retrieve().body(String.class))
          .isEqualTo("canary");
      assertThatThrownBy(() -> routing.interceptor("nope"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no HTTP client 'nope'");
    });
  }

  // ---------------------------------------------------------------- WebClient

  @Test
  void webClientCallsAreRoutedByTheCanaryAndRecorded() {
    run(runner(), context -> {
      WebClient client = webClient(context);
      assertThat(webGet(client, "/prices/1", "user-1")).isEqualTo("baseline");
      canary(context).promote("alice", "test", true);
      assertThat(webGet(client, "/prices/2?currency=EUR", "user-1")).isEqualTo("canary");
      canary.verify(getRequestedFor(urlEqualTo("/v2/prices/2?currency=EUR")));
      assertThat(client.get().uri(baselineUrl() + "/p").retrieve().bodyToMono(String.class).block())
          .isEqualTo("baseline");
      assertThat(client.get().uri(other.baseUrl() + "/v1/p").header("X-Canary-Key", "u").retrieve()
          .bodyToMono(String.class).block()).isEqualTo("other");
      assertThat(count(context, "baseline", "success")).isEqualTo(2);
      assertThat(count(context, "canary", "success")).isEqualTo(1);
    });
  }

  @Test
  void webClientServerAndIoErrorsAreRecordedAsErrorsAndReachTheCaller() {
    canary.stubFor(any(urlPathEqualTo("/v2/down")).willReturn(aResponse().withStatus(500)));
    canary.stubFor(any(urlPathEqualTo("/v2/reset")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    run(runner(), context -> {
      canary(context).promote("alice", "test", true);
      WebClient client = webClient(context);
      assertThatThrownBy(() -> webGet(client, "/down", "user-1")).isInstanceOf(WebClientResponseException.class);
      assertThatThrownBy(() -> webGet(client, "/reset", "user-1")).isInstanceOf(WebClientRequestException.class);
      assertThat(count(context, "canary", "error")).isEqualTo(2);
      assertThat(baseline.getAllServeEvents()).isEmpty();
    });
  }

  @Test
  void webClientTakesTheKeyFromTheReactivePrincipal() {
    run(runner(), context -> {
      canary(context).promote("alice", "test", true);
      WebClient client = webClient(context);
      String side = client.get().uri(baselineUrl() + "/p").retrieve().bodyToMono(String.class)
          .contextWrite(ReactiveSecurityContextHolder.withAuthentication(
              UsernamePasswordAuthenticationToken.authenticated("carol", "n/a", AuthorityUtils.NO_AUTHORITIES)))
          .block();
      assertThat(side).isEqualTo("canary");
    });
  }

  @Test
  void anApplicationsOwnWebClientRoutesWithTheFilterOfOneClient() {
    run(runner(), context -> {
      canary(context).promote("alice", "test", true);
      CanaryHttpRouting routing = context.getBean(CanaryHttpRouting.class);
      WebClient own = WebClient.builder().filter(new CanaryExchangeFilter(routing, "pricing")).build();
      assertThat(webGet(own, "/p", "u")).isEqualTo("canary");
      assertThat(count(context, "canary", "success")).isEqualTo(1);
    });
  }

  // ---------------------------------------------------------------- helpers

  private static Canary canary(AssertableApplicationContext context) {
    return context.getBean(CanaryRegistry.class).find("pricing-v2").orElseThrow();
  }

  private static RestClient restClient(AssertableApplicationContext context) {
    return context.getBean(RestClient.Builder.class).build();
  }

  private static WebClient webClient(AssertableApplicationContext context) {
    return context.getBean(WebClient.Builder.class).build();
  }

  private static String get(RestClient client, String path, String key) {
    return client.get().uri(baselineUrl() + path).header("X-Canary-Key", key).retrieve().body(String.class);
  }

  private static String webGet(WebClient client, String path, String key) {
    return client.get().uri(baselineUrl() + path).header("X-Canary-Key", key).retrieve().bodyToMono(String.class)
        .block();
  }

  private static long count(AssertableApplicationContext context, String cohort, String outcome) {
    Timer timer = context.getBean(MeterRegistry.class).find("progressive.canary.requests")
        .tags("canary", "pricing-v2", "cohort", cohort, "outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }
}
