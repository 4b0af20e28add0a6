package dev.progressive.toggles.store;

/**
 * A change named a version of the flag that is no longer the current one: someone else changed it since it was
 * read. Nothing was stored. Read the flag again, decide again, and send the current version.
 */
public class VersionConflictException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String flagKey;
  private final long expectedVersion;
  private final long currentVersion;

  public VersionConflictException(String flagKey, long expectedVersion, long currentVersion) {
    super("flag '" + flagKey + "' is at version " + currentVersion + ", not " + expectedVersion
        + ": it was changed since it was read; nothing was stored");
    this.flagKey = flagKey;
    this.expectedVersion = expectedVersion;
    this.currentVersion = currentVersion;
  }

  public String flagKey() {
    return flagKey;
  }

  public long expectedVersion() {
    return expectedVersion;
  }

  /** The version to read the flag at, and to send with the next change. */
  public long currentVersion() {
    return currentVersion;
  }
}
