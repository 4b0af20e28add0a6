package dev.progressive.canary.internal;

import dev.progressive.canary.Cohort;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.CallOutcome;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What this instance recorded since the current step started, per side: requests, errors and latencies. Recording
 * is lock-free; a new step starts a new tally, and {@link #snapshot} gives the cumulative window of the current one.
 */
public final class WindowRecorder {

  private volatile Tally tally = new Tally(null);

  /** The current tally's key, or null before the first step. */
  public FleetStore.WindowKey key() {
    return tally.key;
  }

  /** Starts a new window unless this one is already current. */
  public void startWindow(FleetStore.WindowKey key) {
    if (!key.equals(tally.key)) {
      tally = new Tally(key);
    }
  }

  /** Records one request. */
  public void record(Cohort cohort, long nanos, CallOutcome outcome) {
    tally.record(cohort, nanos, outcome);
  }

  /** The cumulative window of the current step, or null before the first step. */
  public Snapshot snapshot() {
    Tally t = tally;
    return t.key == null ? null : new Snapshot(t.key, t.cumulative());
  }

  /**
   * The window of one step as recorded.
   *
   * @param key the step
   * @param window what was recorded since it started (a copy)
   */
  public record Snapshot(FleetStore.WindowKey key, FleetWindow window) {}

  /** One step's counts. */
  private static final class Tally {
    final FleetStore.WindowKey key;
    final SideTally baseline = new SideTally();
    final SideTally canary = new SideTally();

    Tally(FleetStore.WindowKey key) {
      this.key = key;
    }

    void record(Cohort cohort, long nanos, CallOutcome outcome) {
      (cohort == Cohort.CANARY ? canary : baseline).record(nanos, outcome == CallOutcome.ERROR);
    }

    synchronized FleetWindow cumulative() {
      FleetWindow window = new FleetWindow();
      baseline.drainInto(window.baseline);
      canary.drainInto(window.canary);
      return window;
    }
  }

  private static final class SideTally {
    final Recorder recorder = new Recorder(FleetWindow.LOWEST_NANOS, FleetWindow.HIGHEST_NANOS, FleetWindow.DIGITS);
    final LongAdder errors = new LongAdder();
    /** Under the tally's lock. */
    final Histogram cumulative = FleetWindow.newHistogram();
    Histogram recycled;

    void record(long nanos, boolean error) {
      recorder.recordValue(Math.max(0, Math.min(nanos, FleetWindow.HIGHEST_NANOS)));
      if (error) {
        errors.increment();
      }
    }

    /** Errors first, then the latencies: a request is in the latencies before its error, so errors <= requests. */
    void drainInto(FleetWindow.Side side) {
      long errorCount = errors.sum();
      recycled = recorder.getIntervalHistogram(recycled);
      cumulative.add(recycled);
      side.latencies.add(cumulative);
      side.requests = cumulative.getTotalCount();
      side.errors = Math.min(errorCount, side.requests);
    }
  }
}
