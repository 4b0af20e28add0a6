package dev.progressive.canary;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.progressive.canary.FakePrometheus.EMPTY;
import static dev.progressive.canary.FakePrometheus.buckets;
import static dev.progressive.canary.FakePrometheus.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.progressive.canary.event.VerdictReported;
import dev.progressive.testing.ManualScheduler;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.InMemoryFlagStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Prometheus source against a WireMock Prometheus, including Prometheus being down or answering nonsense. */
class PrometheusMetricSourceTest {

  private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant TO = FROM.plus(Duration.ofMinutes(10));
  private static final double INF = Double.POSITIVE_INFINITY;
  /** Some of Micrometer's timer buckets, in seconds. */
  private static final double[] BOUNDS = {0.005, 0.010, 0.021, 0.043, 0.089, 0.179, 0.358, 0.716, 1.431, INF};
  /** A healthy side of 10,000 requests, most of them between 10 and 90 ms. */
  private static final double[] HEALTHY = {50, 600, 2_500, 6_500, 9_300, 9_900, 9_980, 9_995, 10_000, 10_000};
  /** The same traffic one bucket slower: about twice the latency. */
  private static final double[] TWICE_AS_SLOW = {0, 50, 600, 2_500, 6_500, 9_300, 9_900, 9_980, 9_995, 10_000};

  private FakePrometheus prometheus;
  private PrometheusMetricSource source;

  @BeforeEach
  void start() {
    prometheus = new FakePrometheus();
    source = PrometheusMetricSource.builder(prometheus.uri()).timeout(Duration.ofSeconds(2)).build();
  }

  @AfterEach
  void stop() {
    prometheus.close();
  }

  private void healthyFleet() {
    prometheus.requests("baseline", vector("9000.4"));
    prometheus.errors("baseline", vector("90"));
    prometheus.requests("canary", vector("1000"));
    prometheus.errors("canary", vector("25.2"));
    prometheus.latencies("baseline", buckets(BOUNDS, HEALTHY));
    prometheus.latencies("canary", buckets(BOUNDS, HEALTHY));
  }

  @Test
  void readsTheFleetsCountsAndLatencyBucketsOverTheWindow() throws Exception {
    healthyFleet();
    MetricSource.Window w = source.observe("pricing", FROM, TO);
    assertThat(w.baseline().requests()).isEqualTo(9000);
    assertThat(w.baseline().errors()).isEqualTo(90);
    assertThat(w.canary().requests()).isEqualTo(1000);
    assertThat(w.canary().errors()).isEqualTo(25);
    assertThat(w.canary().latenciesMillis()).as("10,000 requests, capped at 5,000").hasSize(5_000);
    assertThat(w.baseline().latenciesMillis()).hasSize(5_000).isSorted();
    assertThat(w.canary().latenciesMillis()[0]).isGreaterThan(0).isLessThanOrEqualTo(5);
    assertThat(w.latencyNote()).contains("histogram buckets").contains("bucket bounds");
    String time = Long.toString(TO.getEpochSecond());
    prometheus.server.verify(getRequestedFor(urlPathEqualTo("/api/v1/query"))
        .withQueryParam("query", equalTo("sum(increase(progressive_canary_requests_seconds_count{canary=\"pricing\","
            + "cohort=\"canary\"}[600s]))"))
        .withQueryParam("time", equalTo(time)));
    prometheus.server.verify(getRequestedFor(urlPathEqualTo("/api/v1/query"))
        .withQueryParam("query", equalTo("sum(increase(progressive_canary_requests_seconds_count{canary=\"pricing\","
            + "cohort=\"baseline\",outcome=\"error\"}[600s]))"))
        .withQueryParam("time", equalTo(time)));
    prometheus.server.verify(getRequestedFor(urlPathEqualTo("/api/v1/query"))
        .withQueryParam("query", equalTo("sum by (le) (increase(progressive_canary_requests_seconds_bucket{"
            + "canary=\"pricing\",cohort=\"canary\"}[600s]))"))
        .withQueryParam("time", equalTo(time)));
  }

  @Test
  void theSampleSizeCapIsConfigurable() throws Exception {
    healthyFleet();
    PrometheusMetricSource small = PrometheusMetricSource.builder(prometheus.uri()).maxLatencySamples(500).build();
    assertThat(small.observe("pricing", FROM, TO).canary().latenciesMillis()).hasSize(500);
    assertThatThrownBy(() -> PrometheusMetricSource.builder(prometheus.uri()).maxLatencySamples(5))
        .hasMessageContaining("maxLatencySamples");
  }

  @Test
  void anEmptyVectorIsZeroAndNoBucketsMeanNoLatencies() throws Exception {
    for (String cohort : List.of("baseline", "canary")) {
      prometheus.requests(cohort, EMPTY);
      prometheus.errors(cohort, EMPTY);
      prometheus.latencies(cohort, EMPTY);
    }
    MetricSource.Window w = source.observe("pricing", FROM, TO);
    assertThat(w.canary().requests()).isZero();
    assertThat(w.canary().latenciesMillis()).isEmpty();
    assertThat(w.latencyNote()).isEqualTo("Prometheus has no latency histogram buckets in the window for the canary");
  }

  @Test
  void onlyAnInfBucketGivesNoLatencies() throws Exception {
    healthyFleet();
    prometheus.latencies("baseline", buckets(Map.of("+Inf", "9000")));
    MetricSource.Window w = source.observe("pricing", FROM, TO);
    assertThat(w.baseline().latenciesMillis()).isEmpty();
    assertThat(w.canary().latenciesMillis()).isNotEmpty();
    assertThat(w.latencyNote()).contains("only the +Inf latency bucket").endsWith("for the baseline");
  }

  @Test
  void withoutLatenciesAsksOnlyForCounts() throws Exception {
    healthyFleet();
    PrometheusMetricSource counts = PrometheusMetricSource.builder(prometheus.uri()).withoutLatencies().build();
    MetricSource.Window w = counts.observe("pricing", FROM, TO);
    assertThat(w.canary().latenciesMillis()).isEmpty();
    assertThat(w.latencyNote()).isEmpty();
    assertThat(prometheus.server.findAll(getRequestedFor(urlPathEqualTo("/api/v1/query")))).hasSize(4);
  }

  @Test
  void labelValuesAreEscapedForPromQl() {
    assertThat(PrometheusMetricSource.escape("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
    assertThat(PrometheusMetricSource.escape("checkout-v2.eu")).isEqualTo("checkout-v2.eu");
  }

  @Test
  void faultsAreErrorsNeverNumbers() {
    var server = prometheus.server;
    server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(503)));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 503");
    server.resetAll();
    server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(200)
        .withBody("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}")));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("status 'error'")
        .hasMessageContaining("parse error");
    server.resetAll();
    server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(200)
        .withBody(vector("NaN"))));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("NaN");
    server.resetAll();
    server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(200)
        .withBody("<html>proxy error</html>")));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("not JSON");
    server.resetAll();
    server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(200).withBody("")));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).isInstanceOf(IOException.class);
    server.resetAll();
    server.stubFor(get(urlPathEqualTo("/api/v1/query"))
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).isInstanceOf(IOException.class);
  }

  @Test
  void bucketsThatAreNotAHistogramAreRefusedWithWhatIsWrong() {
    healthyFleet();
    Map<String, String> dropping = new LinkedHashMap<>();
    dropping.put("0.01", "500");
    dropping.put("0.02", "100");
    dropping.put("+Inf", "600");
    prometheus.latencies("canary", buckets(dropping));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).isInstanceOf(IOException.class)
        .hasMessageContaining("not cumulative").hasMessageContaining("le=0.02");

    prometheus.latencies("canary", buckets(Map.of("0.01", "5", "0.02", "10")));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("no +Inf bucket");

    prometheus.latencies("canary", buckets(Map.of("0.01", "NaN", "+Inf", "10")));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("NaN")
        .hasMessageContaining("le=0.01");

    prometheus.latencies("canary", buckets(Map.of("fast", "5", "+Inf", "10")));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("le=\"fast\"");

    prometheus.latencies("canary", vector("10"));
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("without an 'le' label");

    prometheus.latencies("canary", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + "{\"metric\":{\"le\":\"0.1\",\"instance\":\"a\"},\"value\":[1,\"4\"]},"
        + "{\"metric\":{\"le\":\"0.1\",\"instance\":\"b\"},\"value\":[1,\"6\"]},"
        + "{\"metric\":{\"le\":\"+Inf\"},\"value\":[1,\"10\"]}]}}");
    assertThatThrownBy(() -> source.observe("pricing", FROM, TO)).hasMessageContaining("two series for the bucket")
        .hasMessageContaining("sum the buckets by le");
  }

  // ---------------------------------------------------------------- the judge on the fleet's metrics

  /**
   * The release judged on the fleet's metrics. These buckets double from one to the next, so a p99 read from them
   * cannot be shown within the default +50% (its interval spans a bucket on each side): the p99's pass margin is
   * +100% here.
   */
  private static CanaryRelease release() {
    return CanaryRelease.builder("pricing").step(10, Duration.ofMinutes(2), 1_000)
        .metric(Metric.errorRate()).metric(Metric.latency()).metric(Metric.latencyQuantile(0.99).passMargin(1.0))
        .maxInconclusive(Duration.ofMinutes(30)).build();
  }

  /** Runs one canary against {@code source} for {@code duration}; returns every verdict and the final state. */
  private record Run(List<Verdict> verdicts, CanaryState state) {}

  private static Run run(PrometheusMetricSource source, CanaryRelease release, Duration duration) {
    MutableClock clock = new MutableClock(FROM);
    ManualScheduler scheduler = new ManualScheduler(clock);
    List<Verdict> verdicts = new ArrayList<>();
    try (Toggles toggles = Toggles.builder().store(new InMemoryFlagStore()).clock(clock).build();
        Canary canary = Canary.builder(release, toggles).clock(clock).scheduler(scheduler::every).metricSource(source)
            .build()) {
      canary.onVerdict(v -> verdicts.add(v.verdict()));
      canary.start("alice", "go");
      scheduler.advance(duration);
      return new Run(verdicts, canary.state());
    }
  }

  @Test
  void aCanaryWhoseBucketsAreClearlySlowerFailsOnLatencyWithAReadableReason() {
    prometheus.counts("baseline", 10_000, 100);
    prometheus.counts("canary", 10_000, 100);
    prometheus.latencies("baseline", buckets(BOUNDS, HEALTHY));
    prometheus.latencies("canary", buckets(BOUNDS, TWICE_AS_SLOW));
    Run run = run(source, release(), Duration.ofMinutes(3));
    assertThat(run.state()).isEqualTo(CanaryState.ROLLED_BACK);
    Verdict last = run.verdicts().get(run.verdicts().size() - 1);
    assertThat(last.result()).isEqualTo(Verdict.Result.FAIL);
    assertThat(last.summary()).startsWith("FAIL: latency: median").contains("regression shown")
        .contains("p99 latency").contains("latencies from Prometheus histogram buckets");
    Verdict.MetricResult latency = last.metrics().get(1);
    assertThat(latency.result()).isEqualTo(Verdict.Result.FAIL);
    assertThat(latency.relativeChange()).as("about twice as slow").isBetween(0.6, 1.6);
    assertThat(last.metrics().get(0).result()).as("equal error rates").isNotEqualTo(Verdict.Result.FAIL);
  }

  @Test
  void equalBucketsGiveNoLatencyFailAndTheCanaryIsPromoted() {
    prometheus.counts("baseline", 100_000, 1_000);
    prometheus.counts("canary", 100_000, 1_000);
    prometheus.latencies("baseline", buckets(BOUNDS, HEALTHY));
    prometheus.latencies("canary", buckets(BOUNDS, HEALTHY));
    Run run = run(source, release(), Duration.ofMinutes(3));
    assertThat(run.verdicts()).noneMatch(v -> v.result() == Verdict.Result.FAIL);
    assertThat(run.state()).as(run.verdicts().get(run.verdicts().size() - 1).summary())
        .isEqualTo(CanaryState.PROMOTED);
    Verdict pass = run.verdicts().get(run.verdicts().size() - 1);
    assertThat(pass.result()).isEqualTo(Verdict.Result.PASS);
    assertThat(pass.metrics().get(2).reason()).contains("p99 latency").contains("histogram buckets");
  }

  @Test
  void withoutBucketsTheErrorsAreStillJudgedButLatencyCannotPass() {
    prometheus.counts("baseline", 10_000, 100);
    prometheus.counts("canary", 10_000, 100);
    prometheus.latencies("baseline", EMPTY);
    prometheus.latencies("canary", EMPTY);
    Run equal = run(source, release(), Duration.ofMinutes(3));
    assertThat(equal.verdicts()).allMatch(v -> v.result() == Verdict.Result.INCONCLUSIVE);
    assertThat(equal.state()).isEqualTo(CanaryState.PROGRESSING);
    assertThat(equal.verdicts().get(equal.verdicts().size() - 1).summary())
        .contains("Prometheus has no latency histogram buckets");

    prometheus.counts("canary", 10_000, 400);
    Run errors = run(source, release(), Duration.ofMinutes(3));
    assertThat(errors.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(errors.verdicts().get(errors.verdicts().size() - 1).summary()).startsWith("FAIL: error rate");
  }

  /** What goes wrong with Prometheus. Each must make the verdict INCONCLUSIVE, never PASS. */
  enum Trouble { CONNECTION_REFUSED, HTTP_500, HTTP_503, MALFORMED_JSON, STATUS_ERROR, SLOW, GARBLED_BUCKETS }

  @ParameterizedTest
  @EnumSource(Trouble.class)
  void troubleWithPrometheusIsInconclusiveNeverPass(Trouble trouble) throws IOException {
    prometheus.counts("baseline", 100_000, 1_000);
    prometheus.counts("canary", 100_000, 1_000);
    prometheus.latencies("baseline", buckets(BOUNDS, HEALTHY));
    prometheus.latencies("canary", buckets(BOUNDS, HEALTHY));
    assertThat(run(source, release(), Duration.ofMinutes(3)).state()).as("healthy, it passes")
        .isEqualTo(CanaryState.PROMOTED);

    var server = prometheus.server;
    PrometheusMetricSource troubled = source;
    String expected;
    switch (trouble) {
      case CONNECTION_REFUSED -> {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
          closedPort = socket.getLocalPort();
        }
        troubled = PrometheusMetricSource.builder(URI.create("http://127.0.0.1:" + closedPort)).build();
        expected = "ConnectException";
      }
      case HTTP_500 -> {
        server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(500)));
        expected = "HTTP 500";
      }
      case HTTP_503 -> {
        server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(503)));
        expected = "HTTP 503";
      }
      case MALFORMED_JSON -> {
        server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(200)
            .withBody("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{")));
        expected = "not JSON";
      }
      case STATUS_ERROR -> {
        server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(200)
            .withBody("{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out\"}")));
        expected = "query timed out";
      }
      case SLOW -> {
        server.stubFor(get(urlPathEqualTo("/api/v1/query"))
            .willReturn(aResponse().withStatus(200).withBody(vector("10000")).withFixedDelay(2_000)));
        troubled = PrometheusMetricSource.builder(prometheus.uri()).timeout(Duration.ofMillis(300)).build();
        expected = "HttpTimeoutException";
      }
      case GARBLED_BUCKETS -> {
        prometheus.latencies("canary", buckets(BOUNDS, new double[] {50, 600, 2_500, 6_500, 9_300, 9_900,
            9_980, 9_995, 10_000, 5_000}));
        expected = "not cumulative";
      }
      default -> throw new IllegalStateException(trouble.name());
    }
    Run run = run(troubled, release(), Duration.ofMinutes(3));
    assertThat(run.verdicts()).hasSize(3).allSatisfy(v -> {
      assertThat(v.result()).isEqualTo(Verdict.Result.INCONCLUSIVE);
      assertThat(v.summary()).contains("metric source could not be read").contains(expected);
    });
    assertThat(run.state()).as("held, not promoted").isEqualTo(CanaryState.PROGRESSING);
  }

  @Test
  void prometheusDownForLongerThanAllowedRollsBack() {
    MutableClock clock = new MutableClock(FROM);
    ManualScheduler scheduler = new ManualScheduler(clock);
    CanaryRelease release = CanaryRelease.builder("pricing").step(10, Duration.ofMinutes(2), 100)
        .metric(Metric.errorRate()).maxInconclusive(Duration.ofMinutes(5)).build();
    List<VerdictReported> verdicts = new ArrayList<>();
    try (Toggles toggles = Toggles.builder().store(new InMemoryFlagStore()).clock(clock).build()) {
      Canary canary = Canary.builder(release, toggles).clock(clock).scheduler(scheduler::every).metricSource(source)
          .build();
      canary.onVerdict(verdicts::add);
      canary.start("alice", "go");
      healthyFleet();
      scheduler.advance(Duration.ofMinutes(1));
      assertThat(verdicts.get(0).verdict().result()).as("too early, but Prometheus answers")
          .isEqualTo(Verdict.Result.INCONCLUSIVE);
      assertThat(verdicts.get(0).verdict().summary()).contains("too little data");

      prometheus.close();
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
    healthyFleet();
    prometheus.requests("baseline", vector("90000"));
    prometheus.errors("baseline", vector("900"));
    prometheus.requests("canary", vector("10000"));
    prometheus.errors("canary", vector("100"));
    CanaryRelease release = CanaryRelease.builder("pricing").step(10, Duration.ofMinutes(2), 100)
        .metric(Metric.errorRate()).build();
    assertThat(run(source, release, Duration.ofMinutes(2)).state()).isEqualTo(CanaryState.PROMOTED);
  }
}
