package dev.progressive.canary.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The confidence sequences hold at every look at once, where intervals of a fixed level repeated at every look do not. */
class ConfidenceSequenceTest {

  @Test
  void aProportionsBoundsMissTheTruthAtAnyLookWithinAlpha() {
    double alpha = 0.05;
    double theta = 0.1;
    SplittableRandom random = new SplittableRandom(5);
    int streams = 1_000;
    int missed = 0;
    int naiveMissed = 0;
    for (int s = 0; s < streams; s++) {
      long k = 0;
      boolean miss = false;
      boolean naiveMiss = false;
      for (int n = 1; n <= 5_000; n++) {
        k += random.nextDouble() < theta ? 1 : 0;
        if (n % 50 == 0) {
          double[] b = ConfidenceSequence.proportion(k, n, theta, alpha);
          miss |= theta < b[0] || theta > b[1];
          double p = (double) k / n;
          double half = 1.959964 * Math.sqrt(p * (1 - p) / n);
          naiveMiss |= theta < p - half || theta > p + half;
        }
      }
      missed += miss ? 1 : 0;
      naiveMissed += naiveMiss ? 1 : 0;
    }
    assertThat((double) missed / streams).isLessThanOrEqualTo(alpha);
    assertThat((double) naiveMissed / streams).as("a 95% interval looked at 100 times").isGreaterThan(3 * alpha);
  }

  @Test
  void quantileRanksHoldTheTrueQuantileAtEveryLook() {
    double alpha = 0.05;
    double q = 0.99;
    SplittableRandom random = new SplittableRandom(9);
    int streams = 1_000;
    int missed = 0;
    for (int s = 0; s < streams; s++) {
      long atOrBelow = 0;
      boolean miss = false;
      for (int n = 1; n <= 20_000; n++) {
        atOrBelow += random.nextDouble() <= q ? 1 : 0;
        if (n % 200 == 0) {
          long[] ranks = ConfidenceSequence.quantileRanks(n, q, alpha);
          // the true quantile is at least X(low) when atOrBelow >= low, and below X(high) when atOrBelow < high
          miss |= atOrBelow < ranks[0] || atOrBelow >= ranks[1];
        }
      }
      missed += miss ? 1 : 0;
    }
    assertThat((double) missed / streams).isLessThanOrEqualTo(alpha);
  }

  @Test
  void aP99NeedsAboutTenOverOneMinusQLatenciesAtTheDefaultAlpha() {
    long needed = ConfidenceSequence.observationsToBoundQuantile(0.99, 0.005 / 3 / 2);
    assertThat(needed).isBetween(800L, 1_000L);
    long[] justEnough = ConfidenceSequence.quantileRanks(needed, 0.99, 0.005 / 3 / 2);
    assertThat(justEnough[0]).isGreaterThanOrEqualTo(1);
    assertThat(justEnough[1]).isLessThanOrEqualTo(needed);
    assertThat(ConfidenceSequence.quantileRanks(needed - 1, 0.99, 0.005 / 3 / 2)[1]).isGreaterThan(needed - 1);
  }

  @Test
  void theAlwaysValidMultiplierIsWiderThanAFixedZAndGrowsSlowly() {
    double at1000 = ConfidenceSequence.normalMultiplier(1_000, 0.05);
    double at100000 = ConfidenceSequence.normalMultiplier(100_000, 0.05);
    assertThat(at1000).isGreaterThan(1.96);
    assertThat(at100000).isGreaterThan(at1000).isLessThan(2 * at1000);
  }
}
