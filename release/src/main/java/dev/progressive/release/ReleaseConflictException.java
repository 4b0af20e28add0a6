package dev.progressive.release;

/**
 * Another instance or operator changed the plan between the read and the write of an action: the compare-and-set
 * lost, nothing was written, and {@link #current()} is the state that won. (An endpoint answers 409.)
 */
public final class ReleaseConflictException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient ReleaseStatus current;
  private final long storeVersion;

  public ReleaseConflictException(String message, ReleaseStatus current, long storeVersion, Throwable cause) {
    super(message, cause);
    this.current = current;
    this.storeVersion = storeVersion;
  }

  /**
   * The plan's state after the conflict, as this instance has heard it. The store tells the other instances of a
   * change a moment after it was written, so this may still be older than {@link #storeVersion()}: read
   * {@code status()} again for the newer one.
   */
  public ReleaseStatus current() {
    return current;
  }

  /** The version of the plan's state in the store when the compare-and-set lost. */
  public long storeVersion() {
    return storeVersion;
  }
}
