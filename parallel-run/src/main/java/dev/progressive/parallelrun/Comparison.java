package dev.progressive.parallelrun;

import dev.progressive.parallelrun.diff.Difference;
import dev.progressive.parallelrun.diff.StructuralDiff;
import dev.progressive.parallelrun.internal.ExperimentMeters;
import dev.progressive.parallelrun.internal.Faults;
import dev.progressive.parallelrun.internal.HookFaults;
import dev.progressive.parallelrun.internal.HookFaults.Hook;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Judges the control's run against one candidate's: the comparators, the ignore rules, the cleaners and the structural
 * diff give a {@link Result}, and the behaviours' wall times go to the duration timer on the way.
 *
 * @param <T> the control's value type
 * @param <U> the candidates' value type
 */
final class Comparison<T, U> {

  private final String experiment;
  private final List<String> candidateNames;
  private final ResultComparator<? super T, ? super U> comparator;
  private final boolean customComparator;
  private final ExceptionComparator exceptionComparator;
  private final List<IgnoreRule<T, U>> ignoreRules;
  private final Function<? super T, ?> controlCleaner;
  private final Function<? super U, ?> candidateCleaner;
  private final StructuralDiff diff;
  private final Map<String, Object> context;
  private final boolean needsResults;
  private final ExperimentMeters meters;
  private final HookFaults faults;

  Comparison(String experiment, List<String> candidateNames, ResultComparator<? super T, ? super U> comparator,
      ExceptionComparator exceptionComparator, List<IgnoreRule<T, U>> ignoreRules,
      Function<? super T, ?> controlCleaner, Function<? super U, ?> candidateCleaner, StructuralDiff diff,
      Map<String, Object> context, boolean needsResults, ExperimentMeters meters, HookFaults faults) {
    this.experiment = experiment;
    this.candidateNames = candidateNames;
    this.customComparator = comparator != null;
    this.comparator = comparator != null ? comparator : diff::equivalent;
    this.exceptionComparator = exceptionComparator;
    this.ignoreRules = List.copyOf(ignoreRules);
    this.controlCleaner = controlCleaner;
    this.candidateCleaner = candidateCleaner;
    this.diff = diff;
    this.context = context;
    this.needsResults = needsResults;
    this.meters = meters;
    this.faults = faults;
  }

  /** A result of this experiment for the candidate at {@code index}. */
  Result<T, U> result(int index, ComparisonOutcome outcome, BehaviorRun<T> controlRun, BehaviorRun<U> candidateRun,
      Object cleanedControl, Object cleanedCandidate, List<Difference> differences, Throwable failure) {
    return new Result<>(experiment, candidateNames.get(index), outcome, controlRun, candidateRun, cleanedControl,
        cleanedCandidate, differences, context, failure);
  }

  /** Judges on the caller's thread; never throws. */
  Result<T, U> judgeQuietly(int index, BehaviorRun<T> controlRun, BehaviorRun<U> candidateRun) {
    try {
      return judge(index, controlRun, candidateRun, null);
    } catch (Throwable t) {
      faults.report(Hook.RUNNER, t);
      return result(index, ComparisonOutcome.CANDIDATE_ERROR, controlRun, candidateRun, null, null, List.of(), t);
    }
  }

  /**
   * Compares; returns {@code null} for a match that nobody needs to see (no publisher, no raise-on-mismatch). A
   * hook that throws, whatever it throws, gives {@link ComparisonOutcome#CANDIDATE_ERROR} with the failure.
   *
   * @param forced the outcome when the candidate did not run to the end (rejected, timed out); {@code null} otherwise
   */
  Result<T, U> judge(int index, BehaviorRun<T> controlRun, BehaviorRun<U> candidateRun, ComparisonOutcome forced) {
    if (index == 0) {
      meters.control(controlRun.wallTimeNanos());
    }
    if (forced != null) {
      return result(index, forced, controlRun, null, null, null, List.of(), null);
    }
    meters.candidate(candidateRun.wallTimeNanos());
    Hook hook = Hook.RUNNER;
    try {
      boolean equivalent;
      if (controlRun.threw() && candidateRun.threw()) {
        hook = Hook.EXCEPTION_COMPARATOR;
        equivalent = exceptionComparator.equivalent(controlRun.exception(), candidateRun.exception());
      } else if (controlRun.threw() || candidateRun.threw()) {
        equivalent = false;
      } else {
        hook = customComparator ? Hook.COMPARATOR : Hook.DIFF;
        equivalent = comparator.equivalent(controlRun.value(), candidateRun.value());
      }
      if (equivalent) {
        return needsResults
            ? result(index, ComparisonOutcome.MATCH, controlRun, candidateRun, null, null, List.of(), null) : null;
      }
      hook = Hook.IGNORE_RULE;
      ComparisonOutcome outcome = ComparisonOutcome.MISMATCH;
      for (IgnoreRule<T, U> rule : ignoreRules) {
        if (rule.ignore(controlRun, candidateRun)) {
          outcome = ComparisonOutcome.IGNORED;
          break;
        }
      }
      hook = Hook.CLEANER;
      Object cleanedControl = controlRun.threw() ? describe(controlRun.exception())
          : controlCleaner.apply(controlRun.value());
      Object cleanedCandidate = candidateRun.threw() ? describe(candidateRun.exception())
          : candidateCleaner.apply(candidateRun.value());
      hook = Hook.DIFF;
      List<Difference> differences;
      if (controlRun.threw() || candidateRun.threw()) {
        differences = List.of(diff.whole("$", cleanedControl, cleanedCandidate));
      } else {
        differences = diff.diff(cleanedControl, cleanedCandidate);
        if (differences.isEmpty()) {
          differences = List.of(diff.whole("$", cleanedControl, cleanedCandidate));
        }
      }
      return result(index, outcome, controlRun, candidateRun, cleanedControl, cleanedCandidate, differences, null);
    } catch (Throwable e) {
      faults.report(hook, e);
      return result(index, ComparisonOutcome.CANDIDATE_ERROR, controlRun, candidateRun, null, null, List.of(), e);
    }
  }

  private static String describe(Throwable t) {
    return "threw " + Faults.describe(t);
  }
}
