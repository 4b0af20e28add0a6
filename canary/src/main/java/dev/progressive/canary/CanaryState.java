package dev.progressive.canary;

/**
 * The life cycle of a canary release: {@code PENDING → PROGRESSING → (PAUSED) → PROMOTED}, or {@code ROLLED_BACK}
 * from any state that is not final.
 */
public enum CanaryState {
  /** Defined, not started: nobody is sent to the canary (weight 0). */
  PENDING,
  /** A step of the schedule is in force and judged at every analysis interval. */
  PROGRESSING,
  /** Held by ops at its current weight; not judged until resumed. */
  PAUSED,
  /** Final: everyone is on the canary (weight 100%). */
  PROMOTED,
  /** Final: everyone is back on the baseline (weight 0). */
  ROLLED_BACK;

  /** Whether no further transition can leave this state. */
  public boolean isFinal() {
    return this == PROMOTED || this == ROLLED_BACK;
  }
}
