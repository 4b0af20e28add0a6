package dev.progressive.canary;

import java.util.Objects;

/**
 * One metric that the judge compares between canary and baseline, with the direction that is worse, the relative
 * change allowed in that direction, the pass margin, and whether its failure fails the verdict alone.
 *
 * <p>The judge keeps an always-valid confidence interval of the relative change (canary / baseline - 1). The metric
 * <b>fails</b> when the interval lies wholly beyond {@code allowedChange}: a regression is shown. It <b>passes</b>
 * only when the interval lies wholly within the {@linkplain #passMargin() pass margin}: the canary is shown to be no
 * worse than that. In between (the indifference zone, or an interval still too wide) it is inconclusive, and the
 * step holds and keeps collecting. The margin is at least {@code allowedChange}; the wider it is, the fewer requests
 * a step needs to pass (docs/canary-judge.md gives the figures).
 *
 * <pre>{@code
 * Metric.errorRate().allowedChange(0.10)                 // fails above +10%, passes when shown within +50%
 * Metric.errorRate().allowedChange(0.10).passMargin(0.25) // passes only when shown within +25%: more requests
 * Metric.latency().allowedChange(0.05)
 * Metric.latencyQuantile(0.99).allowedChange(0.10)
 * }</pre>
 *
 * @param kind what is measured
 * @param quantile the quantile for {@link Kind#LATENCY_QUANTILE}, in (0, 1); NaN for the other kinds
 * @param direction which direction is a regression
 * @param allowedChange the relative change allowed in the worse direction, e.g. 0.10 for 10%; at least 0
 * @param critical whether a failure of this metric fails the verdict on its own
 * @param passMargin the relative change the canary must be shown within to pass, at least {@code allowedChange};
 *     NaN for the default derived from {@code allowedChange} (see {@link #passMargin()})
 * @param negligibleRate for {@link Kind#ERROR_RATE} only: a canary whose own error rate is shown below this passes
 *     the metric whatever the baseline's rate (a relative change of near-zero rates cannot be shown); in [0, 0.1];
 *     NaN for the other kinds
 */
public record Metric(Kind kind, double quantile, Direction direction, double allowedChange, boolean critical,
    double passMargin, double negligibleRate) {

  /**
   * How far beyond {@code allowedChange} the default pass margin lies: 40 percentage points for a higher-is-worse
   * metric, and 40% of the way from {@code allowedChange} to -100% for a lower-is-worse one.
   */
  public static final double DEFAULT_MARGIN_WIDENING = 0.40;

  /** The default {@link #negligibleRate()} of the error rate: 0.1%, one request in a thousand. */
  public static final double DEFAULT_NEGLIGIBLE_ERROR_RATE = 0.001;

  /** What a metric measures. */
  public enum Kind {
    /** The share of requests whose outcome is {@link CallOutcome#ERROR}, by a confidence sequence of the rate ratio. */
    ERROR_RATE,
    /** The whole latency distribution: its shift, by an always-valid interval from the Mann-Whitney rank sum. */
    LATENCY,
    /** One high latency quantile (p95, p99), by distribution-free confidence sequences of each side's quantile. */
    LATENCY_QUANTILE
  }

  /** Which direction of change is a regression. */
  public enum Direction {
    /** Higher values are worse (errors, latency). */
    HIGHER_IS_WORSE,
    /** Lower values are worse. */
    LOWER_IS_WORSE
  }

  public Metric {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(direction, "direction");
    if (kind == Kind.LATENCY_QUANTILE && !(quantile > 0 && quantile < 1)) {
      throw new IllegalArgumentException("a latency quantile must be in (0, 1), was " + quantile);
    }
    if (!(allowedChange >= 0) || allowedChange > 10) {
      throw new IllegalArgumentException("allowedChange must be in [0, 10] (a relative change), was " + allowedChange);
    }
    if (direction == Direction.LOWER_IS_WORSE && !(allowedChange < 1)) {
      throw new IllegalArgumentException("a lower-is-worse metric's allowedChange must be below 1 (-100%), was "
          + allowedChange);
    }
    if (!Double.isNaN(passMargin)) {
      if (!(passMargin >= allowedChange)) {
        throw new IllegalArgumentException("the pass margin of " + kind.name().toLowerCase(java.util.Locale.ROOT)
            + " must be at least its allowedChange " + allowedChange + ", was " + passMargin);
      }
      if (passMargin > 10 || (direction == Direction.LOWER_IS_WORSE && !(passMargin < 1))) {
        throw new IllegalArgumentException("the pass margin must be in [allowedChange, 10], and below 1 for a "
            + "lower-is-worse metric; was " + passMargin);
      }
    }
    if (kind == Kind.ERROR_RATE) {
      if (!(negligibleRate >= 0 && negligibleRate <= 0.1)) {
        throw new IllegalArgumentException("negligibleRate must be in [0, 0.1], was " + negligibleRate);
      }
    } else {
      negligibleRate = Double.NaN;
    }
  }

  /**
   * A metric with the default pass margin and, for the error rate, the default negligible rate.
   *
   * @see #Metric(Kind, double, Direction, double, boolean, double, double)
   */
  public Metric(Kind kind, double quantile, Direction direction, double allowedChange, boolean critical) {
    this(kind, quantile, direction, allowedChange, critical, Double.NaN,
        kind == Kind.ERROR_RATE ? DEFAULT_NEGLIGIBLE_ERROR_RATE : Double.NaN);
  }

  /**
   * The relative change the canary must be shown within to pass (a positive fraction, in the worse direction). Unless
   * set with {@link #passMargin(double)}, it is derived from {@code allowedChange}: {@code allowedChange + 0.40} when
   * higher is worse (10% allowed gives +50%), and {@code allowedChange + 0.40 * (1 - allowedChange)} when lower is
   * worse (10% allowed gives -46%).
   */
  @Override
  public double passMargin() {
    if (!Double.isNaN(passMargin)) {
      return passMargin;
    }
    return direction == Direction.HIGHER_IS_WORSE
        ? allowedChange + DEFAULT_MARGIN_WIDENING
        : allowedChange + DEFAULT_MARGIN_WIDENING * (1 - allowedChange);
  }

  /** Whether the pass margin was set, rather than derived from {@code allowedChange}. */
  public boolean passMarginSet() {
    return !Double.isNaN(passMargin);
  }

  /** The error rate; higher is worse, 10% relative increase allowed, critical. */
  public static Metric errorRate() {
    return new Metric(Kind.ERROR_RATE, Double.NaN, Direction.HIGHER_IS_WORSE, 0.10, true);
  }

  /** The latency distribution (rank test); higher is worse, 5% allowed, critical. */
  public static Metric latency() {
    return new Metric(Kind.LATENCY, Double.NaN, Direction.HIGHER_IS_WORSE, 0.05, true);
  }

  /** One latency quantile, e.g. 0.99; higher is worse, 10% allowed, critical. */
  public static Metric latencyQuantile(double quantile) {
    return new Metric(Kind.LATENCY_QUANTILE, quantile, Direction.HIGHER_IS_WORSE, 0.10, true);
  }

  /** This metric with another allowed relative change, e.g. 0.10 for 10%. */
  public Metric allowedChange(double allowedChange) {
    return new Metric(kind, quantile, direction, allowedChange, critical, passMargin, negligibleRate);
  }

  /**
   * This metric with a pass margin of its own: the relative change (in the worse direction, e.g. 0.25 for 25%) that
   * the canary must be shown within to pass; at least {@code allowedChange}. A narrower margin needs more requests.
   */
  public Metric passMargin(double passMargin) {
    if (Double.isNaN(passMargin)) {
      throw new IllegalArgumentException("passMargin must be a number, was NaN");
    }
    return new Metric(kind, quantile, direction, allowedChange, critical, passMargin, negligibleRate);
  }

  /**
   * For the error rate: a canary whose error rate is shown below {@code rate} (e.g. 0.001 for 0.1%) passes this
   * metric whatever the baseline's rate; 0 turns this off. Without it, a service with almost no errors could never
   * show a relative change and never pass. Default 0.1%.
   */
  public Metric negligibleRate(double rate) {
    if (kind != Kind.ERROR_RATE) {
      throw new IllegalArgumentException("only the error rate has a negligible rate, not " + name());
    }
    return new Metric(kind, quantile, direction, allowedChange, critical, passMargin, rate);
  }

  /** This metric, critical or not. */
  public Metric critical(boolean critical) {
    return new Metric(kind, quantile, direction, allowedChange, critical, passMargin, negligibleRate);
  }

  /** This metric with another direction of regression. */
  public Metric direction(Direction direction) {
    return new Metric(kind, quantile, direction, allowedChange, critical, passMargin, negligibleRate);
  }

  /** A short readable name: {@code error rate}, {@code latency}, {@code p99 latency}. */
  public String name() {
    return switch (kind) {
      case ERROR_RATE -> "error rate";
      case LATENCY -> "latency";
      case LATENCY_QUANTILE -> "p" + trim(quantile * 100) + " latency";
    };
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
