package dev.progressive.parallelrun;

/**
 * Decides whether a candidate's value is equivalent to the control's. Either value may be {@code null}. If it throws,
 * the comparison's outcome is {@link ComparisonOutcome#CANDIDATE_ERROR} and the caller is not affected.
 *
 * @param <T> the control's value type
 * @param <U> the candidate's value type
 */
@FunctionalInterface
public interface ResultComparator<T, U> {

  /**
   * Compares the two values.
   *
   * @param control the control's value, possibly {@code null}
   * @param candidate the candidate's value, possibly {@code null}
   * @return whether they are equivalent
   */
  boolean equivalent(T control, U candidate);
}
