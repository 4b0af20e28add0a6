package dev.progressive.canary.internal;

import dev.progressive.canary.Metric;
import dev.progressive.canary.Verdict.MetricResult;
import dev.progressive.canary.Verdict.Result;

/**
 * The latency-quantile metric: an always-valid interval of the ratio of the canary's q quantile to the baseline's.
 *
 * <p>Each side's quantile is bounded by order statistics whose ranks come from a {@linkplain
 * ConfidenceSequence#quantileRanks confidence sequence}, each with half the metric's alpha; the ratio's interval is
 * the canary's lower bound over the baseline's upper bound, to the canary's upper bound over the baseline's lower
 * bound. It makes no assumption on the shape of the distributions. Until a side has
 * {@link ConfidenceSequence#observationsToBoundQuantile} latencies, its quantile has no upper bound and the metric can
 * neither pass nor fail.
 */
final class QuantileCheck {

  private QuantileCheck() {}

  /** The fewest latencies per side with which the q quantile can be judged at all at this alpha. */
  static long needed(double q, double alpha) {
    return ConfidenceSequence.observationsToBoundQuantile(q, alpha / 2);
  }

  static Assessment assess(Metric metric, double[] baseline, double[] canary, double alpha, boolean full) {
    double q = metric.quantile();
    String name = metric.name();
    long[] baselineRanks = ConfidenceSequence.quantileRanks(baseline.length, q, alpha / 2);
    long[] canaryRanks = ConfidenceSequence.quantileRanks(canary.length, q, alpha / 2);
    if (!bounded(baselineRanks, baseline.length) || !bounded(canaryRanks, canary.length)) {
      long needed = needed(q, alpha);
      int have = Math.min(baseline.length, canary.length);
      return new Assessment(new MetricResult(metric, Result.INCONCLUSIVE, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, Double.NaN, 1 / alpha, name + ": needs " + needed + " latency samples per side to "
          + "be bounded, has " + canary.length + " canary and " + baseline.length + " baseline"),
          have == 0 ? Double.NaN : (double) needed / have, full);
    }
    double lb = quantileOfSorted(baseline, q);
    double lc = quantileOfSorted(canary, q);
    double[] b = bounds(baseline, baselineRanks);
    double[] c = bounds(canary, canaryRanks);
    double rel = Math.exp(lc - lb) - 1;
    double low = Math.exp(c[0] - b[1]) - 1;
    double high = Math.exp(c[1] - b[0]) - 1;
    Evidence evidence = Evidence.of(metric, rel, low, high);
    String reason = name + " " + Math.round(Math.abs(rel) * 100) + "% " + (rel >= 0 ? "higher" : "lower")
        + " than baseline (" + Words.num(Math.exp(lc)) + " ms vs " + Words.num(Math.exp(lb)) + " ms): "
        + evidence.words();
    return new Assessment(new MetricResult(metric, evidence.result(), Math.exp(lb), Math.exp(lc), rel, low, high,
        Double.NaN, 1 / alpha, reason), evidence.growth(), full);
  }

  private static boolean bounded(long[] ranks, int n) {
    return ranks[0] >= 1 && ranks[1] <= n;
  }

  /** {low, high} of one side's log quantile from its ranks. */
  private static double[] bounds(double[] sortedLogs, long[] ranks) {
    double low = ranks[0] >= 1 ? sortedLogs[(int) ranks[0] - 1] : Double.NEGATIVE_INFINITY;
    double high = ranks[1] <= sortedLogs.length ? sortedLogs[(int) ranks[1] - 1] : Double.POSITIVE_INFINITY;
    return new double[] {low, high};
  }

  /** The q quantile of sorted values (the order statistic of rank ceil(q n)). */
  static double quantileOfSorted(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
