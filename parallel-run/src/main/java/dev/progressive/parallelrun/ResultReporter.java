package dev.progressive.parallelrun;

import dev.progressive.parallelrun.internal.ExperimentMeters;
import dev.progressive.parallelrun.internal.Faults;
import dev.progressive.parallelrun.internal.HookFaults;
import dev.progressive.parallelrun.internal.HookFaults.Hook;
import dev.progressive.parallelrun.internal.KeptMismatches;
import dev.progressive.parallelrun.internal.MismatchLog;
import dev.progressive.parallelrun.internal.MismatchStore;
import java.time.Clock;
import java.util.List;

/**
 * Reports each result of one experiment: counts it on {@code progressive.parallelrun.comparisons} exactly once, keeps
 * and logs a mismatch, and hands the result to the publishers; never throws.
 *
 * @param <T> the control's value type
 * @param <U> the candidates' value type
 */
final class ResultReporter<T, U> {

  private final String experiment;
  private final Clock clock;
  private final ExperimentMeters meters;
  private final MismatchStore mismatches;
  private final KeptMismatches kept;
  private final MismatchLog mismatchLog;
  private final List<ResultPublisher> publishers;
  private final HookFaults faults;

  ResultReporter(String experiment, Clock clock, ExperimentMeters meters, MismatchStore mismatches,
      KeptMismatches kept, MismatchLog mismatchLog, List<ResultPublisher> publishers, HookFaults faults) {
    this.experiment = experiment;
    this.clock = clock;
    this.meters = meters;
    this.mismatches = mismatches;
    this.kept = kept;
    this.mismatchLog = mismatchLog;
    this.publishers = List.copyOf(publishers);
    this.faults = faults;
  }

  /** The most recent mismatches, oldest first. */
  List<Mismatch> recentMismatches() {
    return mismatches.recent();
  }

  /** Counts one outcome; may throw what the meter registry throws. */
  void count(ComparisonOutcome outcome) {
    meters.count(outcome);
  }

  /** Counts one outcome; never throws. */
  void countQuietly(ComparisonOutcome outcome) {
    try {
      meters.count(outcome);
    } catch (Throwable t) {
      faults.report(Hook.RUNNER, t);
    }
  }

  /**
   * Counts the result exactly once, then keeps, logs and publishes it; never throws.
   *
   * @param result the result, or {@code null} for a match that nobody needs to see
   * @return a failure the JVM cannot survive, from the result or a publisher, for the caller's thread to rethrow
   *     after the control has answered; {@code null} otherwise
   */
  Throwable report(Result<T, U> result) {
    countQuietly(result == null ? ComparisonOutcome.MATCH : result.outcome());
    if (result == null) {
      return null;
    }
    Throwable fatal = result.failure() != null && Faults.isFatal(result.failure()) ? result.failure() : null;
    if (result.outcome() == ComparisonOutcome.MISMATCH) {
      try {
        mismatches.add(kept.keep(result, mismatches.nextSequence(), clock.instant()));
        mismatchLog.log(KeptMismatches.signature(result), () -> "Parallel run '" + experiment + "': candidate '"
            + result.candidateName() + "' mismatched: " + KeptMismatches.summary(result.differences()));
      } catch (Throwable t) {
        faults.report(Hook.RUNNER, t);
        fatal = fatal != null || !Faults.isFatal(t) ? fatal : t;
      }
    }
    for (ResultPublisher publisher : publishers) {
      try {
        publisher.publish(result);
      } catch (Throwable t) {
        faults.report(Hook.PUBLISHER, t);
        fatal = fatal != null || !Faults.isFatal(t) ? fatal : t;
      }
    }
    return fatal;
  }
}
