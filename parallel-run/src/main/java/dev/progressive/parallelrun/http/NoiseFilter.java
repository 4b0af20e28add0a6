package dev.progressive.parallelrun.http;

/**
 * Decides whether a field's differences are real or noise, as Diffy does. For each endpoint and field, {@code raw}
 * counts the requests where primary and candidate differed there, and {@code noise} those where primary and
 * secondary (two copies of the old version) differed there. A field is a real difference only when
 * {@code raw > noise}, and both
 * <ul>
 *   <li>the relative difference {@code |raw - noise| / (raw + noise) × 100} exceeds the relative threshold (20% by
 *   default), and</li>
 *   <li>the absolute difference {@code |raw - noise| / total × 100} exceeds the absolute threshold (0.03% by
 *   default), where {@code total} is the number of requests compared on the endpoint.</li>
 * </ul>
 *
 * @param relativeThresholdPercent the relative threshold, in percent
 * @param absoluteThresholdPercent the absolute threshold, in percent
 */
public record NoiseFilter(double relativeThresholdPercent, double absoluteThresholdPercent) {

  /** Diffy's defaults: 20% relative, 0.03% absolute. */
  public static final NoiseFilter DEFAULTS = new NoiseFilter(20.0, 0.03);

  /** Checks the thresholds. */
  public NoiseFilter {
    if (!(relativeThresholdPercent >= 0 && relativeThresholdPercent <= 100)) {
      throw new IllegalArgumentException("relativeThresholdPercent must be between 0 and 100, was "
          + relativeThresholdPercent);
    }
    if (!(absoluteThresholdPercent >= 0 && absoluteThresholdPercent <= 100)) {
      throw new IllegalArgumentException("absoluteThresholdPercent must be between 0 and 100, was "
          + absoluteThresholdPercent);
    }
  }

  /**
   * The relative difference, in percent.
   *
   * @param raw primary-vs-candidate differences
   * @param noise primary-vs-secondary differences
   * @return {@code |raw - noise| / (raw + noise) × 100}, or 0 when both are 0
   */
  public static double relativeDifference(long raw, long noise) {
    return raw + noise == 0 ? 0.0 : 100.0 * Math.abs(raw - noise) / (raw + noise);
  }

  /**
   * The absolute difference, in percent.
   *
   * @param raw primary-vs-candidate differences
   * @param noise primary-vs-secondary differences
   * @param total requests compared on the endpoint
   * @return {@code |raw - noise| / total × 100}, or 0 when nothing was compared
   */
  public static double absoluteDifference(long raw, long noise, long total) {
    return total == 0 ? 0.0 : 100.0 * Math.abs(raw - noise) / total;
  }

  /**
   * Whether a field's differences are real, not noise.
   *
   * @param raw primary-vs-candidate differences at the field
   * @param noise primary-vs-secondary differences at the field
   * @param total requests compared on the endpoint
   * @return the decision
   */
  public boolean isRealDifference(long raw, long noise, long total) {
    return raw > noise
        && relativeDifference(raw, noise) > relativeThresholdPercent
        && absoluteDifference(raw, noise, total) > absoluteThresholdPercent;
  }
}
