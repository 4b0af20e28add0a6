package dev.progressive.canary.internal;

import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Metric;
import dev.progressive.canary.MetricSource;
import dev.progressive.canary.Verdict;
import dev.progressive.canary.Verdict.MetricResult;
import dev.progressive.canary.Verdict.Result;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;

/**
 * The default judge. Each metric gets an equal share of the step's alpha; the verdict FAILs when a critical metric
 * fails, or when at least half of the metrics fail.
 *
 * <ul>
 *   <li><b>Error rate:</b> a mixture sequential probability ratio test (mSPRT) on the canary's share of the errors,
 *       conditional on the traffic split. Given n errors and a canary share p of the requests, the canary's error
 *       count is Binomial(n, p0) when its rate is the allowed multiple r0 of the baseline's, with
 *       p0 = r0·p / (r0·p + 1 - p). The likelihood ratio against a mixture of worse multiples (r0 times 1.25, 1.5, 2,
 *       3, 5) is a non-negative martingale under the null, so by Ville's inequality the chance that it ever crosses
 *       1/alpha, at any number of looks, is at most alpha. Looking at every interval is therefore free.</li>
 *   <li><b>Latency:</b> a one-sided Mann-Whitney test on log latencies shifted by log(1 + allowed), which asks whether
 *       the canary is stochastically slower than the allowed multiple of the baseline.</li>
 *   <li><b>Latency quantile:</b> the log ratio of the two sample quantiles, with standard errors from the spread of
 *       the order statistics around each quantile (a distribution-free estimate), and a one-sided z test against
 *       log(1 + allowed).</li>
 * </ul>
 *
 * <p>The two latency tests are not valid at every look by themselves, so their alpha is spent over the step with an
 * O'Brien-Fleming-like spending function (Lan-DeMets), by information fraction t = the smallest of the two sides'
 * requests over the step's minimum, and of the elapsed time over the step's minimum duration. Each look may use the
 * alpha spent since the previous look; by the union bound the step's false-failure rate stays within alpha. Little
 * is spent early, and almost all of it when the step has its data.
 *
 * <p>Not thread-safe: one controller calls it at a time.
 */
public final class StatisticalJudge implements Judge {

  private static final double[] MULTIPLIERS = {1.25, 1.5, 2, 3, 5};
  private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);
  private static final double Z95 = 1.959964;
  private static final int MIN_LATENCY_SAMPLES = 20;

  private Instant windowStart;
  private double[] lastFraction = new double[0];

  @Override
  public Verdict judge(Look look) {
    CanaryRelease release = look.release();
    List<Metric> metrics = release.metrics();
    if (!look.stepStartedAt().equals(windowStart) || lastFraction.length != metrics.size()) {
      windowStart = look.stepStartedAt();
      lastFraction = new double[metrics.size()];
    }
    double alphaPerMetric = release.alpha() / metrics.size();
    boolean enough = look.enoughData();
    double fraction = enough ? 1.0 : informationFraction(look);
    MetricSource.Window window = look.window();
    double[] baselineSorted = sortedLogs(window.baseline().latenciesMillis());
    double[] canarySorted = sortedLogs(window.canary().latenciesMillis());

    List<MetricResult> results = new ArrayList<>(metrics.size());
    for (int i = 0; i < metrics.size(); i++) {
      Metric metric = metrics.get(i);
      double nominal = spend(alphaPerMetric, fraction) - spend(alphaPerMetric, lastFraction[i]);
      lastFraction[i] = Math.max(lastFraction[i], fraction);
      MetricResult r = switch (metric.kind()) {
        case ERROR_RATE -> errorRate(metric, window, alphaPerMetric, enough);
        case LATENCY -> noted(latency(metric, baselineSorted, canarySorted, Math.max(nominal, 0), enough),
            window.latencyNote());
        case LATENCY_QUANTILE -> noted(quantile(metric, baselineSorted, canarySorted, Math.max(nominal, 0), enough),
            window.latencyNote());
      };
      results.add(r);
    }
    return combine(look, results, enough);
  }

  /** The result with the source's note on its latencies (e.g. that they come from histogram buckets). */
  private static MetricResult noted(MetricResult r, String note) {
    if (note.isEmpty()) {
      return r;
    }
    return new MetricResult(r.metric(), r.result(), r.baseline(), r.canary(), r.relativeChange(), r.ciLow(),
        r.ciHigh(), r.statistic(), r.threshold(), r.reason() + " [" + note + "]");
  }

  private static Verdict combine(Look look, List<MetricResult> results, boolean enough) {
    List<MetricResult> failed = results.stream().filter(r -> r.result() == Result.FAIL).toList();
    boolean criticalFailed = failed.stream().anyMatch(r -> r.metric().critical());
    Result result;
    String summary;
    MetricSource.Window w = look.window();
    String counts = " (" + w.canary().requests() + " canary and " + w.baseline().requests()
        + " baseline requests in " + human(look.elapsed().toSeconds()) + ")";
    if (criticalFailed || (!failed.isEmpty() && failed.size() * 2 >= results.size())) {
      result = Result.FAIL;
      summary = "FAIL: " + String.join("; ", failed.stream().map(MetricResult::reason).toList()) + counts;
    } else if (!enough) {
      result = Result.INCONCLUSIVE;
      CanaryRelease.Step step = look.step();
      summary = "INCONCLUSIVE: too little data so far, the step needs " + step.minRequestsPerSide()
          + " requests per side and " + human(step.minDuration().toSeconds()) + counts;
    } else {
      List<MetricResult> open = results.stream()
          .filter(r -> r.metric().critical() && r.result() == Result.INCONCLUSIVE).toList();
      if (!open.isEmpty()) {
        result = Result.INCONCLUSIVE;
        summary = "INCONCLUSIVE: " + String.join("; ", open.stream().map(MetricResult::reason).toList()) + counts;
      } else {
        result = Result.PASS;
        summary = "PASS: no metric regressed beyond what is allowed" + counts;
      }
    }
    return new Verdict(result, results, w.baseline().requests(), w.canary().requests(), summary, look.now());
  }

  private static double informationFraction(Look look) {
    CanaryRelease.Step step = look.step();
    double min = step.minRequestsPerSide();
    double byRequests = Math.min(look.window().baseline().requests(), look.window().canary().requests()) / min;
    double byTime = step.minDuration().isZero() ? 1.0
        : (double) look.elapsed().toMillis() / step.minDuration().toMillis();
    return Math.max(0, Math.min(1.0, Math.min(byRequests, byTime)));
  }

  /** Lan-DeMets O'Brien-Fleming-like one-sided spending: alpha(t) = 2 (1 - Phi(z_{1-alpha/2} / sqrt(t))). */
  static double spend(double alpha, double t) {
    if (t <= 0) {
      return 0;
    }
    if (t >= 1) {
      return alpha;
    }
    double z = NORMAL.inverseSurvivalProbability(alpha / 2);
    return 2 * NORMAL.survivalProbability(z / Math.sqrt(t));
  }

  // ---- error rate: mSPRT on the canary's share of the errors

  static MetricResult errorRate(Metric metric, MetricSource.Window window, double alpha, boolean enough) {
    long nb = window.baseline().requests();
    long nc = window.canary().requests();
    long eb = window.baseline().errors();
    long ec = window.canary().errors();
    double threshold = 1 / alpha;
    if (nb == 0 || nc == 0) {
      return new MetricResult(metric, Result.INCONCLUSIVE, rate(eb, nb), rate(ec, nc), Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, threshold, "error rate: no requests yet on " + (nc == 0 ? "the canary" : "the baseline"));
    }
    double rb = rate(eb, nb);
    double rc = rate(ec, nc);
    double rel = rb > 0 ? rc / rb - 1 : (rc > 0 ? Double.POSITIVE_INFINITY : 0);
    long n = eb + ec;
    double p = (double) nc / (nb + nc);
    boolean higherWorse = metric.direction() == Metric.Direction.HIGHER_IS_WORSE;
    double r0 = higherWorse ? 1 + metric.allowedChange() : Math.max(1e-6, 1 - metric.allowedChange());
    double lr = 0;
    if (n > 0) {
      double p0 = share(r0, p);
      for (double m : MULTIPLIERS) {
        double theta = share(higherWorse ? r0 * m : r0 / m, p);
        double log = ec * Math.log(theta / p0) + (n - ec) * Math.log((1 - theta) / (1 - p0));
        lr += Math.exp(Math.min(log, 700)) / MULTIPLIERS.length;
      }
    } else {
      lr = 1;
    }
    double ciLow = Double.NaN;
    double ciHigh = Double.NaN;
    if (n > 0) {
      double thetaLow = ec == 0 ? 0 : BetaDistribution.of(ec, n - ec + 1.0).inverseCumulativeProbability(0.025);
      double thetaHigh = ec == n ? 1 : BetaDistribution.of(ec + 1.0, n - ec).inverseCumulativeProbability(0.975);
      ciLow = ratio(thetaLow, p) - 1;
      ciHigh = ratio(thetaHigh, p) - 1;
    }
    boolean fail = lr >= threshold;
    String what = String.format(Locale.ROOT, "error rate %s vs %s on baseline (%s%s)", pct2(rc), pct2(rb),
        signed(rel), Double.isNaN(ciLow) ? "" : ", CI " + pct(ciLow) + ".." + pct(ciHigh));
    String allowed = "the allowed " + pct(metric.allowedChange());
    Result result;
    String reason;
    if (fail) {
      result = Result.FAIL;
      reason = what + ", " + (higherWorse ? "higher" : "lower") + " than " + allowed + " (likelihood ratio "
          + num(lr) + " >= " + num(threshold) + ")";
    } else {
      result = enough ? Result.PASS : Result.INCONCLUSIVE;
      reason = what + ", no evidence beyond " + allowed + " (likelihood ratio " + num(lr) + " < " + num(threshold)
          + ")";
    }
    return new MetricResult(metric, result, rb, rc, rel, ciLow, ciHigh, lr, threshold, reason);
  }

  /** The canary's share of the errors when its rate is {@code r} times the baseline's and its traffic share p. */
  private static double share(double r, double p) {
    return r * p / (r * p + 1 - p);
  }

  /** The inverse of {@link #share}: the rate ratio for an error share theta. */
  private static double ratio(double theta, double p) {
    if (theta >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    return theta * (1 - p) / (p * (1 - theta));
  }

  private static double rate(long errors, long requests) {
    return requests == 0 ? Double.NaN : (double) errors / requests;
  }

  // ---- latency: Mann-Whitney on log latencies

  static MetricResult latency(Metric metric, double[] baseline, double[] canary, double nominal, boolean enough) {
    if (baseline.length < MIN_LATENCY_SAMPLES || canary.length < MIN_LATENCY_SAMPLES) {
      return new MetricResult(metric, Result.INCONCLUSIVE, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, nominal, "latency: fewer than " + MIN_LATENCY_SAMPLES
          + " latency samples on a side (" + canary.length + " canary, " + baseline.length + " baseline)");
    }
    boolean higherWorse = metric.direction() == Metric.Direction.HIGHER_IS_WORSE;
    double mu = higherWorse ? Math.log(1 + metric.allowedChange())
        : Math.log(Math.max(1e-6, 1 - metric.allowedChange()));
    MannWhitneyUTest.Result test = MannWhitneyUTest.withDefaults()
        .with(higherWorse ? AlternativeHypothesis.GREATER_THAN : AlternativeHypothesis.LESS_THAN)
        .withMu(mu)
        .test(canary, baseline);
    double pValue = test.getPValue();
    double superiority = MannWhitneyUTest.withDefaults().statistic(canary, baseline)
        / ((double) canary.length * baseline.length);
    double mb = Math.exp(quantileOfSorted(baseline, 0.5));
    double mc = Math.exp(quantileOfSorted(canary, 0.5));
    double rel = mc / mb - 1;
    String what = String.format(Locale.ROOT, "latency: median %s ms vs %s ms on baseline (%s), the canary is "
        + "slower in %.0f%% of pairs", num(mc), num(mb), signed(rel), superiority * 100);
    boolean fail = nominal > 0 && pValue < nominal;
    String reason = fail
        ? what + "; " + (higherWorse ? "slower" : "faster") + " than the allowed " + pct(metric.allowedChange())
            + " (Mann-Whitney p = " + num(pValue) + " < " + num(nominal) + ")"
        : what + "; no significant shift beyond the allowed " + pct(metric.allowedChange())
            + " (Mann-Whitney p = " + num(pValue) + ")";
    Result result = fail ? Result.FAIL : enough ? Result.PASS : Result.INCONCLUSIVE;
    return new MetricResult(metric, result, mb, mc, rel, Double.NaN, Double.NaN, pValue, nominal, reason);
  }

  // ---- latency quantile: log ratio with order-statistic standard errors

  static MetricResult quantile(Metric metric, double[] baseline, double[] canary, double nominal, boolean enough) {
    double q = metric.quantile();
    int needed = (int) Math.ceil(10 / (1 - q));
    String name = metric.name();
    if (baseline.length < needed || canary.length < needed) {
      return new MetricResult(metric, Result.INCONCLUSIVE, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, nominal, name + ": needs " + needed + " latency samples per side, has "
          + canary.length + " canary and " + baseline.length + " baseline");
    }
    double lb = quantileOfSorted(baseline, q);
    double lc = quantileOfSorted(canary, q);
    double seB = logStandardError(baseline, q);
    double seC = logStandardError(canary, q);
    double sd = Math.max(Math.sqrt(seB * seB + seC * seC), 1e-9);
    double logRatio = lc - lb;
    boolean higherWorse = metric.direction() == Metric.Direction.HIGHER_IS_WORSE;
    double bound = higherWorse ? Math.log(1 + metric.allowedChange())
        : Math.log(Math.max(1e-6, 1 - metric.allowedChange()));
    double z = (logRatio - bound) / sd;
    double pValue = higherWorse ? NORMAL.survivalProbability(z) : NORMAL.cumulativeProbability(z);
    double rel = Math.exp(logRatio) - 1;
    double ciLow = Math.exp(logRatio - Z95 * sd) - 1;
    double ciHigh = Math.exp(logRatio + Z95 * sd) - 1;
    String direction = rel >= 0 ? "higher" : "lower";
    String what = String.format(Locale.ROOT, "%s %s %s than baseline (%s ms vs %s ms, CI %s..%s)", name,
        pct(Math.abs(rel)), direction, num(Math.exp(lc)), num(Math.exp(lb)), pct(ciLow), pct(ciHigh));
    boolean fail = nominal > 0 && pValue < nominal;
    String reason = fail
        ? what + ", " + (higherWorse ? "above" : "below") + " the allowed " + pct(metric.allowedChange())
            + " (p = " + num(pValue) + " < " + num(nominal) + ")"
        : what + ", not significantly beyond the allowed " + pct(metric.allowedChange()) + " (p = " + num(pValue)
            + ")";
    Result result = fail ? Result.FAIL : enough ? Result.PASS : Result.INCONCLUSIVE;
    return new MetricResult(metric, result, Math.exp(lb), Math.exp(lc), rel, ciLow, ciHigh, pValue, nominal, reason);
  }

  /**
   * The standard error of the log quantile, from the order statistics at q ± 1.96 binomial standard deviations: the
   * spread of a 95% distribution-free interval divided by 2 × 1.96.
   */
  private static double logStandardError(double[] sortedLogs, double q) {
    int n = sortedLogs.length;
    double half = Z95 * Math.sqrt(n * q * (1 - q));
    int low = (int) Math.max(0, Math.floor(n * q - half) - 1);
    int high = (int) Math.min(n - 1, Math.ceil(n * q + half) - 1);
    return (sortedLogs[high] - sortedLogs[low]) / (2 * Z95);
  }

  /** The q quantile of sorted values (the order statistic of rank ceil(q n)). */
  static double quantileOfSorted(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double[] sortedLogs(double[] millis) {
    double[] logs = new double[millis.length];
    for (int i = 0; i < millis.length; i++) {
      logs[i] = Math.log(Math.max(millis[i], 1e-6));
    }
    Arrays.sort(logs);
    return logs;
  }

  // ---- words

  private static String pct(double fraction) {
    if (Double.isInfinite(fraction)) {
      return fraction > 0 ? "unbounded" : "-unbounded";
    }
    return Math.round(fraction * 100) + "%";
  }

  private static String pct2(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }

  private static String signed(double fraction) {
    if (Double.isNaN(fraction)) {
      return "no baseline value";
    }
    if (Double.isInfinite(fraction)) {
      return fraction > 0 ? "up from zero" : "down to zero";
    }
    return (fraction >= 0 ? "+" : "") + pct(fraction);
  }

  private static String num(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 0.01 || a >= 1e6)) {
      return String.format(Locale.ROOT, "%.2g", v);
    }
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : "%.3g", v);
  }

  private static String human(long seconds) {
    if (seconds % 3600 == 0 && seconds >= 3600) {
      return seconds / 3600 + " h";
    }
    if (seconds % 60 == 0 && seconds >= 60) {
      return seconds / 60 + " min";
    }
    return seconds + " s";
  }
}
