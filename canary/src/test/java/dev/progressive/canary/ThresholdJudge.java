package dev.progressive.canary;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The reference: a Flagger-style judge with absolute thresholds and no baseline. At every interval it checks the
 * canary's success rate over that interval (at least 99%) and its p99 latency (at most a fixed bound); a step passes
 * when its duration is over and the last check passed, and the canary is rolled back after {@code threshold} failed
 * checks, as Flagger's {@code analysis.threshold}.
 */
final class ThresholdJudge implements Judge {

  private final double minSuccessRate;
  private final double maxP99Millis;
  private final int threshold;
  private int failedChecks;
  private Instant windowStart;
  private long lastRequests;
  private long lastErrors;

  ThresholdJudge(double minSuccessRate, double maxP99Millis, int threshold) {
    this.minSuccessRate = minSuccessRate;
    this.maxP99Millis = maxP99Millis;
    this.threshold = threshold;
  }

  /** Flagger's defaults in its docs: success rate 99%, threshold 5; p99 at most 500 ms. */
  static ThresholdJudge flaggerStyle() {
    return new ThresholdJudge(0.99, 500, 5);
  }

  /** The same with the success rate lowered to 98%, as a team would after false alarms at 99%. */
  static ThresholdJudge flaggerStyleLoose() {
    return new ThresholdJudge(0.98, 500, 5);
  }

  @Override
  public Verdict judge(Look look) {
    if (!look.stepStartedAt().equals(windowStart)) {
      windowStart = look.stepStartedAt();
      lastRequests = 0;
      lastErrors = 0;
    }
    MetricSource.Side canary = look.window().canary();
    long requests = canary.requests() - lastRequests;
    long errors = canary.errors() - lastErrors;
    lastRequests = canary.requests();
    lastErrors = canary.errors();
    double[] sorted = canary.latenciesMillis().clone();
    Arrays.sort(sorted);
    double p99 = sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1)];
    double success = requests == 0 ? 1 : 1 - (double) errors / requests;
    boolean ok = requests > 0 && success >= minSuccessRate && p99 <= maxP99Millis;
    String summary = String.format(Locale.ROOT, "success rate %.2f%%, p99 %.0f ms over %d requests", success * 100,
        p99, requests);
    Verdict.Result result;
    if (!ok && requests > 0) {
      failedChecks++;
      result = failedChecks >= threshold ? Verdict.Result.FAIL : Verdict.Result.INCONCLUSIVE;
    } else if (ok && look.elapsed().compareTo(look.step().minDuration()) >= 0) {
      result = Verdict.Result.PASS;
    } else {
      result = Verdict.Result.INCONCLUSIVE;
    }
    return new Verdict(result, List.of(), look.window().baseline().requests(), canary.requests(),
        result + ": " + summary + ", failed checks " + failedChecks, look.now());
  }
}
