package dev.progressive.canary;

import java.util.Objects;

/**
 * One metric that the judge compares between canary and baseline, with the direction that is worse, the relative
 * change allowed in that direction, and whether its failure fails the verdict alone.
 *
 * <pre>{@code
 * Metric.errorRate().allowedChange(0.10).critical(true)
 * Metric.latency().allowedChange(0.05)
 * Metric.latencyQuantile(0.99).allowedChange(0.10)
 * }</pre>
 *
 * @param kind what is measured
 * @param quantile the quantile for {@link Kind#LATENCY_QUANTILE}, in (0, 1); NaN for the other kinds
 * @param direction which direction is a regression
 * @param allowedChange the relative change allowed in the worse direction, e.g. 0.10 for 10%; at least 0
 * @param critical whether a failure of this metric fails the verdict on its own
 */
public record Metric(Kind kind, double quantile, Direction direction, double allowedChange, boolean critical) {

  /** What a metric measures. */
  public enum Kind {
    /** The share of requests whose outcome is {@link Outcome#ERROR}, by a sequential test (mSPRT). */
    ERROR_RATE,
    /** The whole latency distribution, by a one-sided Mann-Whitney rank test. */
    LATENCY,
    /** One high latency quantile (p95, p99), by distribution-free confidence intervals. */
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
    return new Metric(kind, quantile, direction, allowedChange, critical);
  }

  /** This metric, critical or not. */
  public Metric critical(boolean critical) {
    return new Metric(kind, quantile, direction, allowedChange, critical);
  }

  /** This metric with another direction of regression. */
  public Metric direction(Direction direction) {
    return new Metric(kind, quantile, direction, allowedChange, critical);
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
