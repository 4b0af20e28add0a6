package dev.progressive.parallelrun;

import dev.progressive.parallelrun.diff.Difference;
import java.util.List;
import java.util.Map;

/**
 * The comparison of the control with one candidate, as given to {@link ResultPublisher}s.
 *
 * @param experiment the experiment's name
 * @param candidateName the candidate's name
 * @param outcome what became of the comparison
 * @param control what the control did
 * @param candidate what the candidate did; {@code null} when it was {@link ComparisonOutcome#REJECTED} or timed out
 * @param cleanedControl the control's value after the cleaner, for reports; {@code null} unless compared
 * @param cleanedCandidate the candidate's value after the cleaner, for reports; {@code null} unless compared
 * @param differences for a mismatch, the paths that differ between the cleaned values; empty otherwise
 * @param context the experiment's context map
 * @param failure for {@link ComparisonOutcome#CANDIDATE_ERROR}, what the comparator, an ignore rule or the cleaner threw
 * @param <T> the control's value type
 * @param <U> the candidate's value type
 */
public record Result<T, U>(
    String experiment,
    String candidateName,
    ComparisonOutcome outcome,
    BehaviorRun<T> control,
    BehaviorRun<U> candidate,
    Object cleanedControl,
    Object cleanedCandidate,
    List<Difference> differences,
    Map<String, Object> context,
    Throwable failure) {

  /** Creates a result; the lists and maps are copied. */
  public Result {
    differences = List.copyOf(differences);
    context = Map.copyOf(context);
  }

  /** Whether the candidate differed from the control without being excused. */
  public boolean mismatched() {
    return outcome == ComparisonOutcome.MISMATCH;
  }
}
