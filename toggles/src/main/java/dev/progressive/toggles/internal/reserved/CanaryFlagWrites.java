package dev.progressive.toggles.internal.reserved;

import dev.progressive.toggles.FlagAdmin;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagView;
import java.util.Objects;
import java.util.Optional;

/**
 * The one way to write a {@code canary.*} flag: the canary module's, which keeps a canary release's state in it.
 * {@link FlagAdmin} refuses those flags to everyone else, so that no flag write can rewrite or delete a canary's
 * state. The module descriptor exports this package to the canary module alone.
 *
 * <p>{@link FlagAdmin} hands its writer over when its class is initialised, in the way the JDK's own
 * {@code SharedSecrets} do: the writer is set once and never changes.
 */
public final class CanaryFlagWrites {

  /** Replaces a canary flag's definition, under the same checks as any other write. */
  @FunctionalInterface
  public interface Writer {
    FlagView replaceDefinition(Toggles toggles, String key, String definition, ChangeRequest request);
  }

  /** Removes a reserved flag's override (a flag no source defines is then gone), under the same checks. */
  @FunctionalInterface
  public interface Remover {
    Optional<FlagView> removeOverride(Toggles toggles, String key, ChangeRequest request);
  }

  private static volatile Writer writer;
  private static volatile Remover remover;

  private CanaryFlagWrites() {}

  /**
   * Called once, by {@link FlagAdmin}'s class initialiser.
   *
   * @throws IllegalStateException when a writer was set already
   */
  public static synchronized void install(Writer w, Remover r) {
    if (writer != null) {
      throw new IllegalStateException("the canary flag writer is set once, by FlagAdmin");
    }
    writer = Objects.requireNonNull(w, "writer");
    remover = Objects.requireNonNull(r, "remover");
  }

  /**
   * Replaces the definition of a {@code canary.*} flag, as {@link FlagAdmin#replaceDefinition} does for other flags.
   *
   * @throws IllegalArgumentException when the key is not a canary flag
   */
  public static FlagView replaceDefinition(Toggles toggles, String key, String definition, ChangeRequest request) {
    if (!FlagAdmin.isCanaryFlag(key)) {
      throw new IllegalArgumentException("'" + key + "' is not a canary flag (" + FlagAdmin.CANARY_PREFIX + "*)");
    }
    return writer(toggles).replaceDefinition(toggles, key, definition, request);
  }

  /** The writer FlagAdmin installed, which checks a write as any other but does not refuse reserved flags. */
  static Writer writer(Toggles toggles) {
    toggles.admin(); // initialises FlagAdmin, which installs the writer
    return writer;
  }

  /** The remover FlagAdmin installed, which checks a removal as any other but does not refuse reserved flags. */
  static Remover remover(Toggles toggles) {
    toggles.admin(); // initialises FlagAdmin, which installs the remover
    return remover;
  }
}
