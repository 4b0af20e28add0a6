package dev.progressive.parallelrun;

import java.util.Locale;

/**
 * What became of one comparison between the control and one candidate of a parallel run (not a canary call's
 * outcome). The lowercase {@link #tag()} is the value of
 * the {@code outcome} tag on {@code progressive.parallelrun.comparisons}.
 */
public enum ComparisonOutcome {
  /** The candidate's value or exception is equivalent to the control's. */
  MATCH,
  /** The candidate differs from the control, and no ignore rule excused it. */
  MISMATCH,
  /** The candidate differs from the control, but an ignore rule excused the difference. */
  IGNORED,
  /**
   * The comparison could not be made: the comparator, an ignore rule or the cleaner threw. The failure is in
   * {@link Result#failure()}. A candidate that throws while the control returns is a {@link #MISMATCH}, not this.
   */
  CANDIDATE_ERROR,
  /** The candidate took longer than the runner's time limit and was cancelled. */
  TIMEOUT,
  /** The candidate was not run because the bulkhead (or the comparison queue) was full. */
  REJECTED;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /** The meter tag value: {@code match}, {@code mismatch}, {@code ignored}, and so on. */
  public String tag() {
    return tag;
  }
}
