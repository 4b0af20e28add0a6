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
 * @param control the control's cleaned value as a bounded tree (strings, numbers and booleans stay as they are;
 *     records, beans and collections become maps and lists), or a description of its exception
 * @param candidate the candidate's cleaned value, likewise
 * @param differences the paths that differ, as many as fit in the kept bytes
 * @param truncated whether a value or a difference was cut or left out to keep within the experiment's byte budget
 *     ({@code Experiment.Builder#keepMismatchBytes}); cut parts are marked in the values themselves
 */
public record Mismatch(
    String experiment,
    String candidateName,
    long sequence,
    Instant time,
    Object control,
    Object candidate,
    List<Difference> differences,
    boolean truncated) {

  /** Creates a mismatch; the list is copied. */
  public Mismatch {
    differences = List.copyOf(differences);
  }

  /** Creates a mismatch that was kept whole. */
  public Mismatch(String experiment, String candidateName, long sequence, Instant time, Object control,
      Object candidate, List<Difference> differences) {
    this(experiment, candidateName, sequence, time, control, candidate, differences, false);
  }
}
