package dev.progressive.parallelrun;

/**
 * Excuses a known difference: when a comparison finds a mismatch, each rule sees both observations (values and
 * exceptions), and if any returns {@code true} the outcome is {@link ComparisonOutcome#IGNORED}. If a rule throws, the outcome
 * is {@link ComparisonOutcome#CANDIDATE_ERROR}.
 *
 * @param <T> the control's value type
 * @param <U> the candidate's value type
 */
@FunctionalInterface
public interface IgnoreRule<T, U> {

  /**
   * Decides whether this mismatch is to be ignored.
   *
   * @param control what the control did
   * @param candidate what the candidate did
   * @return {@code true} to ignore the mismatch
   */
  boolean ignore(BehaviorRun<T> control, BehaviorRun<U> candidate);
}
