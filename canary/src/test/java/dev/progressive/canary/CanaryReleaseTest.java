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
}
