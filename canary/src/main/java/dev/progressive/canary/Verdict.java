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
 * @param moreRequestsPerSide for an INCONCLUSIVE verdict, roughly how many more requests per side the step needs
 *     before the undecided metrics can be shown within their margins or beyond their allowed change, if the data go
 *     on as so far; -1 when not known or not applicable
 */
public record Verdict(Result result, List<MetricResult> metrics, long baselineRequests, long canaryRequests,
    String summary, Instant at, long moreRequestsPerSide) {

  /** The outcome of a verdict, or of one metric. */
  public enum Result {
    /** The step has its minimum data, and every critical metric is shown within its pass margin. */
    PASS,
    /** A regression beyond what is allowed is shown, with the step's false-alarm budget kept. */
    FAIL,
    /** Neither shown yet: hold the weight and keep collecting. */
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
    if (moreRequestsPerSide < -1) {
      throw new IllegalArgumentException("moreRequestsPerSide must be -1 or more, was " + moreRequestsPerSide);
    }
  }

  /** A verdict that says nothing about how many more requests are needed. */
  public Verdict(Result result, List<MetricResult> metrics, long baselineRequests, long canaryRequests,
      String summary, Instant at) {
    this(result, metrics, baselineRequests, canaryRequests, summary, at, -1);
  }

  /**
   * One metric's comparison.
   *
   * @param metric the metric
   * @param result this metric's outcome
   * @param baseline the baseline's value (error rate as a fraction, latencies in milliseconds), NaN without data
   * @param canary the canary's value, NaN without data
   * @param relativeChange (canary - baseline) / baseline, NaN when undefined
   * @param ciLow lower end of the always-valid confidence interval of the relative change (valid at every look of
   *     the step at once, with the metric's share of the release's alpha), NaN when there is none, -Infinity when it
   *     has no lower bound yet
   * @param ciHigh upper end of that interval, NaN when there is none, +Infinity when it has no upper bound yet
   * @param statistic the evidence of a regression beyond the allowed change: for the error rate, the mixture
   *     likelihood ratio against the allowed rate ratio (a FAIL when it reaches {@code threshold}); NaN for the
   *     latency metrics, whose interval says it all
   * @param threshold 1 / the metric's alpha: the evidence a FAIL needs
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
