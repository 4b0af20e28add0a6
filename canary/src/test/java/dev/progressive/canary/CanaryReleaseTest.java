package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
