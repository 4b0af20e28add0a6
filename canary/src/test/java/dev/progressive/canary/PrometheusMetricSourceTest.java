package dev.progressive.canary;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.and;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.progressive.canary.event.VerdictReported;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.InMemoryFlagStore;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Prometheus source against a WireMock Prometheus, including Prometheus being down or answering nonsense. */
class PrometheusMetricSourceTest {

  private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant TO = FROM.plus(Duration.ofMinutes(10));

  private WireMockServer prometheus;
  private PrometheusMetricSource source;

  @BeforeEach
  void start() {
    prometheus = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    prometheus.start();
    source = PrometheusMetricSource.builder(URI.create("http://127.0.0.1:" + prometheus.port()))
        .timeout(Duration.ofSeconds(2)).build();
  }

  @AfterEach
  void stop() {
    prometheus.stop();
  }

  private static String vector(String value) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
        + "\"value\":[1767226200," + "\"" + value + "\"]}]}}";
  }

  private void answer(String cohort, boolean errors, String body) {
    prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
        .withQueryParam("query", and(containing("cohort=\"" + cohort + "\""),
            errors ? containing("outcome=\"error\"") : notContaining("outcome")))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)));
  }

  private void healthyFleet() {
    answer("baseline", false, vector("9000.4"));
    answer("baseline", true, vector("90"));
    answer("canary", false, vector("1000"));
    answer("canary", true, vector("25.2"));
  }

  @Test
  void readsTheFleetsCountsOverTheWindow() throws Exception {
    healthyFleet();
    MetricSource.Window w = source.observe("pricing", FROM, TO);
    assertThat(w.baseline().requests()).isEqualTo(9000);
    assertThat(w.baseline().errors()).isEqualTo(90);
    assertThat(w.canary().requests()).isEqualTo(1000);
    assertThat(w.canary().errors()).isEqualTo(25);
    assertThat(w.canary().latenciesMillis()).isEmpty();
    prometheus.verify(getRequestedFor(urlPathEqualTo("/api/v1/query"))
        .withQueryParam("query", equalTo("sum(increase(progressive_canary_requests_seconds_count{canary=\"pricing\","
            + "cohort=\"canary\"}[600s]))"))
        .withQueryParam("time", equalTo(Long.toString(TO.getEpochSecond()))));
  }

  @Test
  void anEmptyVectorIsZero() throws Exception {
    String empty = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
    for (String cohort : List.of("baseline", "canary")) {
      answer(cohort, false, empty);
      answer(cohort, true, empty);
    }
    assertThat(source.observe("pricing", FROM, TO).canary().requests()).isZero();
  }

  @Test
  void faultsAreErrorsNeverNumbers() {
    prometheus.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(503)));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 503");
    prometheus.resetAll();
    prometheus.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(200)
        .withBody("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}")));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("status 'error'")
        .hasMessageContaining("parse error");
    prometheus.resetAll();
    prometheus.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(200)
        .withBody(vector("NaN"))));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("NaN");
    prometheus.resetAll();
    prometheus.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(200)
        .withBody("<html>proxy error</html>")));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("not JSON");
    prometheus.resetAll();
    prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).isInstanceOf(IOException.class);
  }

  @Test
  void prometheusDownMakesTheVerdictInconclusiveNeverPass() {
    MutableClock clock = new MutableClock(FROM);
    ManualScheduler scheduler = new ManualScheduler(clock);
    CanaryRelease release = CanaryRelease.builder("pricing").step(10, Duration.ofMinutes(2), 100)
        .metric(Metric.errorRate()).maxInconclusive(Duration.ofMinutes(5)).build();
    List<VerdictReported> verdicts = new ArrayList<>();
    try (Toggles toggles = Toggles.builder().store(new InMemoryFlagStore()).clock(clock).build()) {
      Canary canary = Canary.builder(release, toggles).clock(clock).scheduler(scheduler).metricSource(source)
          .build();
      canary.onVerdict(verdicts::add);
      canary.start("alice", "go");
      healthyFleet();
      scheduler.advance(Duration.ofMinutes(1));
      assertThat(verdicts.get(0).verdict().result()).as("too early, but Prometheus answers")
          .isEqualTo(Verdict.Result.INCONCLUSIVE);
      assertThat(verdicts.get(0).verdict().summary()).contains("too little data");

      prometheus.stop();
      scheduler.advance(Duration.ofMinutes(7));
      assertThat(verdicts.subList(1, verdicts.size())).allSatisfy(v -> {
        assertThat(v.verdict().result()).isEqualTo(Verdict.Result.INCONCLUSIVE);
        assertThat(v.verdict().summary()).contains("metric source could not be read");
      });
      assertThat(canary.state()).as("inconclusive for too long").isEqualTo(CanaryState.ROLLED_BACK);
      canary.close();
    }
  }

  @Test
  void withPrometheusBackAndEnoughDataItPasses() {
    MutableClock clock = new MutableClock(FROM);
    ManualScheduler scheduler = new ManualScheduler(clock);
    CanaryRelease release = CanaryRelease.builder("pricing").step(10, Duration.ofMinutes(2), 100)
        .metric(Metric.errorRate()).build();
    healthyFleet();
    answer("canary", true, vector("10"));
    try (Toggles toggles = Toggles.builder().store(new InMemoryFlagStore()).clock(clock).build()) {
      Canary canary = Canary.builder(release, toggles).clock(clock).scheduler(scheduler).metricSource(source)
          .build();
      canary.start("alice", "go");
      scheduler.advance(Duration.ofMinutes(2));
      assertThat(canary.state()).isEqualTo(CanaryState.PROMOTED);
      canary.close();
    }
  }
}
