package dev.progressive.canary.internal;

import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.Metric;
import dev.progressive.canary.MetricSource;
import dev.progressive.canary.Verdict.Result;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How long a step needs to pass a canary as good as the baseline at a given fleet traffic, by the judge's own
 * error-rate check on windows of the expected counts: what {@code CanaryRelease.build()} uses to refuse a step that
 * would time out before it could decide.
 *
 * <p>For the error rate it searches the canary requests at which the metric is shown within its pass margin, once on
 * exactly the expected errors (the figure of the table in docs/canary-judge.md) and once on an unlucky window, whose
 * rate ratio lies 2.33 standard errors above 1 (so that 99 equal canaries in 100 pass by then). For the latency
 * metrics it counts only the latencies per side without which they cannot be judged at all: how soon they pass
 * depends on the shape of the latencies, which the release does not know.
 */
public final class StepSizing {

  /** The normal quantile of 0.99: the unlucky window is this many standard errors worse than the expected one. */
  static final double UNLUCKY_Z = 2.326;
  private static final long MAX_REQUESTS = 1L << 40;

  private StepSizing() {}

  /**
   * What one step needs.
   *
   * @param metric the metric that needs the longest, or empty when the step's minimums decide
   * @param expectedRequests for the error rate, the canary requests at which the expected counts pass; for the
   *     latency metrics and the minimums, the requests per side needed; {@link Long#MAX_VALUE} when never
   * @param reliableRequests the same, for 99 equal canaries in 100 (the error rate's unlucky window)
   * @param canarySide whether the counts are the canary's requests (else per side, counted on the smaller side)
   * @param time how long the step needs at the traffic, at least its minimum duration; null when never
   */
  public record Need(Optional<Metric> metric, long expectedRequests, long reliableRequests, boolean canarySide,
      Duration time) {}

  /**
   * Why a release cannot decide at the expected traffic, or empty when every step can: a step that needs, to pass
   * 99 equal canaries in 100, longer than its minimum duration plus {@code maxInconclusive} is named with the metric,
   * the requests it needs, the time they take and what to change.
   */
  public static Optional<String> refusal(String canary, List<CanaryRelease.Step> steps, List<Metric> metrics,
      double alphaPerMetric, Duration maxInconclusive, double perSecond, double errorRate) {
    for (int i = 0; i < steps.size(); i++) {
      CanaryRelease.Step step = steps.get(i);
      double share = step.weight() / (double) CanaryRelease.BUCKETS;
      Need need = need(metrics, alphaPerMetric, share, step.minDuration(), step.minRequestsPerSide(), perSecond,
          errorRate);
      Duration limit = step.minDuration().plus(maxInconclusive);
      if (need.time() != null && need.time().compareTo(limit) <= 0) {
        continue;
      }
      StringBuilder why = new StringBuilder("canary '").append(canary).append("': step ").append(i + 1)
          .append(" (").append(step.percent()).append("%) cannot decide before it times out at the expected "
              + "traffic: with ").append(Words.num(perSecond)).append(" requests/s for the fleet it has ")
          .append(Words.num(perSecond * share)).append(" canary requests/s, and ");
      String what = need.metric().map(Metric::name).orElse("the step's minimum requests");
      if (need.metric().isPresent() && need.metric().get().kind() == Metric.Kind.ERROR_RATE) {
        Metric m = need.metric().get();
        why.append("an equal canary's error rate (baseline ").append(Words.rate(errorRate)).append(") is shown within ")
            .append(Words.signed(m.passMargin())).append(" after about ").append(count(need.expectedRequests()))
            .append(" canary requests, ").append(count(need.reliableRequests()))
            .append(" for 99 equal canaries in 100");
      } else if (need.metric().isPresent()) {
        why.append("the ").append(what).append(" needs at least ").append(count(need.reliableRequests()))
            .append(" latencies per side before it can be judged at all");
      } else {
        why.append("the step asks for ").append(count(need.reliableRequests())).append(" requests per side");
      }
      why.append(": ").append(need.time() == null ? "never" : Words.roughDuration(need.time().toSeconds()))
          .append(", but the step times out after ").append(Words.roughDuration(limit.toSeconds()))
          .append(" (minDuration ").append(Words.roughDuration(step.minDuration().toSeconds()))
          .append(" + maxInconclusive ").append(Words.roughDuration(maxInconclusive.toSeconds())).append("). ");
      if (need.time() != null) {
        why.append("Lengthen maxInconclusive to at least ")
            .append(Words.roughDuration(need.time().minus(step.minDuration()).toSeconds())).append(", ");
      }
      why.append("start at a larger step");
      if (need.metric().isPresent() && need.metric().get().kind() == Metric.Kind.ERROR_RATE) {
        why.append(", or widen the error rate's pass margin");
      } else if (need.metric().isEmpty()) {
        why.append(", or ask for fewer requests per side");
      }
      why.append(" (docs/canary-judge.md, \"How many requests a step needs\")");
      return Optional.of(why.toString());
    }
    return Optional.empty();
  }

  private static String count(long n) {
    return n == Long.MAX_VALUE ? "more than 2^40" : String.format(Locale.ROOT, "%,d", n);
  }

  /**
   * What a step of {@code share} (in (0, 1)) needs to pass an equal canary at {@code perSecond} requests a second
   * for the whole fleet and a baseline error rate of {@code errorRate}.
   */
  public static Need need(List<Metric> metrics, double alphaPerMetric, double share, Duration minDuration,
      long minRequestsPerSide, double perSecond, double errorRate) {
    double canaryPerSecond = perSecond * share;
    double smallerPerSecond = perSecond * Math.min(share, 1 - share);
    Duration minimums = seconds(minRequestsPerSide, smallerPerSecond);
    Need worst = new Need(Optional.empty(), minRequestsPerSide, minRequestsPerSide, false,
        minimums == null ? null : max(minDuration, minimums));
    if (worst.time() == null) {
      return worst;
    }
    for (Metric metric : metrics) {
      if (!metric.critical()) {
        continue;
      }
      Need need;
      if (metric.kind() == Metric.Kind.ERROR_RATE) {
        long expected = canaryRequestsToPass(metric, alphaPerMetric, share, errorRate, 0);
        long reliable = canaryRequestsToPass(metric, alphaPerMetric, share, errorRate, UNLUCKY_Z);
        Duration t = seconds(reliable, canaryPerSecond);
        need = new Need(Optional.of(metric), expected, reliable, true, t == null ? null : max(minDuration, t));
      } else {
        long perSide = StatisticalJudge.minimumSamples(metric, alphaPerMetric);
        Duration t = seconds(perSide, smallerPerSecond);
        need = new Need(Optional.of(metric), perSide, perSide, false, t == null ? null : max(minDuration, t));
      }
      if (need.time() == null) {
        return need;
      }
      if (need.time().compareTo(worst.time()) > 0) {
        worst = need;
      }
    }
    return worst;
  }

  /**
   * The canary requests at which an error-rate metric is first shown within its pass margin, at a canary share
   * {@code share} of the requests and a baseline error rate {@code errorRate}: with {@code z} = 0 on exactly the
   * expected errors of an equal canary, and with {@code z} > 0 on a window whose canary errors lie z standard errors
   * of the rate ratio above them. {@link Long#MAX_VALUE} when it is never shown (beyond 2^40 requests).
   */
  public static long canaryRequestsToPass(Metric metric, double alpha, double share, double errorRate, double z) {
    long lo = 1;
    long hi = 16;
    while (!passes(metric, alpha, share, errorRate, z, hi)) {
      lo = hi;
      hi *= 2;
      if (hi > MAX_REQUESTS) {
        return Long.MAX_VALUE;
      }
    }
    while (hi - lo > Math.max(1, lo / 500)) {
      long mid = (lo + hi) >>> 1;
      if (passes(metric, alpha, share, errorRate, z, mid)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  private static boolean passes(Metric metric, double alpha, double share, double errorRate, double z, long canary) {
    long baseline = Math.max(1, Math.round(canary * (1 - share) / share));
    double expectedCanary = canary * errorRate;
    double expectedBaseline = baseline * errorRate;
    double canaryErrors = expectedCanary;
    if (z > 0 && expectedCanary > 0) {
      // the standard error of the log rate ratio is sqrt(1/ec + 1/eb)
      canaryErrors = expectedCanary * (1 + z * Math.sqrt(1 / expectedCanary + 1 / Math.max(expectedBaseline, 1e-9)));
    }
    long ec = Math.min(canary, Math.round(canaryErrors));
    long eb = Math.min(baseline, Math.round(expectedBaseline));
    MetricSource.Window w = new MetricSource.Window(new MetricSource.Side(baseline, eb, new double[0]),
        new MetricSource.Side(canary, ec, new double[0]));
    return ErrorRateCheck.assess(metric, w, alpha).result().result() == Result.PASS;
  }

  private static Duration seconds(long requests, double perSecond) {
    if (requests == Long.MAX_VALUE || perSecond <= 0) {
      return null;
    }
    double s = requests / perSecond;
    return s > 1e12 ? null : Duration.ofMillis((long) Math.ceil(s * 1000));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
