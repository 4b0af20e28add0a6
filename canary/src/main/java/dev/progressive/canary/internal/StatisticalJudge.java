package dev.progressive.canary.internal;

import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Metric;
import dev.progressive.canary.MetricSource;
import dev.progressive.canary.Verdict;
import dev.progressive.canary.Verdict.MetricResult;
import dev.progressive.canary.Verdict.Result;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The default judge: for every metric, an always-valid confidence interval of the canary's relative change, which
 * FAILs the metric when it lies beyond the allowed change and PASSes it when it lies within the pass margin.
 *
 * <p>Each metric gets an equal share of the release's alpha: the chance that its interval ever misses the truth, at
 * any look of the step. So a canary as good as the baseline fails a step with chance at most alpha, and one worse
 * than a metric's pass margin passes it with chance at most that metric's share. The intervals are confidence
 * sequences ({@link ConfidenceSequence}), valid at every look at once, so looking every interval spends nothing and no
 * look is left without power. They depend only on the look's window: the judge keeps no state, and one instance may
 * judge any number of canaries and steps, from any number of threads.
 *
 * <ul>
 *   <li>Error rate: {@link ErrorRateCheck}; latency (shift): {@link LatencyShiftCheck}; latency quantile:
 *       {@link QuantileCheck}.</li>
 *   <li>The verdict FAILs when a critical metric fails, or at least half of the metrics do. It PASSes when the step
 *       has its minimum duration and requests per side and every critical metric passed. Otherwise it is
 *       INCONCLUSIVE and says roughly how many more requests per side would decide.</li>
 * </ul>
 */
public final class StatisticalJudge implements Judge {

  @Override
  public Verdict judge(Look look) {
    CanaryRelease release = look.release();
    List<Metric> metrics = release.metrics();
    double alpha = alphaPerMetric(release);
    MetricSource.Window window = look.window();
    double[] baselineSorted = null;
    double[] canarySorted = null;
    List<Assessment> assessments = new ArrayList<>(metrics.size());
    for (Metric metric : metrics) {
      if (metric.kind() != Metric.Kind.ERROR_RATE && baselineSorted == null) {
        baselineSorted = sortedLogs(window.baseline().latenciesMillis());
        canarySorted = sortedLogs(window.canary().latenciesMillis());
      }
      boolean full = sampleFull(window.baseline()) || sampleFull(window.canary());
      Assessment a = switch (metric.kind()) {
        case ERROR_RATE -> ErrorRateCheck.assess(metric, window, alpha);
        case LATENCY -> noted(LatencyShiftCheck.assess(metric, baselineSorted, canarySorted, alpha, full),
            window.latencyNote());
        case LATENCY_QUANTILE -> noted(QuantileCheck.assess(metric, baselineSorted, canarySorted, alpha, full),
            window.latencyNote());
      };
      assessments.add(a);
    }
    return VerdictWords.combine(look, assessments);
  }

  /** Each metric's share of the release's alpha. */
  public static double alphaPerMetric(CanaryRelease release) {
    return release.alpha() / release.metrics().size();
  }

  /**
   * The fewest requests per side with which a metric can ever pass or fail at this alpha: 1 for the error rate,
   * {@value LatencyShiftCheck#MIN_SAMPLES} latencies for the latency shift, and for a quantile q the count at which
   * its confidence sequence first bounds it (about 10 / (1 - q) at the default alpha).
   */
  public static long minimumSamples(Metric metric, double alpha) {
    return switch (metric.kind()) {
      case ERROR_RATE -> 1;
      case LATENCY -> LatencyShiftCheck.MIN_SAMPLES;
      case LATENCY_QUANTILE -> QuantileCheck.needed(metric.quantile(), alpha);
    };
  }

  /** The assessment with the source's note on its latencies (e.g. that they come from histogram buckets). */
  private static Assessment noted(Assessment a, String note) {
    if (note.isEmpty()) {
      return a;
    }
    MetricResult r = a.result();
    return new Assessment(new MetricResult(r.metric(), r.result(), r.baseline(), r.canary(), r.relativeChange(),
        r.ciLow(), r.ciHigh(), r.statistic(), r.threshold(), r.reason() + " [" + note + "]"), a.growth(),
        a.sampleFull());
  }

  /** Whether a side's latencies are a capped sample of its requests: more requests will not make it larger. */
  private static boolean sampleFull(MetricSource.Side side) {
    return side.latenciesMillis().length > 0 && side.latenciesMillis().length < side.requests();
  }

  private static double[] sortedLogs(double[] millis) {
    double[] logs = new double[millis.length];
    for (int i = 0; i < millis.length; i++) {
      logs[i] = Math.log(Math.max(millis[i], 1e-6));
    }
    Arrays.sort(logs);
    return logs;
  }
}
