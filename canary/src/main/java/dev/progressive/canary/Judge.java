package dev.progressive.canary;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Compares canary with baseline over the current step's window. The default is the statistical judge described in
 * {@code docs/canary-judge.md}; another judge (for example the absolute-threshold judge of the simulator) can be
 * given to {@link Canary.Builder#judge(Judge)}.
 *
 * <p>A judge keeps no mutable state between calls: its verdict is a function of the {@link Look} alone. One instance
 * may serve many canaries and steps, and any number of rollouts with the same step start, in any order. Whatever a
 * step's analysis carries from look to look belongs to the controller and reaches the judge in the {@code Look}; the
 * statistical judge needs nothing of the kind, because its intervals are valid at every look at once.
 */
@FunctionalInterface
public interface Judge {

  /** The verdict for one look at the current step. */
  Verdict judge(Look look);

  /**
   * One look at a step.
   *
   * @param release the definition
   * @param stepIndex the step's index in {@link CanaryRelease#steps()}
   * @param stepStartedAt when the step (or its resumption) started: the window's start
   * @param now the time of this look
   * @param window what each side did in the window
   */
  record Look(CanaryRelease release, int stepIndex, Instant stepStartedAt, Instant now,
      MetricSource.Window window) {
    public Look {
      Objects.requireNonNull(release, "release");
      Objects.requireNonNull(stepStartedAt, "stepStartedAt");
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(window, "window");
    }

    /** The step judged. */
    public CanaryRelease.Step step() {
      return release.steps().get(stepIndex);
    }

    /** How long the step has run. */
    public Duration elapsed() {
      return Duration.between(stepStartedAt, now);
    }

    /** Whether the step has its minimum duration and each side its minimum requests. */
    public boolean enoughData() {
      CanaryRelease.Step step = step();
      return elapsed().compareTo(step.minDuration()) >= 0
          && window.baseline().requests() >= step.minRequestsPerSide()
          && window.canary().requests() >= step.minRequestsPerSide();
    }
  }

  /**
   * The statistical judge: always-valid confidence intervals (confidence sequences) of each metric's relative
   * change, which fail a metric beyond its allowed change and pass it within its pass margin. Stateless and
   * thread-safe; the returned instance may be shared.
   */
  static Judge statistical() {
    return new dev.progressive.canary.internal.StatisticalJudge();
  }
}
