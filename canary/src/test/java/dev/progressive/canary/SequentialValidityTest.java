package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.MetricSource.Side;
import dev.progressive.canary.MetricSource.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The judge's intervals stay valid when they are looked at every interval. Under the null (equal error rates), the
 * share of steps that ever FAIL over 60 looks stays within the metric's alpha, while a fixed-level test repeated at
 * every look would exceed it many times over. A canary exactly at the pass margin ever PASSes within alpha too, and
 * so does a false FAIL of the p99 on equal latencies.
 */
class SequentialValidityTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theErrorRateIntervalKeepsItsAlphaOverSixtyLooks() {
    double alpha = 0.05;
    CanaryRelease release = CanaryRelease.builder("h0").step(10, Duration.ofHours(2), 1_000_000)
        .metric(Metric.errorRate().allowedChange(0)).alpha(alpha).build();
    SplittableRandom random = new SplittableRandom(42);
    int steps = 1_000;
    int failed = 0;
    int naiveFailed = 0;
    for (int s = 0; s < steps; s++) {
      boolean naiveFailedThisStep = false;
      Judge judge = Judge.statistical();
      long nb = 0;
      long nc = 0;
      long eb = 0;
      long ec = 0;
      for (int look = 1; look <= 60; look++) {
        for (int i = 0; i < 2_000; i++) {
          boolean canary = random.nextDouble() < 0.10;
          boolean error = random.nextDouble() < 0.01;
          if (canary) {
            nc++;
            ec += error ? 1 : 0;
          } else {
            nb++;
            eb += error ? 1 : 0;
          }
        }
        long n = eb + ec;
        double p = (double) nc / (nb + nc);
        if (n > 0 && (ec - n * p) / Math.sqrt(n * p * (1 - p)) > 1.6448536) {
          naiveFailedThisStep = true;
        }
        Window w = new Window(new Side(nb, eb, new double[0]), new Side(nc, ec, new double[0]));
        Verdict v = judge.judge(new Judge.Look(release, 0, START, START.plus(Duration.ofMinutes(look)), w));
        if (v.result() == Verdict.Result.FAIL) {
          failed++;
          break;
        }
      }
      naiveFailed += naiveFailedThisStep ? 1 : 0;
    }
    assertThat((double) naiveFailed / steps).as("a fixed 5% z test repeated at every look").isGreaterThan(2 * alpha);
    assertThat((double) failed / steps).as("false failures over 60 looks").isLessThanOrEqualTo(alpha);
  }

  @Test
  void aCanaryAtThePassMarginPassesWithinAlphaOverSixtyLooks() {
    double alpha = 0.05;
    CanaryRelease release = CanaryRelease.builder("margin").step(10, Duration.ZERO, 1)
        .metric(Metric.errorRate().allowedChange(0.10).passMargin(0.5).negligibleRate(0)).alpha(alpha).build();
    SplittableRandom random = new SplittableRandom(7);
    Judge judge = Judge.statistical();
    int steps = 400;
    int passed = 0;
    for (int s = 0; s < steps; s++) {
      long nb = 0;
      long nc = 0;
      long eb = 0;
      long ec = 0;
      for (int look = 1; look <= 60; look++) {
        for (int i = 0; i < 2_000; i++) {
          boolean canary = random.nextDouble() < 0.10;
          if (canary) {
            nc++;
            ec += random.nextDouble() < 0.015 ? 1 : 0;
          } else {
            nb++;
            eb += random.nextDouble() < 0.01 ? 1 : 0;
          }
        }
        Window w = new Window(new Side(nb, eb, new double[0]), new Side(nc, ec, new double[0]));
        Verdict v = judge.judge(new Judge.Look(release, 0, START, START.plus(Duration.ofMinutes(look)), w));
        if (v.result() == Verdict.Result.PASS) {
          passed++;
          break;
        }
      }
    }
    assertThat((double) passed / steps).as("passes of a canary at +50%, the pass margin").isLessThanOrEqualTo(alpha);
  }

  @Test
  void theP99IntervalKeepsItsAlphaOverTwentyLooksOnEqualLatencies() {
    double alpha = 0.05;
    CanaryRelease release = CanaryRelease.builder("p99").step(10, Duration.ZERO, 1_000)
        .metric(Metric.latencyQuantile(0.99).allowedChange(0)).alpha(alpha).build();
    SplittableRandom random = new SplittableRandom(11);
    Judge judge = Judge.statistical();
    int steps = 200;
    int failed = 0;
    for (int s = 0; s < steps; s++) {
      double[] baseline = new double[10_000];
      double[] canary = new double[10_000];
      for (int i = 0; i < baseline.length; i++) {
        baseline[i] = Math.exp(gaussian(random));
        canary[i] = Math.exp(gaussian(random));
      }
      for (int look = 1; look <= 20; look++) {
        int n = look * 500;
        Window w = new Window(new Side(n, 0, java.util.Arrays.copyOf(baseline, n)),
            new Side(n, 0, java.util.Arrays.copyOf(canary, n)));
        Verdict v = judge.judge(new Judge.Look(release, 0, START, START.plus(Duration.ofMinutes(look)), w));
        if (v.result() == Verdict.Result.FAIL) {
          failed++;
          break;
        }
      }
    }
    assertThat((double) failed / steps).as("false failures of the p99 over 20 looks").isLessThanOrEqualTo(alpha);
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
