package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.MetricSource.Side;
import dev.progressive.canary.MetricSource.Window;
import dev.progressive.canary.Verdict.MetricResult;
import dev.progressive.canary.Verdict.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The statistical judge on windows whose truth is known. */
class StatisticalJudgeTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private static CanaryRelease release(Metric... metrics) {
    CanaryRelease.Builder b = CanaryRelease.builder("pricing").step(50, Duration.ofMinutes(10), 2_000);
    for (Metric m : metrics) {
      b.metric(m);
    }
    return b.build();
  }

  private static Side side(long requests, long errors, int samples, double median, DoubleUnaryOperator shape,
      long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] latencies = new double[samples];
    for (int i = 0; i < samples; i++) {
      double u = 1 - random.nextDouble();
      double v = random.nextDouble();
      double z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      latencies[i] = shape.applyAsDouble(median * Math.exp(0.5 * z));
    }
    return new Side(requests, errors, latencies);
  }

  private static Verdict judge(CanaryRelease release, Window window, Duration elapsed) {
    return Judge.statistical().judge(new Judge.Look(release, 0, START, START.plus(elapsed), window));
  }

  private static MetricResult result(Verdict v, Metric.Kind kind) {
    return v.metrics().stream().filter(m -> m.metric().kind() == kind).findFirst().orElseThrow();
  }

  @Test
  void equalSidesPass() {
    Window w = new Window(side(5_000, 50, 4_000, 100, x -> x, 1), side(5_000, 52, 4_000, 100, x -> x, 2));
    Verdict v = judge(release(), w, Duration.ofMinutes(10));
    assertThat(v.result()).as(v.summary()).isEqualTo(Result.PASS);
    assertThat(v.metrics()).hasSize(3).allMatch(m -> m.result() == Result.PASS);
    assertThat(v.summary()).startsWith("PASS: no metric regressed").contains("5000 canary and 5000 baseline");
  }

  @Test
  void tooLittleDataIsInconclusive() {
    Window w = new Window(side(1_000, 10, 1_000, 100, x -> x, 1), side(1_000, 10, 1_000, 100, x -> x, 2));
    Verdict v = judge(release(), w, Duration.ofMinutes(3));
    assertThat(v.result()).isEqualTo(Result.INCONCLUSIVE);
    assertThat(v.summary()).contains("too little data").contains("2000 requests per side").contains("10 min");
    Verdict enoughRequestsTooEarly = judge(release(),
        new Window(side(5_000, 50, 4_000, 100, x -> x, 1), side(5_000, 50, 4_000, 100, x -> x, 2)),
        Duration.ofMinutes(9));
    assertThat(enoughRequestsTooEarly.result()).isEqualTo(Result.INCONCLUSIVE);
  }

  @Test
  void errorsOnACanaryWhoseBaselineHasNoneAreSaidInWordsNotAsInfinity() {
    Window w = new Window(side(20_000, 0, 4_000, 100, x -> x, 1), side(20_000, 300, 4_000, 100, x -> x, 2));
    Verdict v = judge(release(Metric.errorRate()), w, Duration.ofMinutes(10));
    assertThat(v.result()).isEqualTo(Result.FAIL);
    assertThat(v.summary()).contains("error rate 1.50% vs 0.00% on baseline (up from zero")
        .doesNotContain("inf").doesNotContain("++");
  }

  @Test
  void aDoubledErrorRateFailsWithItsNumbersInPlainWords() {
    Window w = new Window(side(20_000, 200, 4_000, 100, x -> x, 1), side(20_000, 400, 4_000, 100, x -> x, 2));
    Verdict v = judge(release(Metric.errorRate()), w, Duration.ofMinutes(10));
    assertThat(v.result()).isEqualTo(Result.FAIL);
    MetricResult error = result(v, Metric.Kind.ERROR_RATE);
    assertThat(error.baseline()).isEqualTo(0.01);
    assertThat(error.canary()).isEqualTo(0.02);
    assertThat(error.relativeChange()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(error.ciLow()).isBetween(0.5, 1.0);
    assertThat(error.ciHigh()).isBetween(1.0, 1.6);
    assertThat(error.statistic()).isGreaterThan(error.threshold());
    assertThat(error.reason()).startsWith("error rate 2.00% vs 1.00% on baseline (+100%, CI ")
        .contains("higher than the allowed 10% (likelihood ratio");
  }

  @Test
  void anErrorRegressionFailsEarlyBeforeTheStepHasItsData() {
    Window w = new Window(side(1_500, 15, 1_000, 100, x -> x, 1), side(1_500, 90, 1_000, 100, x -> x, 2));
    Verdict v = judge(release(Metric.errorRate()), w, Duration.ofMinutes(2));
    assertThat(v.result()).as("the mSPRT is valid at every look").isEqualTo(Result.FAIL);
  }

  @Test
  void aSlowerMedianFailsTheRankTest() {
    Window w = new Window(side(5_000, 0, 4_000, 100, x -> x, 1), side(5_000, 0, 4_000, 120, x -> x, 2));
    Verdict v = judge(release(Metric.latency()), w, Duration.ofMinutes(10));
    MetricResult latency = result(v, Metric.Kind.LATENCY);
    assertThat(latency.result()).isEqualTo(Result.FAIL);
    assertThat(latency.relativeChange()).isBetween(0.15, 0.25);
    assertThat(latency.reason()).contains("slower than the allowed 5% (Mann-Whitney p = ");
  }

  @Test
  void aTailOnlyRegressionFailsTheQuantileTestNotTheRankTest() {
    double p95 = 100 * Math.exp(0.5 * 1.6448536);
    DoubleUnaryOperator tail = CanarySimulator.TAIL_50::apply;
    Window w = new Window(side(5_000, 0, 4_000, 100, x -> x, 1), side(5_000, 0, 4_000, 100, tail, 2));
    Verdict v = judge(release(Metric.latency().critical(false), Metric.latencyQuantile(0.99)), w,
        Duration.ofMinutes(10));
    assertThat(p95).isGreaterThan(200);
    MetricResult p99 = result(v, Metric.Kind.LATENCY_QUANTILE);
    assertThat(p99.result()).isEqualTo(Result.FAIL);
    assertThat(p99.relativeChange()).isBetween(0.3, 0.7);
    assertThat(p99.ciLow()).isGreaterThan(0.10);
    assertThat(p99.reason()).matches("p99 latency \\d+% higher than baseline \\(\\d+ ms vs \\d+ ms, CI \\d+%\\.\\.\\d+%\\)"
        + ", above the allowed 10% \\(p = .*");
    assertThat(result(v, Metric.Kind.LATENCY).result()).as("the median did not move").isEqualTo(Result.PASS);
    assertThat(v.result()).isEqualTo(Result.FAIL);
  }

  @Test
  void aNonCriticalFailureAloneDoesNotFailTheVerdict() {
    Window w = new Window(side(5_000, 50, 4_000, 100, x -> x, 1), side(5_000, 50, 4_000, 130, x -> x, 2));
    Verdict v = judge(release(Metric.errorRate(), Metric.latency().critical(false), Metric.latencyQuantile(0.5)
        .allowedChange(0.5)), w, Duration.ofMinutes(10));
    assertThat(result(v, Metric.Kind.LATENCY).result()).isEqualTo(Result.FAIL);
    assertThat(v.result()).as(v.summary()).isEqualTo(Result.PASS);
  }

  @Test
  void lowerIsWorseLooksTheOtherWay() {
    Window w = new Window(side(5_000, 0, 4_000, 100, x -> x, 1), side(5_000, 0, 4_000, 70, x -> x, 2));
    Metric throughputLike = Metric.latency().direction(Metric.Direction.LOWER_IS_WORSE);
    assertThat(judge(release(throughputLike), w, Duration.ofMinutes(10)).result()).isEqualTo(Result.FAIL);
    assertThat(judge(release(Metric.latency()), w, Duration.ofMinutes(10)).result()).isEqualTo(Result.PASS);
  }

  @Test
  void aQuantileNeedsEnoughSamples() {
    Window w = new Window(side(5_000, 0, 500, 100, x -> x, 1), side(5_000, 0, 500, 100, x -> x, 2));
    Verdict v = judge(release(Metric.latencyQuantile(0.99)), w, Duration.ofMinutes(10));
    assertThat(v.result()).isEqualTo(Result.INCONCLUSIVE);
    assertThat(v.summary()).contains("p99 latency: needs 1000 latency samples per side, has 500 canary");
  }
}
