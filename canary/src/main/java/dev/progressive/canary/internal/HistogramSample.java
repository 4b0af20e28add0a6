package dev.progressive.canary.internal;

import java.util.Arrays;
import java.util.Locale;

/**
 * Turns a cumulative latency histogram (Prometheus {@code le} buckets) into a latency sample that the judge can rank
 * and take quantiles of.
 *
 * <p>Each bucket's count is spread evenly over the bucket, from its lower bound (the previous bucket's upper bound,
 * 0 for the first) to its upper bound: the k values of a bucket sit at {@code lower + (upper - lower) * i / k} for
 * i = 1..k. This is the linear interpolation of Prometheus's {@code histogram_quantile}, so the sample's q quantile
 * (the value of rank ceil(q n)) is {@code histogram_quantile(q, ...)} when the sample is not capped and q n is a
 * whole number, and within a fraction of one bucket's width of it otherwise. As in {@code histogram_quantile}, what
 * falls in the {@code +Inf} bucket is put at the highest finite bound.
 *
 * <p>When the histogram holds more than {@code maxSamples} requests, the sample is scaled down to {@code maxSamples}
 * values, each bucket keeping its share (largest remainders). The result is deterministic: the same histogram gives
 * the same sample.
 *
 * <p>The resolution is the buckets': two latency distributions that fill the same buckets in the same proportions
 * look the same.
 */
public final class HistogramSample {

  /** A drop of a cumulative count smaller than this share of the count before it is noise, and is flattened. */
  private static final double TOLERATED_DROP = 0.01;

  private HistogramSample() {}

  /**
   * The sample, in milliseconds.
   *
   * @param upperBoundsSeconds the buckets' {@code le} bounds in seconds, strictly increasing, the last one
   *     {@code +Inf}
   * @param cumulativeCounts the count of each bucket: requests at most as slow as its bound; may be fractional (as
   *     {@code increase()} gives)
   * @param maxSamples the largest sample returned
   * @return the sample, sorted; empty when the histogram has no request or no finite bucket
   * @throws IllegalArgumentException when the histogram is not one: bounds not increasing, no {@code +Inf} bucket,
   *     a count that is negative, not a number or clearly smaller than the one before it
   */
  public static double[] fromCumulativeBuckets(double[] upperBoundsSeconds, double[] cumulativeCounts,
      int maxSamples) {
    if (maxSamples < 1) {
      throw new IllegalArgumentException("maxSamples must be at least 1, was " + maxSamples);
    }
    int buckets = upperBoundsSeconds.length;
    if (buckets != cumulativeCounts.length) {
      throw new IllegalArgumentException(buckets + " bucket bounds but " + cumulativeCounts.length + " counts");
    }
    if (buckets == 0) {
      return new double[0];
    }
    if (upperBoundsSeconds[buckets - 1] != Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("the histogram has no +Inf bucket (highest bound "
          + le(upperBoundsSeconds[buckets - 1]) + ")");
    }
    double[] cumulative = new double[buckets];
    for (int i = 0; i < buckets; i++) {
      double bound = upperBoundsSeconds[i];
      double count = cumulativeCounts[i];
      if (Double.isNaN(bound) || (i > 0 && !(bound > upperBoundsSeconds[i - 1]))) {
        throw new IllegalArgumentException("the bucket bounds are not increasing: le=" + le(bound)
            + (i > 0 ? " after le=" + le(upperBoundsSeconds[i - 1]) : ""));
      }
      if (!(count >= 0) || Double.isInfinite(count)) {
        throw new IllegalArgumentException("the bucket le=" + le(bound) + " counts " + count
            + ", not a finite count");
      }
      double previous = i == 0 ? 0 : cumulative[i - 1];
      if (count < previous) {
        if (previous - count > TOLERATED_DROP * previous) {
          throw new IllegalArgumentException(String.format(Locale.ROOT,
              "the buckets are not cumulative: le=%s counts %.6g, fewer than the %.6g of le=%s", le(bound), count,
              previous, le(upperBoundsSeconds[i - 1])));
        }
        count = previous;
      }
      cumulative[i] = count;
    }
    double total = cumulative[buckets - 1];
    int n = (int) Math.min(maxSamples, Math.round(total));
    if (buckets < 2 || n == 0) {
      return new double[0];
    }
    int[] perBucket = apportion(cumulative, total, n);
    double[] sample = new double[n];
    int at = 0;
    double highestFinite = upperBoundsSeconds[buckets - 2];
    for (int i = 0; i < buckets; i++) {
      int k = perBucket[i];
      if (k == 0) {
        continue;
      }
      double upper = upperBoundsSeconds[i];
      if (upper == Double.POSITIVE_INFINITY) {
        Arrays.fill(sample, at, at + k, highestFinite * 1000);
        at += k;
        continue;
      }
      double lower = i == 0 ? Math.min(0, upper) : upperBoundsSeconds[i - 1];
      for (int j = 1; j <= k; j++) {
        sample[at++] = (lower + (upper - lower) * j / k) * 1000;
      }
    }
    return sample;
  }

  /** Splits n values among the buckets in proportion to their counts, by largest remainders (ties: lower bucket). */
  private static int[] apportion(double[] cumulative, double total, int n) {
    int buckets = cumulative.length;
    int[] shares = new int[buckets];
    double[] remainders = new double[buckets];
    int given = 0;
    for (int i = 0; i < buckets; i++) {
      double count = cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
      double exact = count / total * n;
      shares[i] = (int) Math.floor(exact);
      remainders[i] = exact - shares[i];
      given += shares[i];
    }
    while (given < n) {
      int best = -1;
      for (int i = 0; i < buckets; i++) {
        if (best < 0 || remainders[i] > remainders[best]) {
          best = i;
        }
      }
      shares[best]++;
      remainders[best] = -1;
      given++;
    }
    return shares;
  }

  private static String le(double bound) {
    return bound == Double.POSITIVE_INFINITY ? "+Inf" : Double.toString(bound);
  }
}
