package dev.progressive.release;

/**
 * A plan that {@link ReleasePlan.Builder#build()} refuses because of one of its stages: the message names the stage
 * and what is wrong with it, and {@link #stageIndex()} says which one, so that a caller that declared the stages
 * (such as the Spring starter's properties) can point at its own declaration.
 */
public final class InvalidReleasePlanException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final int stageIndex;

  public InvalidReleasePlanException(int stageIndex, String message) {
    super(message);
    this.stageIndex = stageIndex;
  }

  public InvalidReleasePlanException(int stageIndex, String message, Throwable cause) {
    super(message, cause);
    this.stageIndex = stageIndex;
  }

  /** The index of the stage at fault in the plan's stages, from 0. */
  public int stageIndex() {
    return stageIndex;
  }
}
