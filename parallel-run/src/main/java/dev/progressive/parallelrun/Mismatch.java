package dev.progressive.parallelrun;

import dev.progressive.parallelrun.diff.Difference;
import java.time.Instant;
import java.util.List;

/**
 * A mismatch kept in an experiment's history ({@link Experiment#recentMismatches()}). It holds only cleaned values,
 * so a cleaner that redacts secrets keeps them out of memory dumps and actuator views.
 *
 * @param experiment the experiment's name
 * @param candidateName the candidate's name
 * @param sequence a number that grows with each mismatch of the experiment
 * @param time when the comparison was made
 * @param control the control's cleaned value, or a description of its exception
 * @param candidate the candidate's cleaned value, or a description of its exception
 * @param differences the paths that differ
 */
public record Mismatch(
    String experiment,
    String candidateName,
    long sequence,
    Instant time,
    Object control,
    Object candidate,
    List<Difference> differences) {

  /** Creates a mismatch; the list is copied. */
  public Mismatch {
    differences = List.copyOf(differences);
  }
}
