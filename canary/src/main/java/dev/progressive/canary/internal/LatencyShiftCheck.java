package dev.progressive.canary.internal;

import dev.progressive.canary.Metric;
import dev.progressive.canary.Verdict.MetricResult;
import dev.progressive.canary.Verdict.Result;

/**
 * The latency metric: an interval of the shift between the two sides' log latencies (the Hodges-Lehmann shift, as a
 * ratio of latencies), from the Mann-Whitney rank sum.
 *
 * <p>For a shift d, S(d) counts the pairs in which the canary's log latency minus d exceeds the baseline's (ties
 * count a half). At the true shift, S is centred on n m / 2 with variance n m (n + m + 1) / 12. The interval is every
 * d at which S is within k standard deviations of its centre, where k is the always-valid multiplier of an asymptotic
 * confidence sequence ({@link ConfidenceSequence#normalMultiplier}), so that the interval may be looked at every
 * interval of the step. It assumes, as the rank test does, that the canary's latencies are the baseline's times a
 * factor; a change of shape moves it by the typical pair, not by the tail (use a quantile metric for the tail).
 */
final class LatencyShiftCheck {

  /** Fewer latencies per side than this, and the metric waits. */
  static final int MIN_SAMPLES = 20;

  private LatencyShiftCheck() {}

  static Assessment assess(Metric metric, double[] baseline, double[] canary, double alpha, boolean full) {
    if (baseline.length < MIN_SAMPLES || canary.length < MIN_SAMPLES) {
      int have = Math.min(baseline.length, canary.length);
      return new Assessment(new MetricResult(metric, Result.INCONCLUSIVE, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, Double.NaN, 1 / alpha, "latency: needs " + MIN_SAMPLES
          + " latency samples per side, has " + canary.length + " canary and " + baseline.length + " baseline"),
          have == 0 ? Double.NaN : (double) MIN_SAMPLES / have, false);
    }
    double n = baseline.length;
    double m = canary.length;
    double centre = n * m / 2;
    double sd = Math.sqrt(n * m * (n + m + 1) / 12);
    double k = ConfidenceSequence.normalMultiplier(Math.min(n, m), alpha);
    double lowest = canary[0] - baseline[baseline.length - 1] - 1;
    double highest = canary[canary.length - 1] - baseline[0] + 1;
    double estimate = solve(baseline, canary, centre, lowest, highest);
    double lowShift = centre + k * sd > n * m ? Double.NEGATIVE_INFINITY
        : solve(baseline, canary, centre + k * sd, lowest, highest);
    double highShift = centre - k * sd < 0 ? Double.POSITIVE_INFINITY
        : solve(baseline, canary, centre - k * sd, lowest, highest);
    double rel = Math.expm1(estimate);
    double low = Math.expm1(lowShift);
    double high = Math.expm1(highShift);
    double mb = Math.exp(QuantileCheck.quantileOfSorted(baseline, 0.5));
    double mc = Math.exp(QuantileCheck.quantileOfSorted(canary, 0.5));
    Evidence evidence = Evidence.of(metric, rel, low, high);
    String reason = "latency: median " + Words.num(mc) + " ms vs " + Words.num(mb) + " ms on baseline, shift "
        + Words.signed(rel) + ": " + evidence.words();
    return new Assessment(new MetricResult(metric, evidence.result(), mb, mc, rel, low, high, Double.NaN, 1 / alpha,
        reason), evidence.growth(), full);
  }

  /** The shift d at which S(d) = target; S decreases in d. */
  private static double solve(double[] baseline, double[] canary, double target, double lowest, double highest) {
    double lo = lowest;
    double hi = highest;
    for (int i = 0; i < 60 && hi - lo > 1e-9; i++) {
      double mid = (lo + hi) / 2;
      if (pairsAbove(baseline, canary, mid) > target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }

  /** S(d): the pairs (canary i, baseline j) with canary[i] - d above baseline[j], ties counting a half. */
  static double pairsAbove(double[] baseline, double[] canary, double shift) {
    double sum = 0;
    int below = 0;
    int belowOrEqual = 0;
    for (double c : canary) {
      double v = c - shift;
      while (below < baseline.length && baseline[below] < v) {
        below++;
      }
      if (belowOrEqual < below) {
        belowOrEqual = below;
      }
      while (belowOrEqual < baseline.length && baseline[belowOrEqual] <= v) {
        belowOrEqual++;
      }
      sum += below + 0.5 * (belowOrEqual - below);
    }
    return sum;
  }
}
