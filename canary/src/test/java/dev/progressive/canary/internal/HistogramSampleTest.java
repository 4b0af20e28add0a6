package dev.progressive.canary.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Buckets to a latency sample: its quantiles are histogram_quantile's, its shares the buckets'. */
class HistogramSampleTest {

  private static final double INF = Double.POSITIVE_INFINITY;
  /** Seconds, like Micrometer's Prometheus buckets. */
  private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, INF};
  /** 1,000 requests, cumulative. */
  private static final double[] COUNTS = {10, 60, 200, 520, 800, 930, 980, 995, 1_000};
  private static final double[] QUANTILES = {0.001, 0.01, 0.1, 0.25, 0.5, 0.52, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999};

  /**
   * Prometheus's histogram_quantile for cumulative buckets (promql/quantile.go, bucketQuantile), written from its
   * documentation: linear interpolation inside the bucket that holds rank q·total, 0 as the first bucket's lower
   * bound, and the highest finite bound for ranks in the +Inf bucket. Returns seconds.
   */
  private static double histogramQuantile(double q, double[] bounds, double[] cumulative) {
    double total = cumulative[cumulative.length - 1];
    double rank = q * total;
    int b = 0;
    while (cumulative[b] < rank) {
      b++;
    }
    if (b == bounds.length - 1) {
      return bounds[bounds.length - 2];
    }
    if (b == 0 && bounds[0] <= 0) {
      return bounds[0];
    }
    double lower = b == 0 ? 0 : bounds[b - 1];
    double below = b == 0 ? 0 : cumulative[b - 1];
    return lower + (bounds[b] - lower) * (rank - below) / (cumulative[b] - below);
  }

  /** The sample's q quantile, as the judge takes it: the value of rank ceil(q n). */
  private static double sampleQuantile(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  @Test
  void uncappedItsQuantilesAreHistogramQuantilesExactly() {
    double[] sample = HistogramSample.fromCumulativeBuckets(BOUNDS, COUNTS, 5_000);
    assertThat(sample).hasSize(1_000);
    assertThat(sample).isSorted();
    for (double q : QUANTILES) {
      assertThat(sampleQuantile(sample, q)).as("q = %s", q)
          .isCloseTo(histogramQuantile(q, BOUNDS, COUNTS) * 1000, within(1e-9));
    }
  }

  @Test
  void cappedItKeepsEachBucketsShareAndItsQuantilesWithinABucketStep() {
    double[] big = Arrays.stream(COUNTS).map(c -> c * 100).toArray();
    double[] sample = HistogramSample.fromCumulativeBuckets(BOUNDS, big, 5_000);
    assertThat(sample).hasSize(5_000);
    for (int i = 0; i < BOUNDS.length - 2; i++) {
      double bound = BOUNDS[i] * 1000;
      long atMost = Arrays.stream(sample).filter(v -> v <= bound + 1e-9).count();
      assertThat(atMost / 5_000.0).as("share at most le=%s", BOUNDS[i]).isCloseTo(COUNTS[i] / 1_000, within(1e-3));
    }
    assertThat(Arrays.stream(sample).filter(v -> v > 500).count()).as("(0.5, 1] and +Inf").isEqualTo(100);
    for (double q : QUANTILES) {
      double expected = histogramQuantile(q, BOUNDS, big) * 1000;
      assertThat(sampleQuantile(sample, q)).as("q = %s", q).isCloseTo(expected, within(expected * 0.02 + 0.01));
    }
    assertThat(HistogramSample.fromCumulativeBuckets(BOUNDS, big, 5_000)).as("deterministic").isEqualTo(sample);
  }

  @Test
  void aSlowerHistogramGivesASlowerSample() {
    double[] slower = {0, 5, 20, 60, 200, 520, 800, 930, 1_000};
    double[] base = HistogramSample.fromCumulativeBuckets(BOUNDS, COUNTS, 5_000);
    double[] slow = HistogramSample.fromCumulativeBuckets(BOUNDS, slower, 5_000);
    assertThat(sampleQuantile(slow, 0.5)).isGreaterThan(2 * sampleQuantile(base, 0.5));
    assertThat(sampleQuantile(slow, 0.99)).isGreaterThan(sampleQuantile(base, 0.99));
  }

  @Test
  void fractionalCountsFromIncreaseAreRounded() {
    double[] counts = {0.4, 10.6, 99.5, 120.2, 120.2};
    double[] bounds = {0.01, 0.02, 0.05, 0.1, INF};
    double[] sample = HistogramSample.fromCumulativeBuckets(bounds, counts, 5_000);
    assertThat(sample).hasSize(120);
    assertThat(Arrays.stream(sample).filter(v -> v > 50 && v <= 100).count()).isEqualTo(21);
  }

  @Test
  void whatIsInTheInfBucketSitsAtTheHighestFiniteBound() {
    double[] sample = HistogramSample.fromCumulativeBuckets(new double[] {0.1, 0.2, INF}, new double[] {0, 2, 5},
        100);
    assertThat(sample).hasSize(5);
    assertThat(sample[0]).isCloseTo(150, within(1e-9));
    assertThat(Arrays.copyOfRange(sample, 1, 5)).containsOnly(200);
  }

  @Test
  void noRequestsOrNoFiniteBucketGivesNoSample() {
    assertThat(HistogramSample.fromCumulativeBuckets(BOUNDS, new double[BOUNDS.length], 5_000)).isEmpty();
    assertThat(HistogramSample.fromCumulativeBuckets(new double[] {INF}, new double[] {400}, 5_000)).isEmpty();
    assertThat(HistogramSample.fromCumulativeBuckets(new double[0], new double[0], 5_000)).isEmpty();
  }

  @Test
  void aTinyDropFromExtrapolationIsFlattenedAsHistogramQuantileDoes() {
    double[] counts = {100, 99.5, 300, 300};
    double[] sample = HistogramSample.fromCumulativeBuckets(new double[] {0.01, 0.02, 0.05, INF}, counts, 5_000);
    assertThat(sample).hasSize(300);
    assertThat(Arrays.stream(sample).filter(v -> v > 10 && v <= 20).count()).isZero();
  }

  @Test
  void garbledBucketsAreRefusedWithWhatIsWrong() {
    assertThatThrownBy(() -> HistogramSample.fromCumulativeBuckets(new double[] {0.01, 0.02, INF},
        new double[] {500, 100, 600}, 5_000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not cumulative").hasMessageContaining("le=0.02").hasMessageContaining("le=0.01");
    assertThatThrownBy(() -> HistogramSample.fromCumulativeBuckets(new double[] {0.01, 0.02},
        new double[] {5, 10}, 5_000)).hasMessageContaining("no +Inf bucket");
    assertThatThrownBy(() -> HistogramSample.fromCumulativeBuckets(new double[] {0.02, 0.01, INF},
        new double[] {5, 10, 10}, 5_000)).hasMessageContaining("not increasing");
    assertThatThrownBy(() -> HistogramSample.fromCumulativeBuckets(new double[] {0.01, INF},
        new double[] {Double.NaN, 10}, 5_000)).hasMessageContaining("le=0.01").hasMessageContaining("NaN");
    assertThatThrownBy(() -> HistogramSample.fromCumulativeBuckets(new double[] {0.01, INF},
        new double[] {-1, 10}, 5_000)).hasMessageContaining("not a finite count");
    assertThatThrownBy(() -> HistogramSample.fromCumulativeBuckets(new double[] {0.01, INF},
        new double[] {1}, 5_000)).hasMessageContaining("2 bucket bounds but 1 counts");
  }
}
