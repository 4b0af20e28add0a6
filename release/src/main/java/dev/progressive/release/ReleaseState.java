package dev.progressive.release;

/**
 * The life cycle of a release plan: {@code PENDING → RUNNING ⇄ PAUSED → COMPLETED}, or {@code ROLLED_BACK} from any
 * state that is not final.
 */
public enum ReleaseState {
  /** Defined, not started: everyone is on the old implementation. */
  PENDING,
  /** A stage is in force and its gate is checked at every interval. */
  RUNNING,
  /** Held by an operator in its stage: routing stays as it is, and no gate is checked. */
  PAUSED,
  /** Final: every stage passed; the last (retire) stage found the old implementation unused. */
  COMPLETED,
  /** Final: everyone is back on the old implementation. */
  ROLLED_BACK;

  /** Whether no further transition can leave this state. */
  public boolean isFinal() {
    return this == COMPLETED || this == ROLLED_BACK;
  }
}
