package dev.progressive.canary;

import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A {@link MetricSource} of outcomes that its owner records in this process since the current step started, for
 * callers that record requests of their own (a {@link Canary} does not need it: it records every request it routes
 * in its own window and shares it through its {@link FleetStore}). Keeps, per side, the request and error counts and
 * a uniform reservoir sample of latencies of a bounded size.
 *
 * <p>Thread-safe. Memory is bounded by the sample size whatever the traffic.
 */
public final class InProcessMetricSource implements MetricSource {

  private final SideRecorder baseline;
  private final SideRecorder canary;

  /**
   * @param samplesPerSide how many latencies are kept per side
   * @param seed the seed of the reservoir sampling, for reproducible runs
   */
  public InProcessMetricSource(int samplesPerSide, long seed) {
    if (samplesPerSide < 1) {
      throw new IllegalArgumentException("samplesPerSide must be at least 1, was " + samplesPerSide);
    }
    SplittableRandom random = new SplittableRandom(seed);
    this.baseline = new SideRecorder(samplesPerSide, random.split());
    this.canary = new SideRecorder(samplesPerSide, random.split());
  }

  /** Records one request of one side. */
  public void record(Cohort cohort, long durationNanos, CallOutcome outcome) {
    (cohort == Cohort.CANARY ? canary : baseline).record(durationNanos / 1e6, outcome == CallOutcome.ERROR);
  }

  @Override
  public Window observe(String name, Instant from, Instant to) {
    return new Window(baseline.snapshot(), canary.snapshot());
  }

  @Override
  public void windowStarted(String name, Instant from) {
    baseline.reset();
    canary.reset();
  }

  /** Algorithm R over one side's latencies. */
  private static final class SideRecorder {
    private final double[] sample;
    private final SplittableRandom random;
    private long requests;
    private long errors;

    SideRecorder(int size, SplittableRandom random) {
      this.sample = new double[size];
      this.random = random;
    }

    synchronized void record(double millis, boolean error) {
      long seen = requests++;
      if (error) {
        errors++;
      }
      if (seen < sample.length) {
        sample[(int) seen] = millis;
      } else {
        long slot = random.nextLong(seen + 1);
        if (slot < sample.length) {
          sample[(int) slot] = millis;
        }
      }
    }

    synchronized Side snapshot() {
      int n = (int) Math.min(requests, sample.length);
      return new Side(requests, errors, Arrays.copyOf(sample, n));
    }

    synchronized void reset() {
      requests = 0;
      errors = 0;
    }
  }
}
