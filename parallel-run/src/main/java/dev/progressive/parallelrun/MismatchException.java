package dev.progressive.parallelrun;

import java.util.List;

/**
 * Thrown into the caller only when an experiment is built with {@link Experiment.Builder#raiseOnMismatch(boolean)},
 * a setting meant for tests.
 */
public final class MismatchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<Result<?, ?>> results;

  /**
   * Creates the exception.
   *
   * @param experiment the experiment's name
   * @param results the mismatched results
   */
  public MismatchException(String experiment, List<Result<?, ?>> results) {
    super(message(experiment, results));
    this.results = List.copyOf(results);
  }

  /** The results that mismatched. */
  public List<Result<?, ?>> results() {
    return results;
  }

  private static String message(String experiment, List<Result<?, ?>> results) {
    StringBuilder text = new StringBuilder("Experiment '").append(experiment).append("' mismatched:");
    for (Result<?, ?> result : results) {
      text.append("\n  candidate '").append(result.candidateName()).append("': ").append(result.differences());
    }
    return text.toString();
  }
}
