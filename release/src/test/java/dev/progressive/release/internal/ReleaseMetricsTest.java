package dev.progressive.release.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The stage gauge reads the plan for as long as the plan is open, and goes away with it. */
class ReleaseMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void theStageGaugeKeepsReadingAfterAGarbageCollection() {
    AtomicReference<String> stage = new AtomicReference<>("dark");
    // the supplier is a lambda that nothing but the gauge refers to, as the plan's driver passes it
    ReleaseMetrics metrics = new ReleaseMetrics("p", List.of("dark", "canary"), registry, () -> stage.get());
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertThat(registry.get(ReleaseMetrics.STAGE).tags("release", "p", "stage", "dark").gauge().value()).isEqualTo(1);
    stage.set("canary");
    assertThat(registry.get(ReleaseMetrics.STAGE).tags("release", "p", "stage", "dark").gauge().value()).isZero();
    assertThat(registry.get(ReleaseMetrics.STAGE).tags("release", "p", "stage", "canary").gauge().value())
        .isEqualTo(1);
    metrics.close();
  }

  @Test
  void closingRemovesTheStageGaugesSoTheRegistryNoLongerHoldsThePlan() {
    ReleaseMetrics metrics = new ReleaseMetrics("p", List.of("dark"), registry, () -> "dark");
    assertThat(Search.in(registry).name(ReleaseMetrics.STAGE).gauges()).hasSize(4); // dark + 3 pseudo-stages
    metrics.close();
    assertThat(Search.in(registry).name(ReleaseMetrics.STAGE).gauges()).isEmpty();
    assertThat(Search.in(registry).name(ReleaseMetrics.TRANSITIONS).counters()).isNotEmpty();
  }
}
