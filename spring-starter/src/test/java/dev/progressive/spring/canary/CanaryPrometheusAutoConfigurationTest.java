package dev.progressive.spring.canary;

import dev.progressive.spring.StarterAutoConfigurations;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.progressive.canary.Canary;
import dev.progressive.canary.MetricSource;
import dev.progressive.canary.PrometheusMetricSource;
import dev.progressive.canary.Verdict;
import dev.progressive.canary.event.VerdictReported;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code progressive.canary.prometheus.*}: canaries judged on the fleet's metrics, unless the application has a source. */
class CanaryPrometheusAutoConfigurationTest {

  private WireMockServer prometheus;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.features())
      .withPropertyValues("progressive.toggles.open-feature.enabled=false", "progressive.parallel-run.enabled=false",
          "progressive.canary.canaries.checkout-v2.steps[0].weight=5",
          "progressive.canary.canaries.checkout-v2.steps[0].min-duration=0s",
          "progressive.canary.canaries.checkout-v2.steps[0].min-requests=10",
          "progressive.canary.canaries.checkout-v2.analysis-interval=50ms",
          "progressive.canary.canaries.checkout-v2.dry-run=true");

  @BeforeEach
  void startPrometheus() {
    prometheus = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    prometheus.start();
    stub("cohort=\"baseline\",outcome=\"error\"}", 4);
    stub("cohort=\"canary\",outcome=\"error\"}", 3);
    stub("cohort=\"baseline\"}", 1234);
    stub("cohort=\"canary\"}", 56);
    prometheus.stubFor(get(urlPathEqualTo("/api/v1/query")).withQueryParam("query", containing("_bucket"))
        .atPriority(1)
        .willReturn(aResponse().withHeader("Content-Type", "application/json")
            .withBody("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}")));
  }

  @AfterEach
  void stopPrometheus() {
    prometheus.stop();
  }

  /**
   * Answers the default count query whose label set ends with {@code labelsEnd} with one sample of {@code value}.
   * (The latency histogram's queries get an empty vector: no buckets, so no latencies.)
   */
  private void stub(String labelsEnd, long value) {
    prometheus.stubFor(get(urlPathEqualTo("/api/v1/query")).withQueryParam("query", containing(labelsEnd))
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":["
                + Instant.now().getEpochSecond() + ",\"" + value + "\"]}]}}")));
  }

  @Test
  void withAUrlTheCanaryTimerPublishesItsLatencyBucketsAndNoOtherMeterDoes() {
    runner.withPropertyValues("progressive.canary.prometheus.url=" + prometheus.baseUrl())
        .run(context -> {
          MeterFilter filter = context.getBean("progressiveCanaryLatencyHistogram", MeterFilter.class);
          DistributionStatisticConfig canaryTimer = filter.configure(
              Timer.builder("progressive.canary.requests").register(new SimpleMeterRegistry()).getId(),
              DistributionStatisticConfig.DEFAULT);
          DistributionStatisticConfig otherTimer = filter.configure(
              Timer.builder("http.server.requests").register(new SimpleMeterRegistry()).getId(),
              DistributionStatisticConfig.DEFAULT);
          assertThat(canaryTimer.isPercentileHistogram()).isTrue();
          assertThat(otherTimer.isPercentileHistogram()).isNotEqualTo(Boolean.TRUE);
        });
  }

  @Test
  void withoutAUrlCanariesAreJudgedOnThisInstancesOutcomes() {
    runner.run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(MetricSource.class)
          .doesNotHaveBean("progressiveCanaryLatencyHistogram");
      assertThat(context).hasSingleBean(Canary.class);
    });
  }

  @Test
  void withAUrlCanariesAreJudgedOnTheFleetsCountsFromPrometheus() throws Exception {
    runner.withPropertyValues("progressive.canary.prometheus.url=" + prometheus.baseUrl(),
        "progressive.canary.prometheus.timeout=60s").run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(PrometheusMetricSource.class);
          Canary canary = context.getBean(Canary.class);
          CompletableFuture<Verdict> verdict = new CompletableFuture<>();
          canary.onVerdict((VerdictReported reported) -> verdict.complete(reported.verdict()));
          canary.start("alice", "test");
          Verdict seen = verdict.get(2, TimeUnit.MINUTES);
          assertThat(seen.baselineRequests()).isEqualTo(1234);
          assertThat(seen.canaryRequests()).isEqualTo(56);
          prometheus.verify(getRequestedFor(urlPathEqualTo("/api/v1/query"))
              .withQueryParam("query", containing("canary=\"checkout-v2\"")));
        });
  }

  @Test
  void customQueriesAreUsed() throws Exception {
    prometheus.stubFor(get(urlPathEqualTo("/api/v1/query")).withQueryParam("query", containing("my_requests"))
        .willReturn(aResponse().withBody("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":["
            + Instant.now().getEpochSecond() + ",\"77\"]}}")));
    prometheus.stubFor(get(urlPathEqualTo("/api/v1/query")).withQueryParam("query", containing("my_errors"))
        .willReturn(aResponse().withBody("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":["
            + Instant.now().getEpochSecond() + ",\"1\"]}}")));
    runner.withPropertyValues("progressive.canary.prometheus.url=" + prometheus.baseUrl(),
        "progressive.canary.prometheus.requests-query=sum(my_requests{cohort=\"{cohort}\"}[{range}])",
        "progressive.canary.prometheus.errors-query=sum(my_errors{cohort=\"{cohort}\"}[{range}])").run(context -> {
          Canary canary = context.getBean(Canary.class);
          CompletableFuture<Verdict> verdict = new CompletableFuture<>();
          canary.onVerdict((VerdictReported reported) -> verdict.complete(reported.verdict()));
          canary.start("alice", "test");
          Verdict seen = verdict.get(2, TimeUnit.MINUTES);
          assertThat(seen.baselineRequests()).isEqualTo(77);
          assertThat(seen.canaryRequests()).isEqualTo(77);
        });
  }

  @Test
  void theApplicationsMetricSourceWins() throws Exception {
    AtomicInteger looks = new AtomicInteger();
    MetricSource own = (name, from, to) -> {
      looks.incrementAndGet();
      return new MetricSource.Window(new MetricSource.Side(900, 0, new double[0]),
          new MetricSource.Side(90, 0, new double[0]));
    };
    runner.withPropertyValues("progressive.canary.prometheus.url=" + prometheus.baseUrl())
        .withBean(MetricSource.class, () -> own).run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(PrometheusMetricSource.class);
          Canary canary = context.getBean(Canary.class);
          CompletableFuture<Verdict> verdict = new CompletableFuture<>();
          canary.onVerdict((VerdictReported reported) -> verdict.complete(reported.verdict()));
          canary.start("alice", "test");
          Verdict seen = verdict.get(2, TimeUnit.MINUTES);
          assertThat(seen.baselineRequests()).isEqualTo(900);
          assertThat(seen.canaryRequests()).isEqualTo(90);
          assertThat(looks.get()).isPositive();
          assertThat(prometheus.getAllServeEvents()).isEmpty();
        });
  }

  @Test
  void anInvalidUrlOrTimeoutFailsTheStartupNamingTheProperty() {
    runner.withPropertyValues("progressive.canary.prometheus.url=prometheus:9090").run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context.getStartupFailure())).contains("progressive.canary.prometheus.url");
    });
    runner.withPropertyValues("progressive.canary.prometheus.url=ftp://prometheus:9090").run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context.getStartupFailure())).contains("progressive.canary.prometheus.url")
          .contains("http or https");
    });
    runner.withPropertyValues("progressive.canary.prometheus.url=" + prometheus.baseUrl(),
        "progressive.canary.prometheus.timeout=0s").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context.getStartupFailure())).contains("progressive.canary.prometheus.timeout")
              .contains("must be positive");
        });
    runner.withPropertyValues("progressive.canary.prometheus.url=" + prometheus.baseUrl(),
        "progressive.canary.prometheus.errors-query=sum(x)").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context.getStartupFailure())).contains("progressive.canary.prometheus.errors-query")
              .contains("{cohort}");
        });
  }

  private static String messages(Throwable failure) {
    StringBuilder messages = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      messages.append(cause.getMessage()).append('\n');
    }
    return messages.toString();
  }
}
