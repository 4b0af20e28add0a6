package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The definition's builder checks every argument at once and says what was wrong. */
class CanaryReleaseTest {

  private static final Duration TEN = Duration.ofMinutes(10);

  @Test
  void buildsWithDefaults() {
    CanaryRelease r = CanaryRelease.builder("pricing").step(1, TEN, 100).step(12.5, TEN, 100).build();
    assertThat(r.flagKey()).isEqualTo("canary.pricing");
    assertThat(r.steps()).extracting(CanaryRelease.Step::weight).containsExactly(100, 1250);
    assertThat(r.metrics()).extracting(Metric::name).containsExactly("error rate", "latency", "p99 latency");
    assertThat(r.dryRun()).isFalse();
    assertThat(r.maxInconclusive()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void refusesBadArguments() {
    assertThatThrownBy(() -> CanaryRelease.builder("Pricing!")).hasMessageContaining("'Pricing!'");
    CanaryRelease.Builder b = CanaryRelease.builder("pricing").step(5, TEN, 100);
    assertThatThrownBy(() -> b.step(5, TEN, 100)).hasMessageContaining("steps must increase");
    assertThatThrownBy(() -> b.step(100, TEN, 100)).hasMessageContaining("(0, 100)");
    assertThatThrownBy(() -> b.step(10.001, TEN, 100)).hasMessageContaining("two decimals");
    assertThatThrownBy(() -> b.step(10, TEN, 0)).hasMessageContaining("minRequestsPerSide");
    assertThatThrownBy(() -> b.step(10, Duration.ofMinutes(-1), 10)).hasMessageContaining("negative");
    assertThatThrownBy(() -> b.alpha(0.7)).hasMessageContaining("alpha");
    assertThatThrownBy(() -> b.analysisInterval(Duration.ZERO)).hasMessageContaining("positive");
    assertThatThrownBy(() -> CanaryRelease.builder("empty").build()).hasMessageContaining("at least one step");
    assertThatThrownBy(() -> Metric.latencyQuantile(1.0)).hasMessageContaining("(0, 1)");
    assertThatThrownBy(() -> Metric.errorRate().allowedChange(-0.1)).hasMessageContaining("allowedChange");
  }

  @Test
  void refusesAStepThatCanNeverJudgeAnExplicitQuantileNamingTheStepAndTheMetric() {
    // The old javadoc's example: its first step could not judge the p99 with 500 requests per side.
    CanaryRelease.Builder b = CanaryRelease.builder("pricing")
        .step(1, TEN, 500).step(5, TEN, 2_000)
        .metric(Metric.errorRate().allowedChange(0.10)).metric(Metric.latencyQuantile(0.99).allowedChange(0.10));
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("step 1 (1.0%) asks for 500 requests per side")
        .hasMessageContaining("p99 latency")
        .hasMessageMatching(".*raise the step's minimum requests to at least \\d+.*");
    CanaryRelease.Builder second = CanaryRelease.builder("pricing").step(1, TEN, 2_000).step(5, TEN, 300)
        .metric(Metric.latencyQuantile(0.999));
    assertThatThrownBy(second::build).hasMessageContaining("step 1 (1.0%)").hasMessageContaining("p99.9 latency");
    assertThat(CanaryRelease.builder("pricing").step(1, TEN, 1_000).step(5, TEN, 2_000)
        .metric(Metric.errorRate()).metric(Metric.latencyQuantile(0.99)).build().steps()).hasSize(2);
  }

  @Test
  void refusesALatencySampleTooSmallForAQuantile() {
    assertThatThrownBy(() -> CanaryRelease.builder("pricing").step(1, TEN, 100).latencySamples(500).build())
        .hasMessageContaining("the p99 latency needs at least").hasMessageContaining("latencySamples is 500");
  }

  @Test
  void theDefaultMetricsWaitForTheP99RatherThanRefuseASmallStep() {
    CanaryRelease r = CanaryRelease.builder("pricing").step(1, TEN, 100).build();
    assertThat(r.metrics()).extracting(Metric::name).containsExactly("error rate", "latency", "p99 latency");
  }

  @Test
  void thePassMarginIsDerivedFromTheAllowedChangeUnlessSet() {
    assertThat(Metric.errorRate().allowedChange(0.10).passMargin()).isCloseTo(0.50, within(1e-12));
    assertThat(Metric.latency().passMargin()).isCloseTo(0.45, within(1e-12));
    assertThat(Metric.latency().direction(Metric.Direction.LOWER_IS_WORSE).passMargin())
        .isCloseTo(0.05 + 0.4 * 0.95, within(1e-12));
    assertThat(Metric.errorRate().passMargin(0.25).passMargin()).isEqualTo(0.25);
    assertThat(Metric.errorRate().passMargin(0.25).allowedChange(0.2).passMargin()).isEqualTo(0.25);
    assertThatThrownBy(() -> Metric.errorRate().allowedChange(0.3).passMargin(0.2))
        .hasMessageContaining("at least its allowedChange");
    assertThatThrownBy(() -> Metric.latency().negligibleRate(0.01)).hasMessageContaining("only the error rate");
    assertThat(Metric.errorRate()).isEqualTo(Metric.errorRate());
  }

  @Test
  void atTheExpectedTrafficAStepThatWouldTimeOutBeforeItCouldPassIsRefusedWithWhatItNeeds() {
    // 100 requests/s for the fleet: a 5% step has 5 canary requests/s and needs about 16,000 to show a 0.5% error
    // rate within +50%, about an hour; the step times out after 5 + 30 minutes.
    CanaryRelease.Builder small = CanaryRelease.builder("pricing")
        .step(5, Duration.ofMinutes(5), 1_000).step(25, Duration.ofMinutes(5), 1_000)
        .maxInconclusive(Duration.ofMinutes(30)).expectedTraffic(100, 0.005);
    assertThatThrownBy(small::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("step 1 (5.0%) cannot decide before it times out")
        .hasMessageContaining("100 requests/s for the fleet it has 5.00 canary requests/s")
        .hasMessageContaining("error rate (baseline 0.50%) is shown within +50%")
        .hasMessageMatching("(?s).*after about 1[6-9],\\d{3} canary requests, [3-5]\\d,\\d{3} for 99 equal canaries in "
            + "100: [1-3] h( \\d+ min)?, but the step times out after 35 min.*")
        .hasMessageMatching("(?s).*Lengthen maxInconclusive to at least [1-3] h( \\d+ min)?, start at a larger step, "
            + "or widen the error rate's pass margin.*");
    // the same steps at 1,200 requests/s decide in minutes
    assertThat(CanaryRelease.builder("pricing").step(5, Duration.ofMinutes(5), 1_000)
        .step(25, Duration.ofMinutes(5), 1_000).expectedTraffic(1_200, 0.005).build().steps()).hasSize(2);
    // what the docs tell a low-traffic service: larger steps, a longer time-out
    assertThat(CanaryRelease.builder("pricing").step(25, Duration.ofMinutes(5), 1_000)
        .step(50, Duration.ofMinutes(5), 1_000).maxInconclusive(Duration.ofMinutes(45)).expectedTraffic(100, 0.005)
        .build().steps()).hasSize(2);
    // a wider margin decides sooner
    assertThat(CanaryRelease.builder("pricing").step(5, Duration.ofMinutes(5), 1_000)
        .metric(Metric.errorRate().passMargin(1.0)).maxInconclusive(Duration.ofMinutes(40))
        .expectedTraffic(100, 0.005).build().steps()).hasSize(1);
  }

  @Test
  void atTheExpectedTrafficTheMinimumsAndTheLatencyMetricsCountToo() {
    assertThatThrownBy(() -> CanaryRelease.builder("pricing").step(1, Duration.ofMinutes(5), 100_000)
        .metric(Metric.errorRate().negligibleRate(0.01)).maxInconclusive(Duration.ofMinutes(10))
        .expectedTraffic(10, 0).build())
        .hasMessageContaining("step 1 (1.0%)").hasMessageContaining("the step asks for 100,000 requests per side")
        .hasMessageContaining("or ask for fewer requests per side");
    assertThatThrownBy(() -> CanaryRelease.builder("pricing").step(1, Duration.ofMinutes(5), 100)
        .metric(Metric.errorRate().negligibleRate(0.01)).metric(Metric.latencyQuantile(0.99)).step(2, TEN, 1_000)
        .maxInconclusive(Duration.ofMinutes(10)).expectedTraffic(10, 0).build())
        .hasMessageContaining("p99 latency");
    assertThatThrownBy(() -> CanaryRelease.builder("pricing").step(1, TEN, 100).expectedTraffic(0, 0.005))
        .hasMessageContaining("above 0 requests/s");
    assertThatThrownBy(() -> CanaryRelease.builder("pricing").step(1, TEN, 100).expectedTraffic(10, 1.5))
        .hasMessageContaining("expected error rate");
  }

  @Test
  void theInconclusiveTimeoutIsTheReleasesChoice() {
    assertThat(CanaryRelease.builder("pricing").step(1, TEN, 100).build().onInconclusiveTimeout())
        .isEqualTo(InconclusiveTimeout.ROLL_BACK);
    assertThat(CanaryRelease.builder("pricing").step(1, TEN, 100)
        .onInconclusiveTimeout(InconclusiveTimeout.WAIT_FOR_OPERATOR).build().onInconclusiveTimeout())
        .isEqualTo(InconclusiveTimeout.WAIT_FOR_OPERATOR);
  }

  @Test
  void theDocsExampleDecidesAtItsExpectedTrafficAndItsFirstStepIsRefusedAtLess() {
    // docs/canary.md, "Defining a canary"
    java.util.function.DoubleFunction<CanaryRelease.Builder> example = perSecond -> CanaryRelease.builder("pricing")
        .step(1, TEN, 1_000).step(5, TEN, 2_000).step(25, TEN, 5_000).step(50, TEN, 20_000)
        .metric(Metric.errorRate().allowedChange(0.10)).metric(Metric.latency().allowedChange(0.05))
        .metric(Metric.latencyQuantile(0.99).allowedChange(0.10))
        .maxInconclusive(Duration.ofMinutes(30))
        .onInconclusiveTimeout(InconclusiveTimeout.ROLL_BACK)
        .expectedTraffic(perSecond, 0.005);
    assertThat(example.apply(5_000).build().steps()).hasSize(4);
    assertThatThrownBy(() -> example.apply(1_200).build()).hasMessageContaining("step 1 (1.0%) cannot decide");
  }
}
