package dev.progressive.samples.restaurant.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.samples.restaurant.RestaurantProperties;
import dev.progressive.spring.canary.CanaryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoTrafficTest {

  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final DemoTraffic demo = new DemoTraffic(new RestaurantProperties(), new CanaryRegistry(List.of()), meters);

  @Test
  void theNewSearchShareCountsOnlyTheSearchesSinceThePreviousLine() {
    evaluations("on", "split", 10);
    evaluations("off", "split", 90);
    assertThat(demo.progressLine()).endsWith(" | new-menu-search on in 10% of searches");

    // Ops raise the rollout to 100%: the next line says so, not a blend with everything before.
    evaluations("on", "split", 50);
    assertThat(demo.progressLine()).endsWith(" | new-menu-search on in 100% of searches");

    evaluations("on", "targeting_match", 5);
    evaluations("off", "split", 15);
    assertThat(demo.progressLine()).endsWith(" | new-menu-search on in 25% of searches");
  }

  @Test
  void anIntervalWithoutSearchesSaysSo() {
    assertThat(demo.progressLine()).endsWith(" | new-menu-search: no searches");

    evaluations("on", "split", 3);
    assertThat(demo.progressLine()).endsWith(" | new-menu-search on in 100% of searches");
    assertThat(demo.progressLine()).endsWith(" | new-menu-search: no searches");
  }

  @Test
  void otherFlagsDoNotCount() {
    Counter.builder("progressive.toggle.evaluations").tag("feature_flag.key", "canary.pricing-engine")
        .tag("feature_flag.result.variant", "on").tag("feature_flag.result.reason", "split").register(meters)
        .increment(100);
    evaluations("off", "split", 4);

    assertThat(demo.progressLine()).endsWith(" | new-menu-search on in 0% of searches");
  }

  private void evaluations(String variant, String reason, int count) {
    Counter.builder("progressive.toggle.evaluations").tag("feature_flag.key", "new-menu-search")
        .tag("feature_flag.result.variant", variant).tag("feature_flag.result.reason", reason).register(meters)
        .increment(count);
  }
}
