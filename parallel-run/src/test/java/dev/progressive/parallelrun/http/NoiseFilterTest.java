package dev.progressive.parallelrun.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The noise filter's decisions, with Diffy's formulas and default thresholds (20% relative, 0.03% absolute). */
class NoiseFilterTest {

  private final NoiseFilter filter = NoiseFilter.DEFAULTS;

  @Test
  void aFieldThatDiffersAsOftenBetweenTheTwoOldCopiesIsNoise() {
    assertThat(filter.isRealDifference(100, 100, 100)).isFalse();
    assertThat(filter.isRealDifference(90, 100, 100)).isFalse();
  }

  @Test
  void aFieldThatOnlyTheCandidateChangesIsReal() {
    assertThat(filter.isRealDifference(100, 0, 100)).isTrue();
    assertThat(filter.isRealDifference(1, 0, 1)).isTrue();
  }

  @Test
  void theRelativeThresholdMustBeExceeded() {
    // |60 - 40| / 100 = 20%: not above 20%.
    assertThat(NoiseFilter.relativeDifference(60, 40)).isEqualTo(20.0);
    assertThat(filter.isRealDifference(60, 40, 100)).isFalse();
    // |61 - 40| / 101 = 20.8%.
    assertThat(filter.isRealDifference(61, 40, 100)).isTrue();
  }

  @Test
  void theAbsoluteThresholdMustBeExceeded() {
    // One extra difference in 10,000 requests is 0.01% of the traffic: below 0.03%.
    assertThat(NoiseFilter.absoluteDifference(1, 0, 10_000)).isEqualTo(0.01);
    assertThat(filter.isRealDifference(1, 0, 10_000)).isFalse();
    // Four in 10,000 is 0.04%.
    assertThat(filter.isRealDifference(4, 0, 10_000)).isTrue();
  }

  @Test
  void customThresholdsReplaceTheDefaults() {
    NoiseFilter strict = new NoiseFilter(50.0, 1.0);
    assertThat(strict.isRealDifference(61, 40, 100)).isFalse();
    assertThat(strict.isRealDifference(80, 10, 100)).isTrue();
    assertThatThrownBy(() -> new NoiseFilter(-1, 0)).hasMessageContaining("relativeThresholdPercent");
  }
}
