package dev.progressive.toggles;

/**
 * A change through {@link FlagAdmin} of a flag that belongs to a canary release ({@code canary.<name>}): the canary
 * owns its state, which changes only through its own API. Nothing was stored.
 */
public final class ReservedFlagException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String flagKey;
  private final String canary;

  ReservedFlagException(String flagKey, String canary) {
    super("Flag '" + flagKey + "' holds the state of canary release '" + canary + "' and changes only through the "
        + "canary: POST /actuator/canaries/" + canary + " with {\"action\": \"promote\"|\"pause\"|\"resume\"|\"abort\"}"
        + ", or the Canary API");
    this.flagKey = flagKey;
    this.canary = canary;
  }

  /** The flag that was to change. */
  public String flagKey() {
    return flagKey;
  }

  /** The canary release that owns the flag. */
  public String canary() {
    return canary;
  }
}
