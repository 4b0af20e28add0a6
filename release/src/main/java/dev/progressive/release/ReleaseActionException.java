package dev.progressive.release;

/**
 * An action that does not fit the plan's current stage or state: {@code approve} when no approval is pending, or
 * {@code advance} past a gate that has not passed without the force option. The message names the stage; nothing was
 * written. (An endpoint answers 409.)
 */
public final class ReleaseActionException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final transient ReleaseStatus status;

  public ReleaseActionException(String message, ReleaseStatus status) {
    super(message);
    this.status = status;
  }

  /** The plan's state when the action was refused. */
  public ReleaseStatus status() {
    return status;
  }
}
