package dev.progressive.canary;

import java.util.Locale;

/**
 * What a canary's controller or an operator does to it. Transitions carry one of {@link #START}, {@link #ADVANCE},
 * {@link #PROMOTE}, {@link #PAUSE}, {@link #RESUME}, {@link #ROLLBACK}, {@link #ABORT} and
 * {@link #WAIT_FOR_OPERATOR}; a verdict's consequence is one of {@link #HOLD}, {@link #ADVANCE}, {@link #PROMOTE},
 * {@link #ROLLBACK} and {@link #WAIT_FOR_OPERATOR}.
 */
public enum CanaryAction {
  /** An operator started the first step. */
  START,
  /** The next step's weight is in force. */
  ADVANCE,
  /** Everyone is on the canary (100%). */
  PROMOTE,
  /** An operator held the weight and stopped the judging. */
  PAUSE,
  /** An operator resumed a paused canary; the step's window starts again. */
  RESUME,
  /** The controller sent everyone back to the baseline. */
  ROLLBACK,
  /** An operator sent everyone back to the baseline. */
  ABORT,
  /** The verdict keeps the weight and the judging goes on. */
  HOLD,
  /**
   * The step stayed inconclusive past its limit and the canary's policy is to wait for a person: the controller paused
   * it, and an operator promotes, resumes or aborts it.
   */
  WAIT_FOR_OPERATOR;

  /** The lowercase name used in audit reasons, meter tags and JSON: {@code advance}, {@code wait-for-operator}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
