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

  private static Window equal(long requests, double errorRate, int samples) {
    return new Window(side(requests, Math.round(requests * errorRate), samples, 100, x -> x, 1),
        side(requests, Math.round(requests * errorRate), samples, 100, x -> x, 2));
  }

  private static Verdict judge(CanaryRelease release, Window window, Duration elapsed) {
    return Judge.statistical().judge(new Judge.Look(release, 0, START, START.plus(elapsed), window));
  }

  private static MetricResult result(Verdict v, Metric.Kind kind) {
    return v.metrics().stream().filter(m -> m.metric().kind() == kind).findFirst().orElseThrow();
  }

  @Test
  void equalSidesPassWhenTheDataShowThemWithinTheMargins() {
    Window w = equal(40_000, 0.01, 10_000);
    Verdict v = judge(release(), w, Duration.ofMinutes(10));
    assertThat(v.result()).as(v.summary()).isEqualTo(Result.PASS);
    assertThat(v.metrics()).hasSize(3).allMatch(m -> m.result() == Result.PASS);
    assertThat(v.summary()).startsWith("PASS: every critical metric is shown within its pass margin: ")
        .contains("error rate 1.00% vs 1.00% on baseline (+0%): shown within +50% (CI -")
        .contains("latency: median").contains("shown within +45% (CI ")
        .contains("p99 latency").contains("40000 canary and 40000 baseline");
    MetricResult error = result(v, Metric.Kind.ERROR_RATE);
    assertThat(error.ciHigh()).isLessThan(0.5).isGreaterThan(0.1);
    assertThat(error.ciLow()).isLessThan(0).isGreaterThan(-0.5);
  }

  @Test
  void noEvidenceOfARegressionIsNotAPass() {
    // The old judge passed this: 5,000 requests per side, 1% errors on both, no regression shown.
    Window w = equal(5_000, 0.01, 4_000);
    Verdict v = judge(release(Metric.errorRate()), w, Duration.ofMinutes(10));
    assertThat(v.result()).as(v.summary()).isEqualTo(Result.INCONCLUSIVE);
    assertThat(v.summary()).doesNotContain("no metric regressed")
        .contains("error rate 1.00% vs 1.00% on baseline (+0%): not enough evidence either way (CI -")
        .contains("fails beyond +10%, passes within +50%)")
        .containsPattern("about [\\d,]+ more requests per side needed");
    assertThat(v.moreRequestsPerSide()).isBetween(5_000L, 40_000L);
    long enough = 5_000 + v.moreRequestsPerSide();
    Verdict later = judge(release(Metric.errorRate()), equal(enough, 0.01, 100), Duration.ofMinutes(20));
    assertThat(later.result()).as("the estimate of what is needed is about right: " + later.summary())
        .isEqualTo(Result.PASS);
    Verdict halfway = judge(release(Metric.errorRate()), equal(5_000 + v.moreRequestsPerSide() / 3, 0.01, 100),
        Duration.ofMinutes(20));
    assertThat(halfway.result()).as("not far too generous either").isEqualTo(Result.INCONCLUSIVE);
  }

  @Test
  void anInconclusiveVerdictSaysHowLongTheRequestsItNeedsTakeAndWhetherTheStepTimesOutFirst() {
    // 5,000 requests per side in 20 minutes: 250 a minute; the step (10 min + 30 min) has 20 minutes left.
    Verdict v = judge(release(Metric.errorRate()), equal(5_000, 0.01, 100), Duration.ofMinutes(20));
    long minutes = (v.moreRequestsPerSide() + 249) / 250;
    assertThat(minutes).as(v.summary()).isGreaterThan(20);
    assertThat(v.summary()).contains("more requests per side needed, about " + minutes + " min at the current "
        + "traffic, after the step times out (in 20 min)");
    // the same window seen after 2 minutes: five times the traffic, in time
    Verdict fast = judge(release(Metric.errorRate()), equal(5_000, 0.01, 100), Duration.ofMinutes(2));
    assertThat(fast.summary()).containsPattern("more requests per side needed, about \\d+ min at the current "
        + "traffic \\(").doesNotContain("times out");
  }

  @Test
  void aCanaryBetweenTheAllowedChangeAndTheMarginIsDecidedByWhicheverBoundIsShownFirst() {
    Window early = new Window(side(20_000, 200, 0, 100, x -> x, 1), side(20_000, 250, 0, 100, x -> x, 2));
    Verdict v = judge(release(Metric.errorRate()), early, Duration.ofMinutes(10));
    assertThat(v.result()).as(v.summary()).isEqualTo(Result.INCONCLUSIVE);
    assertThat(result(v, Metric.Kind.ERROR_RATE).reason()).contains("(+25%): not enough evidence either way");
    Window later = new Window(side(100_000, 1_000, 0, 100, x -> x, 1), side(100_000, 1_250, 0, 100, x -> x, 2));
    Verdict v2 = judge(release(Metric.errorRate()), later, Duration.ofMinutes(10));
    assertThat(v2.result()).as("+25% is inside the indifference zone: shown within +50% before it is shown beyond "
        + "+10%").isEqualTo(Result.PASS);
    assertThat(v2.summary()).contains("(+25%): shown within +50% (CI +");
  }

  @Test
  void tooLittleDataIsInconclusive() {
    Window w = new Window(side(1_000, 10, 1_000, 100, x -> x, 1), side(1_000, 10, 1_000, 100, x -> x, 2));
    Verdict v = judge(release(), w, Duration.ofMinutes(3));
    assertThat(v.result()).isEqualTo(Result.INCONCLUSIVE);
    assertThat(v.summary()).contains("too little data").contains("2000 requests per side").contains("10 min");
    Verdict enoughRequestsTooEarly = judge(release(), equal(40_000, 0.01, 10_000), Duration.ofMinutes(9));
    assertThat(enoughRequestsTooEarly.result()).isEqualTo(Result.INCONCLUSIVE);
    assertThat(enoughRequestsTooEarly.metrics()).as("the evidence is there; the step's minimum duration is not")
        .allMatch(m -> m.result() == Result.PASS);
  }

  @Test
  void errorsOnACanaryWhoseBaselineHasNoneAreSaidInWordsNotAsInfinity() {
    Window w = new Window(side(20_000, 0, 4_000, 100, x -> x, 1), side(20_000, 300, 4_000, 100, x -> x, 2));
    Verdict v = judge(release(Metric.errorRate()), w, Duration.ofMinutes(10));
    assertThat(v.result()).isEqualTo(Result.FAIL);
    assertThat(v.summary()).contains("error rate 1.50% vs 0.00% on baseline (up from zero): regression shown")
        .doesNotContain("inf").doesNotContain("++");
  }

  @Test
  void aServiceWithoutErrorsPassesOnceTheCanaryIsShownBelowTheNegligibleRate() {
    Window few = new Window(side(2_000, 0, 0, 100, x -> x, 1), side(2_000, 0, 0, 100, x -> x, 2));
    assertThat(judge(release(Metric.errorRate()), few, Duration.ofMinutes(10)).result())
        .isEqualTo(Result.INCONCLUSIVE);
    Window many = new Window(side(20_000, 0, 0, 100, x -> x, 1), side(20_000, 0, 0, 100, x -> x, 2));
    Verdict v = judge(release(Metric.errorRate()), many, Duration.ofMinutes(10));
    assertThat(v.result()).as(v.summary()).isEqualTo(Result.PASS);
    assertThat(v.summary()).contains("shown below the negligible rate 0.10%");
    Verdict off = judge(release(Metric.errorRate().negligibleRate(0)), many, Duration.ofMinutes(10));
    assertThat(off.result()).isEqualTo(Result.INCONCLUSIVE);
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
    assertThat(error.ciLow()).isBetween(0.3, 1.0);
    assertThat(error.ciHigh()).isBetween(1.0, 2.0);
    assertThat(error.statistic()).isGreaterThan(error.threshold());
    assertThat(error.reason()).startsWith("error rate 2.00% vs 1.00% on baseline (+100%): regression shown, above "
        + "the allowed +10% (CI +");
    assertThat(v.summary()).startsWith("FAIL: error rate 2.00%");
  }

  @Test
  void anErrorRegressionFailsEarlyBeforeTheStepHasItsData() {
    Window w = new Window(side(1_500, 15, 1_000, 100, x -> x, 1), side(1_500, 90, 1_000, 100, x -> x, 2));
    Verdict v = judge(release(Metric.errorRate()), w, Duration.ofMinutes(2));
    assertThat(v.result()).as("the interval is valid at every look").isEqualTo(Result.FAIL);
  }

  @Test
  void aSlowerMedianFailsTheShiftInterval() {
    Window w = new Window(side(5_000, 0, 4_000, 100, x -> x, 1), side(5_000, 0, 4_000, 120, x -> x, 2));
    Verdict v = judge(release(Metric.latency()), w, Duration.ofMinutes(10));
    MetricResult latency = result(v, Metric.Kind.LATENCY);
    assertThat(latency.result()).as(latency.reason()).isEqualTo(Result.FAIL);
    assertThat(latency.relativeChange()).isBetween(0.15, 0.25);
    assertThat(latency.ciLow()).isGreaterThan(0.05);
    assertThat(latency.ciHigh()).isLessThan(0.35);
    assertThat(latency.reason()).contains("regression shown, above the allowed +5% (CI +");
  }

  @Test
  void aTailOnlyRegressionFailsTheQuantileNotTheShift() {
    double p95 = 100 * Math.exp(0.5 * 1.6448536);
    DoubleUnaryOperator tail = x -> CanarySimulator.TAIL_50.apply(x, null);
    Window w = new Window(side(20_000, 0, 10_000, 100, x -> x, 1), side(20_000, 0, 10_000, 100, tail, 2));
    Verdict v = judge(release(Metric.latency().critical(false), Metric.latencyQuantile(0.99)), w,
        Duration.ofMinutes(10));
    assertThat(p95).isGreaterThan(200);
    MetricResult p99 = result(v, Metric.Kind.LATENCY_QUANTILE);
    assertThat(p99.result()).as(p99.reason()).isEqualTo(Result.FAIL);
    assertThat(p99.relativeChange()).isBetween(0.3, 0.7);
    assertThat(p99.ciLow()).isGreaterThan(0.10);
    assertThat(p99.reason()).matches("p99 latency \\d+% higher than baseline \\(\\d+ ms vs \\d+ ms\\): "
        + "regression shown, above the allowed \\+10% \\(CI \\+\\d+%\\.\\.\\+\\d+%\\)");
    assertThat(result(v, Metric.Kind.LATENCY).result()).as("the median did not move").isEqualTo(Result.PASS);
    assertThat(v.result()).isEqualTo(Result.FAIL);
  }

  @Test
  void aNonCriticalFailureAloneDoesNotFailTheVerdict() {
    Window w = new Window(side(40_000, 400, 10_000, 100, x -> x, 1), side(40_000, 400, 10_000, 130, x -> x, 2));
    Verdict v = judge(release(Metric.errorRate(), Metric.latency().critical(false), Metric.latencyQuantile(0.5)
        .allowedChange(0.5)), w, Duration.ofMinutes(10));
    assertThat(result(v, Metric.Kind.LATENCY).result()).isEqualTo(Result.FAIL);
    assertThat(v.result()).as(v.summary()).isEqualTo(Result.PASS);
  }

  @Test
  void lowerIsWorseLooksTheOtherWay() {
    Window w = new Window(side(5_000, 0, 4_000, 100, x -> x, 1), side(5_000, 0, 4_000, 70, x -> x, 2));
    Metric throughputLike = Metric.latency().direction(Metric.Direction.LOWER_IS_WORSE);
    Verdict lower = judge(release(throughputLike), w, Duration.ofMinutes(10));
    assertThat(lower.result()).isEqualTo(Result.FAIL);
    assertThat(lower.summary()).contains("regression shown, below the allowed -5%");
    assertThat(judge(release(Metric.latency()), w, Duration.ofMinutes(10)).result()).isEqualTo(Result.PASS);
  }

  @Test
  void aQuantileNeedsEnoughSamples() {
    Window w = new Window(side(5_000, 0, 500, 100, x -> x, 1), side(5_000, 0, 500, 100, x -> x, 2));
    Verdict v = judge(release(Metric.latencyQuantile(0.99)), w, Duration.ofMinutes(10));
    assertThat(v.result()).isEqualTo(Result.INCONCLUSIVE);
    assertThat(v.summary()).containsPattern("p99 latency: needs \\d+ latency samples per side to be bounded, has 500 "
        + "canary");
  }

  @Test
  void aFullLatencySampleIsSaidToNeedAnotherSettingNotMoreRequests() {
    CanaryRelease release = CanaryRelease.builder("pricing").step(50, Duration.ofMinutes(10), 2_000)
        .metric(Metric.latencyQuantile(0.99).passMargin(0.12)).latencySamples(2_000).build();
    Window w = new Window(side(50_000, 0, 2_000, 100, x -> x, 1), side(50_000, 0, 2_000, 100, x -> x, 2));
    Verdict v = judge(release, w, Duration.ofMinutes(10));
    assertThat(v.result()).isEqualTo(Result.INCONCLUSIVE);
    assertThat(v.summary()).contains("the latency sample is full (2000 per side)").contains("raise latencySamples");
  }
}
