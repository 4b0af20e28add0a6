package dev.progressive.spring.canary;

import dev.progressive.spring.StarterAutoConfigurations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Canary;
import dev.progressive.canary.Metric;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The metrics of a canary chosen by {@code progressive.canary.canaries.<name>.metrics[i].*}. */
class CanaryMetricsPropertiesTest {

  private static final String METRICS = "progressive.canary.canaries.pricing.metrics";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.features())
      .withPropertyValues("progressive.toggles.open-feature.enabled=false", "progressive.parallel-run.enabled=false",
          "progressive.canary.canaries.pricing.steps[0].weight=10");

  @Test
  void withoutMetricsTheDefaultsAreJudged() {
    runner.run(context -> assertThat(context.getBean(Canary.class).release().metrics())
        .containsExactly(Metric.errorRate(), Metric.latency(), Metric.latencyQuantile(0.99)));
  }

  @Test
  void theConfiguredMetricsAreTheReleasesMetricsInOrder() {
    runner.withPropertyValues(
        // a p95 needs at least 10 / (1 - 0.95) requests per side: the release refuses a step that can never judge it
        "progressive.canary.canaries.pricing.steps[0].min-requests=200",
        METRICS + "[0].kind=error-rate",
        METRICS + "[0].allowed-change=0.2",
        METRICS + "[1].kind=latency",
        METRICS + "[1].critical=false",
        METRICS + "[2].kind=latency-quantile",
        METRICS + "[2].quantile=0.95",
        METRICS + "[2].allowed-change=0",
        METRICS + "[3].kind=LATENCY",
        METRICS + "[3].direction=lower-is-worse").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Canary.class).release().metrics()).containsExactly(
              Metric.errorRate().allowedChange(0.2),
              Metric.latency().critical(false),
              Metric.latencyQuantile(0.95).allowedChange(0),
              Metric.latency().direction(Metric.Direction.LOWER_IS_WORSE));
        });
  }

  @Test
  void aSmallServiceCanLeaveTheP99Out() {
    runner.withPropertyValues(METRICS + "[0].kind=error-rate", METRICS + "[1].kind=latency").run(context ->
        assertThat(context.getBean(Canary.class).release().metrics())
            .containsExactly(Metric.errorRate(), Metric.latency()));
  }

  @Test
  void anUnknownKindFailsTheStartupNamingTheProperty() {
    runner.withPropertyValues(METRICS + "[0].kind=error-rate", METRICS + "[1].kind=p99").run(context ->
        assertThat(context).getFailure().hasMessageContaining(METRICS + "[1].kind"));
  }

  @Test
  void aMissingKindFailsTheStartupNamingTheProperty() {
    runner.withPropertyValues(METRICS + "[0].quantile=0.5").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining(METRICS + "[0].kind is required"));
  }

  @Test
  void aNegativeOrHugeAllowedChangeFailsTheStartupNamingTheProperty() {
    for (String bad : new String[] {"-0.1", "11", "NaN"}) {
      runner.withPropertyValues(METRICS + "[0].kind=error-rate", METRICS + "[1].kind=latency",
          METRICS + "[1].allowed-change=" + bad).run(context -> assertThat(context).as(bad).getFailure().rootCause()
              .hasMessageContaining(METRICS + "[1].allowed-change").hasMessageContaining(bad));
    }
  }

  @Test
  void aQuantileOutsideZeroToOneOrMissingFailsTheStartupNamingTheProperty() {
    for (String bad : new String[] {"0", "1", "1.5", "-0.5", "99"}) {
      runner.withPropertyValues(METRICS + "[0].kind=error-rate", METRICS + "[1].kind=latency-quantile",
          METRICS + "[1].quantile=" + bad).run(context -> assertThat(context).as(bad).getFailure().rootCause()
              .hasMessageContaining(METRICS + "[1].quantile must be in (0, 1)"));
    }
    runner.withPropertyValues(METRICS + "[0].kind=latency-quantile").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining(METRICS + "[0].quantile must be in (0, 1)"));
  }

  @Test
  void aQuantileOnAnotherKindFailsTheStartupNamingTheProperty() {
    runner.withPropertyValues(METRICS + "[0].kind=latency", METRICS + "[0].quantile=0.99").run(context ->
        assertThat(context).getFailure().rootCause()
            .hasMessageContaining(METRICS + "[0].quantile applies only to kind latency-quantile"));
  }

  @Test
  void anUnknownDirectionFailsTheStartupNamingTheProperty() {
    runner.withPropertyValues(METRICS + "[0].kind=latency", METRICS + "[0].direction=sideways").run(context ->
        assertThat(context).getFailure().hasMessageContaining(METRICS + "[0].direction"));
  }
}
