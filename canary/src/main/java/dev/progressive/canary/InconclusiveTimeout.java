package dev.progressive.canary;

/**
 * What the controller does when a step stays inconclusive for longer than its minimum duration plus
 * {@link CanaryRelease#maxInconclusive()}: roll back (the default), or pause and wait for a person, who then promotes,
 * resumes or aborts.
 */
public enum InconclusiveTimeout {
  /** Roll the canary back: without evidence, the baseline stays. */
  ROLL_BACK,
  /**
   * Pause the canary at its weight and wait for an operator; {@link Canary#awaitingOperator()} and the canaries
   * endpoint show it.
   */
  WAIT_FOR_OPERATOR
}
