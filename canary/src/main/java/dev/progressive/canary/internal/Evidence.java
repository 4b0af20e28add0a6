package dev.progressive.canary.internal;

import dev.progressive.canary.Metric;
import dev.progressive.canary.Verdict.Result;

/**
 * What an always-valid interval of a relative change shows about one metric: a regression beyond the allowed change
 * (FAIL), the canary within the pass margin (PASS), or neither yet (INCONCLUSIVE), with the words for it and a rough
 * factor by which the data must grow to decide.
 *
 * @param result the metric's outcome
 * @param words what the interval shows, e.g. {@code shown within +50% (CI -4%..+37%)}
 * @param growth by how much the requests per side must grow (a factor above 1) before the interval, narrowing as
 *     1/sqrt(n), would decide; NaN when unknown or already decided
 */
record Evidence(Result result, String words, double growth) {

  /** The log-scale allowance for the wider width of a confidence sequence at larger n. */
  private static final double SLACK = 1.2;

  /**
   * Decides from an interval {@code [low, high]} of the relative change (canary / baseline - 1) around the estimate.
   */
  static Evidence of(Metric metric, double estimate, double low, double high) {
    boolean higherWorse = metric.direction() == Metric.Direction.HIGHER_IS_WORSE;
    double allowed = metric.allowedChange();
    double margin = metric.passMargin();
    // "badness": log ratio in the worse direction
    double a = higherWorse ? Math.log1p(allowed) : -Math.log1p(-allowed);
    double m = higherWorse ? Math.log1p(margin) : -Math.log1p(-margin);
    double e = badness(estimate, higherWorse);
    double bLow = badness(higherWorse ? low : high, higherWorse);
    double bHigh = badness(higherWorse ? high : low, higherWorse);
    String ci = Words.interval(low, high);
    String allowedWords = Words.signed(higherWorse ? allowed : -allowed);
    String marginWords = Words.signed(higherWorse ? margin : -margin);
    if (bLow > a) {
      return new Evidence(Result.FAIL, "regression shown, " + (higherWorse ? "above" : "below") + " the allowed "
          + allowedWords + " (" + ci + ")", Double.NaN);
    }
    if (bHigh < m) {
      return new Evidence(Result.PASS, "shown within " + marginWords + " (" + ci + ")", Double.NaN);
    }
    double growth = Double.NaN;
    if (Double.isFinite(e)) {
      double toPass = e < m && Double.isFinite(bHigh) ? square((bHigh - e) / (m - e)) : Double.POSITIVE_INFINITY;
      double toFail = e > a && Double.isFinite(bLow) ? square((e - bLow) / (e - a)) : Double.POSITIVE_INFINITY;
      double g = Math.min(toPass, toFail) * SLACK;
      growth = Double.isFinite(g) ? Math.max(g, 1.01) : Double.NaN;
    }
    return new Evidence(Result.INCONCLUSIVE, "not enough evidence either way (" + ci + "; fails beyond "
        + allowedWords + ", passes within " + marginWords + ")", growth);
  }

  private static double badness(double relative, boolean higherWorse) {
    if (Double.isNaN(relative)) {
      return Double.NaN;
    }
    double log = relative <= -1 ? Double.NEGATIVE_INFINITY : Math.log1p(relative);
    return higherWorse ? log : -log;
  }

  private static double square(double v) {
    return v * v;
  }
}
