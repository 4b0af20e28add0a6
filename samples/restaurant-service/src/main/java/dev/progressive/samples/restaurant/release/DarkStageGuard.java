package dev.progressive.samples.restaurant.release;

import dev.progressive.release.ReleaseActionException;
import dev.progressive.release.ReleaseConflictException;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.ReleaseStatus;
import dev.progressive.release.StageKind;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls the plan back at its dark stage when the testers' calls to the new implementation fail too often. The dark
 * gate counts successful calls only, so without this a failing new engine would hold the plan in dark for ever. It
 * counts the calls that reach the new implementation on this instance while the plan is dark; once {@code minCalls}
 * were made, a failure rate above the limit aborts the plan, with the counts as the reason in its audit.
 */
final class DarkStageGuard {

  /** The actor of the guard's abort in the plan's audit. */
  static final String ACTOR = "dark-stage-guard";

  private static final Logger LOG = LoggerFactory.getLogger(DarkStageGuard.class);

  private final ReleasePlan plan;
  private final long minCalls;
  private final double failAboveRate;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  /** Set while one thread aborts, and for good once the abort is written or no longer needed. */
  private final AtomicBoolean done = new AtomicBoolean();

  /**
   * A guard of the plan's dark stage.
   *
   * @param minCalls the calls to the new implementation before the rate is judged, at least 1
   * @param failAboveRate the failure rate above which the plan rolls back, from 0 to 1
   * @throws IllegalArgumentException naming the bad value
   */
  DarkStageGuard(ReleasePlan plan, long minCalls, double failAboveRate) {
    if (minCalls < 1) {
      throw new IllegalArgumentException("the calls before the rate is judged must be at least 1, was " + minCalls);
    }
    if (!(failAboveRate >= 0 && failAboveRate <= 1)) {
      throw new IllegalArgumentException("the error rate must be from 0 to 1, was " + failAboveRate);
    }
    this.plan = plan;
    this.minCalls = minCalls;
    this.failAboveRate = failAboveRate;
  }

  /** The new implementation, counted while the plan is dark: its exception is counted and rethrown. */
  <T> Supplier<T> watch(Supplier<T> newImpl) {
    return () -> {
      if (!dark()) {
        return newImpl.get();
      }
      try {
        T value = newImpl.get();
        check(calls.incrementAndGet(), failures.get());
        return value;
      } catch (RuntimeException e) {
        long failed = failures.incrementAndGet();
        check(calls.incrementAndGet(), failed);
        throw e;
      }
    };
  }

  /** The calls counted at dark on this instance. */
  long calls() {
    return calls.get();
  }

  /** The failed calls counted at dark on this instance. */
  long failures() {
    return failures.get();
  }

  private boolean dark() {
    ReleaseStatus status = plan.status();
    return status.state() == ReleaseState.RUNNING && status.stageIndex() >= 0
        && status.stageIndex() < plan.stages().size()
        && plan.stages().get(status.stageIndex()).kind() == StageKind.DARK;
  }

  private void check(long made, long failed) {
    if (made < minCalls || failed <= failAboveRate * made || done.get() || !done.compareAndSet(false, true)) {
      return;
    }
    String reason = String.format(Locale.ROOT, "stage 'dark' failed: %d of %d tester calls to the new "
        + "implementation failed (%.1f%%), above %.1f%%", failed, made, 100.0 * failed / made, 100 * failAboveRate);
    try {
      if (!dark()) {
        return;   // the plan moved on (or ops acted) since: what dark saw is no longer the plan's business
      }
      plan.abort(ACTOR, reason);
      LOG.warn("release '{}' rolled back at dark: {}", plan.name(), reason);
    } catch (ReleaseActionException e) {
      LOG.debug("release '{}': no abort, the plan is no longer running", plan.name(), e);
    } catch (RuntimeException e) {
      // A concurrent change won (ReleaseConflictException) or the store is out: the next failing call tries again.
      done.set(false);
      if (!(e instanceof ReleaseConflictException)) {
        LOG.warn("release '{}': the rollback at dark failed, the next failing call tries again", plan.name(), e);
      }
    }
  }
}
