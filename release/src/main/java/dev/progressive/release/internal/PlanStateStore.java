package dev.progressive.release.internal;

import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.internal.reserved.ReleaseFlagWrites;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.VersionConflictException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A release plan's live state in the toggles store, the flag {@code release.<name>}: reads it, writes it by
 * compare-and-set on its version (one write, with its audit entry, or nothing), and keeps the newest state read in
 * force for routing through a listener on the toggles. When the store cannot be read, the state in force stays.
 */
public final class PlanStateStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PlanStateStore.class);

  private final String release;
  private final String flagKey;
  private final Toggles toggles;
  private final Function<StoredPlan, String> definition;
  private final Consumer<StoredPlan> onApplied;
  private final Object lock = new Object();
  private final AutoCloseable subscription;
  private volatile StoredPlan inForce = StoredPlan.initial();

  /**
   * @param definition the flag definition of a state (the plan knows its stage names)
   * @param onApplied called with every newer state put in force, under this store's lock: quick, no toggles calls
   */
  public PlanStateStore(String release, Toggles toggles, Function<StoredPlan, String> definition, String actor,
      Consumer<StoredPlan> onApplied) {
    this.onApplied = onApplied;
    this.release = release;
    this.flagKey = flagKey(release);
    this.toggles = toggles;
    this.definition = definition;
    this.subscription = toggles.onChange(changed -> {
      if (changed.keys().contains(flagKey)) {
        refresh();
      }
    });
    ensureStored(actor);
    refresh();
  }

  /** The key of the flag that holds a plan's state. */
  public static String flagKey(String release) {
    return "release." + release;
  }

  public String flagKey() {
    return flagKey;
  }

  /** The state in force on this instance: the newest read. */
  public StoredPlan inForce() {
    return inForce;
  }

  private void ensureStored(String actor) {
    try {
      if (toggles.admin().flag(flagKey).isPresent()) {
        return;
      }
      ReleaseFlagWrites.replaceDefinition(toggles, flagKey, definition.apply(StoredPlan.initial()),
          ChangeRequest.of(actor, "[release define] release plan '" + release + "' defined", 0));
    } catch (VersionConflictException e) {
      log.debug("release '{}' was defined by another instance", release);
    } catch (RuntimeException e) {
      log.warn("release '{}': its flag '{}' cannot be defined now; it is retried at the next look: {}", release,
          flagKey, e.getMessage());
    }
  }

  /**
   * The state as the toggles last heard it, put in force.
   *
   * @throws IllegalStateException when the flag is missing or cannot be read as a plan's state
   */
  public StoredPlan read() {
    Optional<FlagView> view = toggles.admin().flag(flagKey);
    if (view.isEmpty()) {
      ensureStored("release-driver");
      view = toggles.admin().flag(flagKey);
      if (view.isEmpty()) {
        throw new IllegalStateException("the flag '" + flagKey + "' of release '" + release
            + "' is missing from the store");
      }
    }
    StoredPlan s = StoredPlan.parse(view.get().effectiveDefinition(), view.get().version());
    apply(s);
    return s;
  }

  /** Re-reads the flag; failures are logged, and the state in force stays. */
  public void refresh() {
    try {
      read();
    } catch (RuntimeException e) {
      log.warn("release '{}': its flag cannot be read; routing keeps the last state: {}", release, e.getMessage());
    }
  }

  /**
   * Writes a new state if the flag is still at {@code from}'s version.
   *
   * @return the state stored, now in force
   * @throws VersionConflictException when another instance or an operator changed it first (the newer state is then
   *     read and in force)
   */
  public StoredPlan compareAndSet(StoredPlan from, StoredPlan to, String actor, String auditReason) {
    FlagView view;
    try {
      view = ReleaseFlagWrites.replaceDefinition(toggles, flagKey, definition.apply(to),
          ChangeRequest.of(actor, StoredPlan.cut(auditReason, 1000), from.version()));
    } catch (VersionConflictException e) {
      refresh();
      throw e;
    }
    StoredPlan stored = StoredPlan.parse(view.effectiveDefinition(), view.version());
    apply(stored);
    return stored;
  }

  private void apply(StoredPlan s) {
    synchronized (lock) {
      if (s.version() < inForce.version()) {
        return;
      }
      inForce = s;
      onApplied.accept(s);
    }
  }

  @Override
  public void close() {
    try {
      subscription.close();
    } catch (Exception e) {
      log.debug("closing the subscription failed", e);
    }
  }
}
