package dev.progressive.canary;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the judge concluded about one step at one look, with every metric's statistics and a summary in plain words.
 *
 * @param result PASS, FAIL or INCONCLUSIVE
 * @param metrics one result per judged metric, in the release's order
 * @param baselineRequests requests the baseline served in the window
 * @param canaryRequests requests the canary served in the window
 * @param summary why, in plain words
 * @param at when the judge looked
 */
public record Verdict(Result result, List<MetricResult> metrics, long baselineRequests, long canaryRequests,
    String summary, Instant at) {

  /** The outcome of a verdict, or of one metric. */
  public enum Result {
    /** Enough data, and no regression beyond what is allowed. */
    PASS,
    /** A regression beyond what is allowed, with the step's false-alarm budget kept. */
    FAIL,
    /** Too little data to conclude. */
    INCONCLUSIVE;

    /** The lowercase name used in meter tags: {@code pass}, {@code fail} or {@code inconclusive}. */
    public String tag() {
      return switch (this) {
        case PASS -> "pass";
        case FAIL -> "fail";
        case INCONCLUSIVE -> "inconclusive";
      };
    }
  }

  public Verdict {
    Objects.requireNonNull(result, "result");
    metrics = List.copyOf(metrics);
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(at, "at");
  }

  /**
   * One metric's comparison.
   *
   * @param metric the metric
   * @param result this metric's outcome
   * @param baseline the baseline's value (error rate as a fraction, latencies in milliseconds), NaN without data
   * @param canary the canary's value, NaN without data
   * @param relativeChange (canary - baseline) / baseline, NaN when undefined
   * @param ciLow lower end of the confidence interval of the relative change, NaN when there is none
   * @param ciHigh upper end of the confidence interval of the relative change, NaN when there is none
   * @param statistic the test's statistic: the mixture likelihood ratio (error rate), the p-value (latency) or NaN
   * @param threshold the value the statistic was compared with at this look
   * @param reason what this means, in plain words
   */
  public record MetricResult(Metric metric, Result result, double baseline, double canary, double relativeChange,
      double ciLow, double ciHigh, double statistic, double threshold, String reason) {
    public MetricResult {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
