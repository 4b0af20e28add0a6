package dev.progressive.toggles;

/**
 * A change through {@link FlagAdmin} of a flag that belongs to a canary release ({@code canary.<name>}) or to a release
 * plan ({@code release.<name>}): the canary or the plan owns its state, which changes only through its own API.
 * Nothing was stored.
 */
public final class ReservedFlagException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The prefix of the flags that hold release plans' state. */
  public static final String RELEASE_PREFIX = "release.";

  private final String flagKey;
  private final String canary;
  private final String release;

  private ReservedFlagException(String message, String flagKey, String canary, String release) {
    super(message);
    this.flagKey = flagKey;
    this.canary = canary;
    this.release = release;
  }

  /** Whether a flag holds a release plan's state, and so changes only through the plan's actions. */
  public static boolean isReleaseFlag(String key) {
    return key != null && key.startsWith(RELEASE_PREFIX);
  }

  /** Whether a flag belongs to a canary or a release plan, and so is refused by every {@link FlagAdmin} write. */
  public static boolean isReserved(String key) {
    return FlagAdmin.isCanaryFlag(key) || isReleaseFlag(key);
  }

  /** The refusal of a write to a reserved flag; {@code key} is one by {@link #isReserved}. */
  static ReservedFlagException of(String key) {
    if (FlagAdmin.isCanaryFlag(key)) {
      String canary = key.substring(FlagAdmin.CANARY_PREFIX.length());
      return new ReservedFlagException("Flag '" + key + "' holds the state of canary release '" + canary + "' and "
          + "changes only through the canary: POST /actuator/canaries/" + canary + " with {\"action\": \"promote\"|"
          + "\"pause\"|\"resume\"|\"abort\"}, or the Canary API", key, canary, null);
    }
    String release = key.substring(RELEASE_PREFIX.length());
    return new ReservedFlagException("Flag '" + key + "' holds the state of release plan '" + release + "' and "
        + "changes only through the plan: POST /actuator/releases/" + release + " with {\"action\": \"approve\"|"
        + "\"advance\"|\"pause\"|\"resume\"|\"abort\", \"reason\": \"...\"}, or the ReleasePlan API", key, null, release);
  }

  /** The flag that was to change. */
  public String flagKey() {
    return flagKey;
  }

  /** The canary release that owns the flag, or null when a release plan owns it. */
  public String canary() {
    return canary;
  }

  /** The release plan that owns the flag, or null when a canary release owns it. */
  public String release() {
    return release;
  }
}
