package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.testing.ManualScheduler;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.InMemoryFlagStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The canary's meters as Prometheus scrapes them (the names of DESIGN.md, with the latency buckets the fleet's judge
 * needs), and the whole chain: a Prometheus registry's scrape, served by a WireMock Prometheus, judged through
 * {@link PrometheusMetricSource}.
 */
class CanaryPrometheusTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Pattern BUCKET = Pattern.compile(
      "^progressive_canary_requests_seconds_bucket\\{(?=[^}]*canary=\"pricing\")(?=[^}]*cohort=\"canary\")"
          + "(?=[^}]*outcome=\"success\")[^}]*le=\"([^\"]+)\"[^}]*\\} (\\S+)$", Pattern.MULTILINE);

  private final MutableClock clock = new MutableClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final Toggles toggles = Toggles.builder().store(new InMemoryFlagStore()).clock(clock).build();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    toggles.close();
  }

  private Canary canary(PrometheusMeterRegistry registry, MetricSource source) {
    CanaryRelease release = CanaryRelease.builder("pricing").step(10, Duration.ofMinutes(2), 1_000)
        .metric(Metric.errorRate()).metric(Metric.latency()).metric(Metric.latencyQuantile(0.99)).build();
    Canary.Builder b = Canary.builder(release, toggles).clock(clock).scheduler(scheduler::every).meterRegistry(registry);
    if (source != null) {
      b.metricSource(source);
    }
    Canary canary = b.build();
    closing.add(0, canary);
    return canary;
  }

  @Test
  void withTheLatencyHistogramFilterTheTimerIsScrapedUnderDesignMdsNamesWithBucketsAndNoPercentiles() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(Canary.latencyHistogram());
    Canary canary = canary(registry, null);
    canary.record(Cohort.CANARY, Duration.ofMillis(42), CallOutcome.SUCCESS);
    canary.record(Cohort.CANARY, Duration.ofMillis(3), CallOutcome.SUCCESS);
    canary.record(Cohort.BASELINE, Duration.ofMillis(40), CallOutcome.ERROR);
    String scrape = registry.scrape();

    List<Double> bounds = new ArrayList<>();
    double atMost50ms = -1;
    double all = -1;
    Matcher m = BUCKET.matcher(scrape);
    while (m.find()) {
      double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
      bounds.add(le);
      if (le == Double.POSITIVE_INFINITY) {
        all = Double.parseDouble(m.group(2));
      } else if (le <= 0.05) {
        atMost50ms = Math.max(atMost50ms, Double.parseDouble(m.group(2)));
      }
    }
    assertThat(bounds).as("buckets from 100 µs to 30 s, then +Inf").hasSize(85).isSorted();
    assertThat(bounds.get(0)).isBetween(0.0001, 0.0002);
    assertThat(bounds.get(bounds.size() - 2)).isBetween(28.0, 30.0);
    assertThat(bounds.get(bounds.size() - 1)).isInfinite();
    assertThat(atMost50ms).isEqualTo(2);
    assertThat(all).isEqualTo(2);
    assertThat(scrape)
        .containsPattern("(?m)^progressive_canary_requests_seconds_count\\{[^}]*cohort=\"baseline\"[^}]*"
            + "outcome=\"error\"[^}]*\\} 1")
        .containsPattern("(?m)^progressive_canary_requests_seconds_sum\\{[^}]*cohort=\"canary\"")
        .containsPattern("(?m)^progressive_canary_requests_seconds_max\\{")
        .containsPattern("(?m)^progressive_canary_weight\\{canary=\"pricing\"\\}")
        .containsPattern("(?m)^progressive_canary_verdicts_total\\{canary=\"pricing\",verdict=\"inconclusive\"\\}")
        .doesNotContain("quantile=");
  }

  @Test
  void byDefaultTheLibraryLeavesHistogramsToTheApplication() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Canary canary = canary(registry, null);
    canary.record(Cohort.CANARY, Duration.ofMillis(42), CallOutcome.SUCCESS);
    assertThat(registry.scrape()).contains("progressive_canary_requests_seconds_count")
        .doesNotContain("progressive_canary_requests_seconds_bucket")
        .doesNotContain("quantile=");
  }

  @Test
  void theLatencyHistogramFilterTouchesNoOtherMeter() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(Canary.latencyHistogram());
    registry.timer("http.server.requests").record(Duration.ofMillis(5));
    assertThat(registry.scrape()).contains("http_server_requests_seconds_count")
        .doesNotContain("http_server_requests_seconds_bucket");
  }

  /**
   * Records lognormal latencies (median 40 ms, canary {@code slowdown} times slower) and 1% errors on both sides in
   * a Prometheus registry, serves its scrape as the fleet's metrics, and judges through the Prometheus source.
   */
  private Canary fleet(double slowdown, FakePrometheus prometheus) {
    return fleet(slowdown, prometheus, 4_000);
  }

  private Canary fleet(double slowdown, FakePrometheus prometheus, int requestsPerSide) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(Canary.latencyHistogram());
    Canary canary = canary(registry, PrometheusMetricSource.builder(prometheus.uri()).build());
    canary.start("alice", "pricing v2 deployed");
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < requestsPerSide; i++) {
      for (Cohort cohort : Cohort.values()) {
        double median = cohort == Cohort.CANARY ? 40 * slowdown : 40;
        double millis = median * Math.exp(0.5 * gaussian(random));
        CallOutcome outcome = random.nextDouble() < 0.01 ? CallOutcome.ERROR : CallOutcome.SUCCESS;
        canary.record(cohort, Duration.ofNanos((long) (millis * 1e6)), outcome);
      }
    }
    prometheus.answerFromScrape(registry.scrape(), "pricing");
    return canary;
  }

  private static double gaussian(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  @Test
  void aFleetWithASlowerCanaryIsRolledBackOnLatencyFromItsBuckets() {
    try (FakePrometheus prometheus = new FakePrometheus()) {
      Canary canary = fleet(1.5, prometheus);
      List<Verdict> verdicts = new ArrayList<>();
      canary.onVerdict(v -> verdicts.add(v.verdict()));
      scheduler.advance(Duration.ofMinutes(3));
      assertThat(canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
      Verdict fail = verdicts.get(verdicts.size() - 1);
      assertThat(fail.result()).isEqualTo(Verdict.Result.FAIL);
      assertThat(fail.metrics().get(1).result()).isEqualTo(Verdict.Result.FAIL);
      assertThat(fail.metrics().get(1).relativeChange()).as("median +50%").isBetween(0.35, 0.65);
      assertThat(fail.summary()).contains("latency: median").contains("histogram buckets");
      assertThat(fail.metrics().get(0).result()).as("the error rates are equal").isNotEqualTo(Verdict.Result.FAIL);
    }
  }

  @Test
  void aFleetWithAnEqualCanaryIsPromoted() {
    try (FakePrometheus prometheus = new FakePrometheus()) {
      // an error rate of 1% is shown within +50% after about 17,000 requests per side (docs/canary-judge.md)
      Canary canary = fleet(1.0, prometheus, 40_000);
      List<Verdict> verdicts = new ArrayList<>();
      canary.onVerdict(v -> verdicts.add(v.verdict()));
      scheduler.advance(Duration.ofMinutes(3));
      assertThat(verdicts).noneMatch(v -> v.result() == Verdict.Result.FAIL);
      assertThat(canary.state()).isEqualTo(CanaryState.PROMOTED);
      assertThat(verdicts.get(verdicts.size() - 1).metrics()).allMatch(r -> r.result() == Verdict.Result.PASS);
    }
  }
}
