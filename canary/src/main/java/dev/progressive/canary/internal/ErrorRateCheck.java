package dev.progressive.canary.internal;

import dev.progressive.canary.Metric;
import dev.progressive.canary.MetricSource;
import dev.progressive.canary.Verdict.MetricResult;
import dev.progressive.canary.Verdict.Result;

/**
 * The error-rate metric: an always-valid interval of the ratio of the canary's error rate to the baseline's.
 *
 * <p>Given the errors of both sides, each error is the canary's with chance theta = r p / (r p + 1 - p), where p is
 * the canary's share of the requests and r the ratio of the error rates. A {@linkplain ConfidenceSequence#proportion
 * confidence sequence} of theta, mapped through the inverse of that function, is an interval of r that holds at every
 * look of the step at once. When the relative interval says neither, a canary whose own error rate is shown below the
 * metric's negligible rate passes anyway (a near-zero rate has no useful ratio).
 */
final class ErrorRateCheck {

  private ErrorRateCheck() {}

  static Assessment assess(Metric metric, MetricSource.Window window, double alpha) {
    long nb = window.baseline().requests();
    long nc = window.canary().requests();
    long eb = window.baseline().errors();
    long ec = window.canary().errors();
    double threshold = 1 / alpha;
    if (nb == 0 || nc == 0) {
      return new Assessment(new MetricResult(metric, Result.INCONCLUSIVE, rate(eb, nb), rate(ec, nc), Double.NaN,
          Double.NaN, Double.NaN, Double.NaN, threshold, "error rate: no requests yet on "
          + (nc == 0 ? "the canary" : "the baseline")), Double.NaN, false);
    }
    double rb = (double) eb / nb;
    double rc = (double) ec / nc;
    double rel = rb > 0 ? rc / rb - 1 : (rc > 0 ? Double.POSITIVE_INFINITY : Double.NaN);
    double p = (double) nc / (nb + nc);
    long n = eb + ec;
    double[] theta = ConfidenceSequence.proportion(ec, n, p, alpha);
    double low = ratio(theta[0], p) - 1;
    double high = ratio(theta[1], p) - 1;
    boolean higherWorse = metric.direction() == Metric.Direction.HIGHER_IS_WORSE;
    double allowedRatio = higherWorse ? 1 + metric.allowedChange() : 1 - metric.allowedChange();
    double thetaAllowed = share(allowedRatio, p);
    double observed = n == 0 ? p : (double) ec / n;
    boolean beyond = higherWorse ? observed > thetaAllowed : observed < thetaAllowed;
    double statistic = beyond && n > 0
        ? Math.exp(Math.min(700, ConfidenceSequence.logEvidenceAgainst(ec, n, p, thetaAllowed))) : 0;
    double estimate = Double.isNaN(rel) ? 0 : rel;
    Evidence evidence = Evidence.of(metric, estimate, low, high);
    String what = "error rate " + Words.rate(rc) + " vs " + Words.rate(rb) + " on baseline (" + Words.change(rel)
        + ")";
    Result result = evidence.result();
    String words = evidence.words();
    if (result == Result.INCONCLUSIVE && higherWorse && metric.negligibleRate() > 0) {
      double canaryHigh = ConfidenceSequence.proportion(ec, nc, metric.negligibleRate(), alpha)[1];
      if (canaryHigh < metric.negligibleRate()) {
        result = Result.PASS;
        words = "shown below the negligible rate " + Words.rate(metric.negligibleRate()) + " (the canary's rate is "
            + "at most " + Words.rateFine(canaryHigh) + "; " + Words.interval(low, high) + ")";
      }
    }
    MetricResult r = new MetricResult(metric, result, rb, rc, rel, low, high, statistic, threshold,
        what + ": " + words);
    return new Assessment(r, result == Result.INCONCLUSIVE ? evidence.growth() : Double.NaN, false);
  }

  /** The canary's share of the errors when its rate is {@code r} times the baseline's and its traffic share p. */
  static double share(double r, double p) {
    return r * p / (r * p + 1 - p);
  }

  /** The inverse of {@link #share}: the rate ratio for an error share theta. */
  static double ratio(double theta, double p) {
    if (theta >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    return theta * (1 - p) / (p * (1 - theta));
  }

  private static double rate(long errors, long requests) {
    return requests == 0 ? Double.NaN : (double) errors / requests;
  }
}
