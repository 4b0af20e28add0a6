package dev.progressive.canary;

import dev.progressive.canary.internal.StatisticalJudge;
import dev.progressive.canary.internal.StepSizing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The definition of a canary release: its name, its schedule of weights with each step's minimum duration and
 * minimum requests per side, the metrics the judge compares, and how long a step may stay inconclusive. Immutable.
 *
 * <pre>{@code
 * CanaryRelease release = CanaryRelease.builder("pricing")
 *     .step(5, Duration.ofMinutes(10), 2_000)
 *     .step(25, Duration.ofMinutes(10), 5_000)
 *     .step(50, Duration.ofMinutes(10), 10_000)
 *     .metric(Metric.errorRate().allowedChange(0.10))      // fails above +10%, passes when shown within +50%
 *     .metric(Metric.latencyQuantile(0.99).allowedChange(0.10))
 *     .maxInconclusive(Duration.ofMinutes(30))
 *     .build();
 * }</pre>
 *
 * <p>A step passes only when every critical metric is shown within its pass margin, which takes more requests than
 * the step's minimum when errors are rare: showing an error rate of 0.5% within +50% takes about 15,000 canary
 * requests at a 5% step (docs/canary-judge.md has the table). The minimums are where judging starts, not where it
 * ends: with fewer requests per side than a metric can ever be judged on (a p99 needs about 1,000 at the default
 * alpha), {@link Builder#build()} refuses the step.
 *
 * <p>Passing the last step promotes the canary to 100%. The canary lives in the toggles store as the flag
 * {@code canary.<name>}.
 */
public final class CanaryRelease {

  /** Routing uses this many buckets: a weight is kept in basis points (1% = 100). */
  public static final int BUCKETS = 10_000;

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  private final String name;
  private final List<Step> steps;
  private final List<Metric> metrics;
  private final Duration maxInconclusive;
  private final InconclusiveTimeout inconclusiveTimeout;
  private final Duration analysisInterval;
  private final double alpha;
  private final int latencySamples;
  private final boolean dryRun;

  /**
   * One step of the schedule.
   *
   * @param weight the share of keys sent to the canary, in basis points (1% = 100), in (0, 10,000)
   * @param minDuration how long the step lasts at least before it can pass
   * @param minRequestsPerSide how many requests each side must have served in the step before it can pass
   */
  public record Step(int weight, Duration minDuration, long minRequestsPerSide) {
    public Step {
      if (weight <= 0 || weight >= BUCKETS) {
        throw new IllegalArgumentException("a step's weight must be above 0% and below 100%, was "
            + weight / 100.0 + "%");
      }
      Objects.requireNonNull(minDuration, "minDuration");
      if (minDuration.isNegative()) {
        throw new IllegalArgumentException("minDuration must not be negative, was " + minDuration);
      }
      if (minRequestsPerSide < 1) {
        throw new IllegalArgumentException("minRequestsPerSide must be at least 1, was " + minRequestsPerSide);
      }
    }

    /** The weight as a percentage. */
    public double percent() {
      return weight / 100.0;
    }
  }

  private CanaryRelease(Builder b) {
    this.name = b.name;
    this.steps = List.copyOf(b.steps);
    this.metrics = List.copyOf(b.metrics);
    this.maxInconclusive = b.maxInconclusive;
    this.inconclusiveTimeout = b.inconclusiveTimeout;
    this.analysisInterval = b.analysisInterval;
    this.alpha = b.alpha;
    this.latencySamples = b.latencySamples;
    this.dryRun = b.dryRun;
  }

  /** Starts a definition; the name becomes the flag {@code canary.<name>}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** The key of the flag that holds this canary's live state. */
  public String flagKey() {
    return "canary." + name;
  }

  /** The steps, in order; passing the last one promotes to 100%. */
  public List<Step> steps() {
    return steps;
  }

  public List<Metric> metrics() {
    return metrics;
  }

  /** How long a step may stay inconclusive after its minimum duration before the canary is rolled back. */
  public Duration maxInconclusive() {
    return maxInconclusive;
  }

  /**
   * What the controller does when a step stays inconclusive past its minimum duration plus
   * {@link #maxInconclusive()}: roll back (the default) or wait for an operator.
   */
  public InconclusiveTimeout onInconclusiveTimeout() {
    return inconclusiveTimeout;
  }

  /** How often the controller judges the current step. */
  public Duration analysisInterval() {
    return analysisInterval;
  }

  /**
   * The error budget of one step, shared evenly by its metrics: the chance that a metric's always-valid interval
   * ever misses the truth in the step. It bounds both a false rollback of a canary as good as the baseline and a
   * pass of a canary worse than a metric's pass margin.
   */
  public double alpha() {
    return alpha;
  }

  /** How many latencies per side the judge keeps in a step (a uniform reservoir sample). */
  public int latencySamples() {
    return latencySamples;
  }

  /** Whether the controller only judges and reports, and never changes the weight by itself. */
  public boolean dryRun() {
    return dryRun;
  }

  @Override
  public String toString() {
    return "CanaryRelease[" + name + ", steps=" + steps + ", metrics=" + metrics + ", dryRun=" + dryRun + "]";
  }

  /** Builds a {@link CanaryRelease}; every setter checks its argument at once. */
  public static final class Builder {
    private final String name;
    private final List<Step> steps = new ArrayList<>();
    private final List<Metric> metrics = new ArrayList<>();
    private Duration maxInconclusive = Duration.ofMinutes(30);
    private InconclusiveTimeout inconclusiveTimeout = InconclusiveTimeout.ROLL_BACK;
    private Duration analysisInterval = Duration.ofMinutes(1);
    private double alpha = 0.005;
    private int latencySamples = 10_000;
    private boolean dryRun;
    private double expectedRequestsPerSecond = Double.NaN;
    private double expectedErrorRate = Double.NaN;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("a canary name is 1 to 100 of [a-z0-9._-], starting with a letter or "
            + "digit; was '" + name + "'");
      }
      this.name = name;
    }

    /**
     * Adds a step.
     *
     * @param percent the canary's share, in (0, 100), with at most two decimals; steps must increase
     * @param minDuration how long the step lasts at least
     * @param minRequestsPerSide how many requests each side must serve in the step before it can pass
     */
    public Builder step(double percent, Duration minDuration, long minRequestsPerSide) {
      if (!(percent > 0 && percent < 100)) {
        throw new IllegalArgumentException("a step's percent must be in (0, 100), was " + percent
            + " (passing the last step promotes to 100)");
      }
      int weight = (int) Math.round(percent * 100);
      if (Math.abs(weight - percent * 100) > 1e-6) {
        throw new IllegalArgumentException("a step's percent has at most two decimals, was " + percent);
      }
      if (!steps.isEmpty() && weight <= steps.get(steps.size() - 1).weight()) {
        throw new IllegalArgumentException("steps must increase: " + percent + "% after "
            + steps.get(steps.size() - 1).percent() + "%");
      }
      steps.add(new Step(weight, minDuration, minRequestsPerSide));
      return this;
    }

    /** Adds a metric to judge. Without any, the error rate, the latency and the p99 latency are judged. */
    public Builder metric(Metric metric) {
      metrics.add(Objects.requireNonNull(metric, "metric"));
      return this;
    }

    /** How long a step may stay inconclusive past its minimum duration; default 30 minutes. */
    public Builder maxInconclusive(Duration maxInconclusive) {
      Objects.requireNonNull(maxInconclusive, "maxInconclusive");
      if (maxInconclusive.isNegative()) {
        throw new IllegalArgumentException("maxInconclusive must not be negative, was " + maxInconclusive);
      }
      this.maxInconclusive = maxInconclusive;
      return this;
    }

    /**
     * What happens when a step stays inconclusive past its minimum duration plus {@link #maxInconclusive(Duration)}:
     * {@link InconclusiveTimeout#ROLL_BACK} (the default; without evidence, the baseline stays) or
     * {@link InconclusiveTimeout#WAIT_FOR_OPERATOR} (pause at the weight until a person promotes, resumes or aborts).
     */
    public Builder onInconclusiveTimeout(InconclusiveTimeout timeout) {
      this.inconclusiveTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How often the current step is judged; default 1 minute. */
    public Builder analysisInterval(Duration analysisInterval) {
      Objects.requireNonNull(analysisInterval, "analysisInterval");
      if (analysisInterval.isNegative() || analysisInterval.isZero()) {
        throw new IllegalArgumentException("analysisInterval must be positive, was " + analysisInterval);
      }
      this.analysisInterval = analysisInterval;
      return this;
    }

    /**
     * The error budget of one step, split evenly between the metrics; default 0.005. Each metric's always-valid
     * interval misses the truth with at most its share over all the looks of the step: that bounds false rollbacks,
     * and passes of a canary worse than the pass margin. A smaller alpha needs more requests to decide.
     */
    public Builder alpha(double alpha) {
      if (!(alpha > 0 && alpha < 0.5)) {
        throw new IllegalArgumentException("alpha must be in (0, 0.5), was " + alpha);
      }
      this.alpha = alpha;
      return this;
    }

    /**
     * How many latencies per side are kept per step for the latency tests; default 10,000. The latency intervals
     * stop narrowing once a side's sample is full: with 10,000 a p99 of log-normal latencies (sigma 0.5) can be shown
     * within about +20%, with 2,000 only within about +55%.
     */
    public Builder latencySamples(int latencySamples) {
      if (latencySamples < 100 || latencySamples > 1_000_000) {
        throw new IllegalArgumentException("latencySamples must be in [100, 1,000,000], was " + latencySamples);
      }
      this.latencySamples = latencySamples;
      return this;
    }

    /**
     * The traffic the release expects, so that {@link #build()} can refuse a step that would time out before it
     * could pass a canary as good as the baseline. {@code requestsPerSecond} is the whole fleet's (all instances,
     * both sides; the canary gets its step's share), {@code errorRate} the baseline's usual error rate (0.005 for
     * 0.5%). With it, {@code build()} computes with the judge itself how many canary requests an equal canary needs
     * before its error rate is shown within the pass margin (in 99 rollouts of 100), and how many latencies per side
     * the latency metrics need before they can be judged at all, and refuses a step that cannot have them within its
     * minimum duration plus {@link #maxInconclusive(Duration)}. How soon the latency metrics pass depends on the
     * shape of the latencies and is not checked. Default: not given, no such check.
     */
    public Builder expectedTraffic(double requestsPerSecond, double errorRate) {
      if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
        throw new IllegalArgumentException("the expected traffic must be above 0 requests/s, was "
            + requestsPerSecond);
      }
      if (!(errorRate >= 0 && errorRate < 1)) {
        throw new IllegalArgumentException("the expected error rate must be in [0, 1), e.g. 0.005 for 0.5%, was "
            + errorRate);
      }
      this.expectedRequestsPerSecond = requestsPerSecond;
      this.expectedErrorRate = errorRate;
      return this;
    }

    /** Whether to judge and report only, never changing the weight automatically; default false. */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /**
     * Builds the definition. It needs at least one step, and every step must be able to decide every metric added
     * with {@link #metric(Metric)}: a step whose minimum requests per side are fewer than such a metric can ever be
     * judged on (a latency quantile q needs its confidence sequence to bound it, about 10 / (1 - q) latencies at the
     * default alpha) is refused with the step and the metric named, and so is a latency sample too small for any
     * metric. Without metrics, the error rate, the latency and the p99 latency are judged, and a step with fewer
     * requests than the p99 needs waits for them before it can pass. With {@link #expectedTraffic(double, double)},
     * a step that would time out before it could pass an equal canary at that traffic is refused too, with the step,
     * the metric, the requests it needs and the time they take.
     */
    public CanaryRelease build() {
      if (steps.isEmpty()) {
        throw new IllegalStateException("canary '" + name + "' needs at least one step");
      }
      boolean defaults = metrics.isEmpty();
      List<Metric> judged = defaults
          ? List.of(Metric.errorRate(), Metric.latency(), Metric.latencyQuantile(0.99)) : metrics;
      double alphaPerMetric = alpha / judged.size();
      for (Metric metric : judged) {
        long needed = StatisticalJudge.minimumSamples(metric, alphaPerMetric);
        if (needed > latencySamples) {
          throw new IllegalStateException("canary '" + name + "': the " + metric.name() + " needs at least "
              + needed + " latencies per side to be judged at alpha " + alphaPerMetric + ", but latencySamples is "
              + latencySamples + ": raise latencySamples");
        }
        for (int i = 0; i < steps.size() && !defaults; i++) {
          Step step = steps.get(i);
          if (step.minRequestsPerSide() < needed) {
            throw new IllegalStateException("canary '" + name + "': step " + (i + 1) + " (" + step.percent()
                + "%) asks for " + step.minRequestsPerSide() + " requests per side, but the " + metric.name()
                + " can be neither shown within its margin nor beyond its allowed change with fewer than " + needed
                + " (at alpha " + alphaPerMetric + "): raise the step's minimum requests to at least " + needed);
          }
        }
      }
      if (!Double.isNaN(expectedRequestsPerSecond)) {
        StepSizing.refusal(name, steps, judged, alphaPerMetric, maxInconclusive, expectedRequestsPerSecond,
            expectedErrorRate).ifPresent(why -> {
              throw new IllegalStateException(why);
            });
      }
      if (defaults) {
        metrics.addAll(judged);
      }
      return new CanaryRelease(this);
    }
  }
}
