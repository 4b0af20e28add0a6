package dev.progressive.toggles.internal.reserved;

import dev.progressive.toggles.FlagAdmin;
import dev.progressive.toggles.ReservedFlagException;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagView;
import java.util.Optional;

/**
 * The one way to write a {@code release.*} flag: the release module's, which keeps a release plan's state in it.
 * {@link FlagAdmin} refuses those flags to everyone else, as it refuses {@code canary.*} flags, so that no flag write
 * can rewrite or delete a plan's state. The module descriptor exports this package to the canary and release modules
 * alone. It writes through the same writer as {@link CanaryFlagWrites}, under the same checks as any other write.
 */
public final class ReleaseFlagWrites {

  private ReleaseFlagWrites() {}

  /**
   * Replaces the definition of a {@code release.*} flag, as {@link FlagAdmin#replaceDefinition} does for other flags.
   *
   * @throws IllegalArgumentException when the key is not a release flag
   */
  public static FlagView replaceDefinition(Toggles toggles, String key, String definition, ChangeRequest request) {
    if (!ReservedFlagException.isReleaseFlag(key)) {
      throw new IllegalArgumentException("'" + key + "' is not a release flag (" + ReservedFlagException.RELEASE_PREFIX
          + "*)");
    }
    return CanaryFlagWrites.writer(toggles).replaceDefinition(toggles, key, definition, request);
  }

  /**
   * Removes a {@code release.*} flag's override, as {@link FlagAdmin#removeOverride} does for other flags: a plan's
   * flag, which no source defines, is then gone from the store; its audit stays.
   *
   * @return the flag as its source defines it, or empty when none does
   * @throws IllegalArgumentException when the key is not a release flag
   */
  public static Optional<FlagView> removeOverride(Toggles toggles, String key, ChangeRequest request) {
    if (!ReservedFlagException.isReleaseFlag(key)) {
      throw new IllegalArgumentException("'" + key + "' is not a release flag (" + ReservedFlagException.RELEASE_PREFIX
          + "*)");
    }
    return CanaryFlagWrites.remover(toggles).removeOverride(toggles, key, request);
  }
}
