package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Counts per side, a bounded uniform sample of latencies, and a window that a new step resets. */
class InProcessMetricSourceTest {

  @Test
  void countsAndSamplesEachSideBoundedAndUniformly() {
    InProcessMetricSource source = new InProcessMetricSource(1_000, 7);
    for (int i = 0; i < 100_000; i++) {
      source.record(Cohort.CANARY, i * 1_000_000L, i % 50 == 0 ? CallOutcome.ERROR : CallOutcome.SUCCESS);
    }
    source.record(Cohort.BASELINE, 5_000_000L, CallOutcome.SUCCESS);
    MetricSource.Window w = source.observe("x", Instant.EPOCH, Instant.EPOCH);
    assertThat(w.canary().requests()).isEqualTo(100_000);
    assertThat(w.canary().errors()).isEqualTo(2_000);
    assertThat(w.canary().latenciesMillis()).hasSize(1_000);
    double mean = java.util.Arrays.stream(w.canary().latenciesMillis()).average().orElseThrow();
    assertThat(mean).as("a uniform sample of 0..99,999 ms has a mean near 50,000").isBetween(46_000.0, 54_000.0);
    assertThat(w.baseline().latenciesMillis()).containsExactly(5.0);

    source.windowStarted("x", Instant.EPOCH);
    MetricSource.Window fresh = source.observe("x", Instant.EPOCH, Instant.EPOCH);
    assertThat(fresh.canary().requests()).isZero();
    assertThat(fresh.canary().latenciesMillis()).isEmpty();
  }
}
