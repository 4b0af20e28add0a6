package dev.progressive.canary;

import java.time.Instant;
import java.util.Objects;

/**
 * Where the judge reads what each side did in the current step's window, instead of the windows that the instances
 * publish to their {@link FleetStore} (the default). {@link PrometheusMetricSource} reads the whole fleet's from
 * Prometheus; only the instance holding the canary's analysis lease calls it.
 *
 * <p>A source that cannot answer throws; the judge then says INCONCLUSIVE, never PASS.
 */
public interface MetricSource {

  /**
   * What each side did between {@code from} (the start of the step) and {@code to} (now).
   *
   * @param canary the canary's name
   */
  Window observe(String canary, Instant from, Instant to) throws Exception;

  /** Called when a new step (or a resumed one) starts at {@code from}, so that a source can reset its window. */
  default void windowStarted(String canary, Instant from) {}

  /**
   * One side in a window.
   *
   * @param requests requests served
   * @param errors requests with outcome {@link CallOutcome#ERROR}, at most {@code requests}
   * @param latenciesMillis a uniform sample of the latencies in milliseconds, possibly empty; owned by the judge
   */
  record Side(long requests, long errors, double[] latenciesMillis) {
    public Side {
      if (requests < 0 || errors < 0 || errors > requests) {
        throw new IllegalArgumentException("need 0 <= errors <= requests, was " + errors + " of " + requests);
      }
      Objects.requireNonNull(latenciesMillis, "latenciesMillis");
    }

    /** No data. */
    public static Side empty() {
      return new Side(0, 0, new double[0]);
    }
  }

  /**
   * Both sides in one window.
   *
   * @param baseline the baseline
   * @param canary the canary
   * @param latencyNote how the latencies were obtained, when a person reading a verdict should know it, e.g.
   *     {@code latencies from Prometheus histogram buckets, resolution limited by the bucket bounds}; the judge
   *     adds it to the reasons of the latency metrics. Empty when the latencies are individual measurements.
   */
  record Window(Side baseline, Side canary, String latencyNote) {
    public Window {
      Objects.requireNonNull(baseline, "baseline");
      Objects.requireNonNull(canary, "canary");
      Objects.requireNonNull(latencyNote, "latencyNote");
    }

    /** Both sides, with latencies that are individual measurements (no note). */
    public Window(Side baseline, Side canary) {
      this(baseline, canary, "");
    }
  }
}
