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

  @Test
  void thePassMarginAndTheNegligibleRateAreSetPerMetric() {
    runner.withPropertyValues(
        METRICS + "[0].kind=error-rate",
        METRICS + "[0].pass-margin=0.25",
        METRICS + "[0].negligible-rate=0",
        METRICS + "[1].kind=latency",
        METRICS + "[1].allowed-change=0.1",
        METRICS + "[1].pass-margin=1").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Canary.class).release().metrics()).containsExactly(
              Metric.errorRate().passMargin(0.25).negligibleRate(0),
              Metric.latency().allowedChange(0.1).passMargin(1));
          assertThat(context.getBean(Canary.class).release().metrics().get(0).passMargin()).isEqualTo(0.25);
        });
  }

  @Test
  void aPassMarginBelowTheAllowedChangeOrOutOfRangeFailsTheStartupNamingTheProperty() {
    for (String bad : new String[] {"0.05", "-1", "11", "NaN"}) {
      runner.withPropertyValues(METRICS + "[0].kind=error-rate", METRICS + "[0].allowed-change=0.1",
          METRICS + "[0].pass-margin=" + bad).run(context -> assertThat(context).as(bad).getFailure().rootCause()
              .hasMessageContaining(METRICS + "[0].pass-margin must be a relative change from the metric's "
                  + "allowed-change (0.1)").hasMessageContaining(bad));
    }
    runner.withPropertyValues(METRICS + "[0].kind=latency", METRICS + "[0].direction=lower-is-worse",
        METRICS + "[0].pass-margin=1.5").run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining(METRICS + "[0].pass-margin").hasMessageContaining("below 1"));
  }

  @Test
  void aNegligibleRateOutOfRangeOrOnAnotherKindFailsTheStartupNamingTheProperty() {
    for (String bad : new String[] {"-0.01", "0.2", "NaN"}) {
      runner.withPropertyValues(METRICS + "[0].kind=error-rate", METRICS + "[0].negligible-rate=" + bad)
          .run(context -> assertThat(context).as(bad).getFailure().rootCause()
              .hasMessageContaining(METRICS + "[0].negligible-rate must be an error rate from 0 to 0.1")
              .hasMessageContaining(bad));
    }
    runner.withPropertyValues(METRICS + "[0].kind=latency", METRICS + "[0].negligible-rate=0.01").run(context ->
        assertThat(context).getFailure().rootCause()
            .hasMessageContaining(METRICS + "[0].negligible-rate applies only to kind error-rate"));
  }

  @Test
  void theExpectedTrafficRefusesAStepThatWouldTimeOutNamingTheCanary() {
    String canary = "progressive.canary.canaries.pricing.";
    runner.withPropertyValues(canary + "steps[0].min-duration=5m", canary + "max-inconclusive=30m",
        canary + "expected-requests-per-second=100", canary + "expected-error-rate=0.005",
        canary + "steps[0].weight=5").run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("progressive.canary.canaries.pricing: canary 'pricing': step 1 (5.0%) cannot "
                + "decide before it times out"));
    runner.withPropertyValues(canary + "expected-requests-per-second=1200", canary + "expected-error-rate=0.005")
        .run(context -> assertThat(context).hasNotFailed());
    runner.withPropertyValues(canary + "expected-requests-per-second=100").run(context ->
        assertThat(context).getFailure().rootCause()
            .hasMessageContaining(canary + "expected-error-rate is required with expected-requests-per-second"));
    runner.withPropertyValues(canary + "expected-requests-per-second=0", canary + "expected-error-rate=0.005")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining(canary + "expected-requests-per-second must be above 0"));
  }

  @Test
  void theInconclusiveTimeoutIsTheReleases() {
    runner.withPropertyValues("progressive.canary.canaries.pricing.inconclusive-timeout=wait-for-operator")
        .run(context -> assertThat(context.getBean(Canary.class).release().onInconclusiveTimeout())
            .isEqualTo(dev.progressive.canary.InconclusiveTimeout.WAIT_FOR_OPERATOR));
  }
}
