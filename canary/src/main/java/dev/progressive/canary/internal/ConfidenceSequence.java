package dev.progressive.canary.internal;

import org.apache.commons.numbers.gamma.LogBeta;

/**
 * Always-valid confidence bounds (confidence sequences): bounds that hold at every look at once, so that a judge may
 * look at growing data as often as it likes and still miss the truth with probability at most alpha over all looks.
 *
 * <ul>
 *   <li><b>A proportion</b> (the chance that an error is the canary's, or that a latency is below a quantile): the
 *       beta-binomial mixture martingale of Robbins, as in Howard, Ramdas, McAuliffe and Sekhon (2021, "Time-uniform,
 *       nonparametric, nonasymptotic confidence sequences", section 3). For a true proportion theta, the ratio of the
 *       mixture's likelihood to theta's is a non-negative martingale with mean 1 over the sequence of observations,
 *       so by Ville's inequality the chance that it ever reaches 1/alpha is at most alpha. The bound is every theta
 *       whose ratio is still below 1/alpha. The mixture is an equal mix of four beta priors centred on the expected
 *       proportion, with concentrations 0.3, 1, 10 and 100 times 1 / min(mu, 1 - mu), so that the bound is near its
 *       tightest from a few dozen to a few hundred thousand observations, and a p99 is bounded from about 900
 *       latencies on at the default alpha.</li>
 *   <li><b>Quantile ranks:</b> the count of observations at or below the true q quantile is a binomial(n, q) running
 *       sum, so the same mixture gives the range of ranks in which the true quantile lies at every n (Howard and
 *       Ramdas 2022, "Sequential estimation of quantiles with applications to A/B-testing and best-arm
 *       identification", for one fixed quantile).</li>
 *   <li><b>An asymptotically normal statistic</b> (the rank-sum test): the asymptotic confidence sequence of
 *       Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas (2021, "Time-uniform central limit theory and asymptotic
 *       confidence sequences"), given as the number of standard errors to use in place of a fixed z.</li>
 * </ul>
 *
 * <p>Stateless; every method is a pure function.
 */
public final class ConfidenceSequence {

  private static final double[] CONCENTRATIONS = {0.3, 1, 10, 100};

  /** The sample size at which {@link #normalMultiplier} is tightest. */
  private static final double TUNED_FOR = 1_000;

  private ConfidenceSequence() {}

  /**
   * The always-valid bounds of a proportion after {@code successes} of {@code trials}.
   *
   * @param successes observations that were "successes" (at most {@code trials}; may be fractional)
   * @param trials observations
   * @param expected the proportion the mixture is centred on, in (0, 1): what the proportion would be with no
   *     difference between the sides; it changes how tight the bound is, never whether it is valid
   * @param alpha the chance, over all looks, that the bounds ever miss the truth
   * @return {low, high}, with {0, 1} when nothing was observed
   */
  public static double[] proportion(double successes, double trials, double expected, double alpha) {
    check(alpha);
    if (trials <= 0) {
      return new double[] {0, 1};
    }
    double k = Math.max(0, Math.min(successes, trials));
    double n = trials;
    double floor = logMarginal(k, n, expected) + Math.log(alpha);
    double mle = k / n;
    double low = k == 0 ? 0 : bisect(k, n, floor, 0, mle);
    double high = k == n ? 1 : bisect(k, n, floor, 1, mle);
    return new double[] {low, high};
  }

  /**
   * The log of the mixture's ratio against a proportion theta: the evidence against theta (theta is outside the
   * bounds when this reaches log(1/alpha)).
   */
  public static double logEvidenceAgainst(double successes, double trials, double expected, double theta) {
    if (trials <= 0) {
      return 0;
    }
    double k = Math.max(0, Math.min(successes, trials));
    return logMarginal(k, trials, expected) - logLikelihood(k, trials, theta);
  }

  /**
   * The 1-based ranks between which the true q quantile of {@code n} observations lies at every n, with probability
   * at least 1 - alpha: the true quantile is at least the observation of rank {@code low} and below the one of rank
   * {@code high}.
   *
   * @return {low, high}; low is 0 when there is no lower bound yet, high is n + 1 when there is no upper bound yet
   */
  public static long[] quantileRanks(long n, double q, double alpha) {
    check(alpha);
    if (n <= 0) {
      return new long[] {0, 1};
    }
    double threshold = -Math.log(alpha);
    long centre = Math.max(0, Math.min(n, Math.round(n * q)));
    // The evidence against q is convex in the count; the counts below the threshold form an interval around centre.
    long lowCount = firstAccepted(n, q, threshold, 0, centre);
    long highCount = lastAccepted(n, q, threshold, centre, n);
    // count <= x_q is at least lowCount: x_q >= X(lowCount); count is at most highCount: x_q < X(highCount + 1).
    return new long[] {lowCount, highCount + 1};
  }

  /**
   * The smallest number of observations at which {@link #quantileRanks} bounds the q quantile from above (and, by
   * symmetry for q above 0.5, from both sides): fewer, and no look can show a quantile within or beyond anything.
   */
  public static long observationsToBoundQuantile(double q, double alpha) {
    long lo = 1;
    long hi = 1;
    while (quantileRanks(hi, q, alpha)[1] > hi || quantileRanks(hi, q, alpha)[0] < 1) {
      lo = hi;
      hi *= 2;
      if (hi > 1L << 40) {
        return Long.MAX_VALUE;
      }
    }
    while (hi - lo > 1) {
      long mid = (lo + hi) >>> 1;
      long[] r = quantileRanks(mid, q, alpha);
      if (r[1] <= mid && r[0] >= 1) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /**
   * How many standard errors wide an always-valid interval of an asymptotically normal statistic is after
   * {@code samples} observations (two-sided, miss chance alpha over all looks): Waudby-Smith et al.'s boundary
   * divided by the standard error, tuned to be tightest near 1,000 observations.
   */
  public static double normalMultiplier(double samples, double alpha) {
    check(alpha);
    double t = Math.max(samples, 1);
    double l = -2 * Math.log(alpha);
    double rho2 = (l + Math.log(l + 1)) / TUNED_FOR;
    double tr = t * rho2;
    return Math.sqrt(2 * (tr + 1) / tr * Math.log(Math.sqrt(tr + 1) / alpha));
  }

  private static long firstAccepted(long n, double q, double threshold, long from, long to) {
    if (evidence(from, n, q) < threshold) {
      return from;
    }
    long lo = from;
    long hi = to;
    if (evidence(hi, n, q) >= threshold) {
      return hi + 1;
    }
    while (hi - lo > 1) {
      long mid = (lo + hi) >>> 1;
      if (evidence(mid, n, q) < threshold) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  private static long lastAccepted(long n, double q, double threshold, long from, long to) {
    if (evidence(to, n, q) < threshold) {
      return to;
    }
    long lo = from;
    long hi = to;
    if (evidence(lo, n, q) >= threshold) {
      return lo - 1;
    }
    while (hi - lo > 1) {
      long mid = (lo + hi) >>> 1;
      if (evidence(mid, n, q) < threshold) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double evidence(long count, long n, double q) {
    return logMarginal(count, n, q) - logLikelihood(count, n, q);
  }

  /** log of the mixture's marginal likelihood of k successes in n (the same order of outcomes). */
  private static double logMarginal(double k, double n, double expected) {
    double mu = Math.max(1e-9, Math.min(1 - 1e-9, expected));
    double base = 1 / Math.min(mu, 1 - mu);
    double max = Double.NEGATIVE_INFINITY;
    double[] terms = new double[CONCENTRATIONS.length];
    for (int i = 0; i < CONCENTRATIONS.length; i++) {
      double c = base * CONCENTRATIONS[i];
      double a = mu * c;
      double b = (1 - mu) * c;
      terms[i] = LogBeta.value(a + k, b + n - k) - LogBeta.value(a, b);
      max = Math.max(max, terms[i]);
    }
    double sum = 0;
    for (double t : terms) {
      sum += Math.exp(t - max);
    }
    return max + Math.log(sum / CONCENTRATIONS.length);
  }

  private static double logLikelihood(double k, double n, double theta) {
    double a = k == 0 ? 0 : k * Math.log(theta);
    double b = n - k == 0 ? 0 : (n - k) * Math.log1p(-theta);
    return a + b;
  }

  /** The theta between {@code outer} and the mle at which the log likelihood falls to {@code floor}. */
  private static double bisect(double k, double n, double floor, double outer, double mle) {
    double inside = mle;
    double outside = outer;
    if (logLikelihood(k, n, mle) <= floor) {
      return mle;
    }
    for (int i = 0; i < 200 && Math.abs(outside - inside) > 1e-15; i++) {
      double mid = (inside + outside) / 2;
      if (mid <= 0 || mid >= 1 || logLikelihood(k, n, mid) <= floor) {
        outside = mid;
      } else {
        inside = mid;
      }
    }
    return inside;
  }

  private static void check(double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
    }
  }
}
