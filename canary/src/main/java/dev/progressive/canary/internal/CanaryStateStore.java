package dev.progressive.canary.internal;

import dev.progressive.toggles.internal.reserved.CanaryFlagWrites;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.VersionConflictException;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A canary's live state in the toggles store, the flag {@code canary.<name>}: reads it, writes it by compare-and-set
 * on its version, and keeps the newest state read in force (for routing) through a listener. A flag that disappears
 * (an edit in the database) is reported once, and the canary recovers when it returns.
 */
public final class CanaryStateStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CanaryStateStore.class);

  private final CanaryRelease release;
  private final String flagKey;
  private final Toggles toggles;
  private final Consumer<StoredCanary> onApplied;
  private final Object lock = new Object();
  private final AutoCloseable subscription;
  private volatile StoredCanary inForce = StoredCanary.initial();
  /** Whether the flag was missing at the last read; under lock. */
  private boolean missing;

  /**
   * @param onApplied called with every state put in force, in version order, under this store's lock: it must be
   *     quick and must not call the toggles
   */
  public CanaryStateStore(CanaryRelease release, Toggles toggles, String actor, Consumer<StoredCanary> onApplied) {
    this.release = release;
    this.flagKey = release.flagKey();
    this.toggles = toggles;
    this.onApplied = onApplied;
    this.subscription = toggles.onChange(changed -> {
      if (changed.keys().contains(flagKey)) {
        refresh();
      }
    });
    ensureStored(actor);
    refresh();
  }

  /** The state in force on this instance: the newest read. */
  public StoredCanary inForce() {
    return inForce;
  }

  /** Whether the flag was missing from the store at the last read. */
  public boolean missing() {
    synchronized (lock) {
      return missing;
    }
  }

  /** Creates the flag at PENDING when no instance has yet. */
  private void ensureStored(String actor) {
    if (toggles.admin().flag(flagKey).isPresent()) {
      return;
    }
    try {
      CanaryFlagWrites.replaceDefinition(toggles, flagKey, StoredCanary.initial().definition(release.name()),
          ChangeRequest.of(actor, "[canary define] canary '" + release.name() + "' defined", 0));
    } catch (VersionConflictException e) {
      log.debug("canary '{}' was defined by another instance", release.name());
    }
  }

  /**
   * The state as the toggles last heard it, put in force; empty (reported once) when the flag is missing.
   *
   * @throws IllegalStateException when the flag cannot be read as a canary's state
   */
  public Optional<StoredCanary> read() {
    Optional<FlagView> view = toggles.admin().flag(flagKey);
    if (view.isEmpty()) {
      synchronized (lock) {
        if (!missing) {
          missing = true;
          log.warn("canary '{}': its flag '{}' is missing from the store; routing keeps the last weight ({}%) and "
              + "nothing is judged until the flag is back", release.name(), flagKey, inForce.weight() / 100.0);
        }
      }
      return Optional.empty();
    }
    StoredCanary s = StoredCanary.parse(view.get().effectiveDefinition(), view.get().version());
    synchronized (lock) {
      if (missing) {
        missing = false;
        log.info("canary '{}': its flag '{}' is back, at {} {}%", release.name(), flagKey, s.state(),
            s.weight() / 100.0);
      }
    }
    apply(s);
    return Optional.of(s);
  }

  /**
   * The state as the toggles last heard it.
   *
   * @throws IllegalStateException naming the flag when it is missing
   */
  public StoredCanary require() {
    return read().orElseThrow(() -> new IllegalStateException("the flag '" + flagKey + "' of canary '"
        + release.name() + "' is missing from the store; it is recreated only by defining the canary again"));
  }

  /** Re-reads the flag; failures are logged, and routing keeps the last weight. */
  public void refresh() {
    try {
      read();
    } catch (RuntimeException e) {
      log.warn("canary '{}': its flag cannot be read; routing keeps the last weight: {}", release.name(),
          e.getMessage());
    }
  }

  /**
   * Writes a new state if the flag is still at {@code from}'s version.
   *
   * @return the state stored, now in force
   * @throws VersionConflictException when another instance or an operator changed it first (the newer state is
   *     then read and in force)
   */
  public StoredCanary compareAndSet(StoredCanary from, StoredCanary to, String actor, String auditReason) {
    FlagView view;
    try {
      view = CanaryFlagWrites.replaceDefinition(toggles, flagKey, to.definition(release.name()),
          ChangeRequest.of(actor, auditReason, from.version()));
    } catch (VersionConflictException e) {
      refresh();
      throw e;
    }
    StoredCanary stored = StoredCanary.parse(view.effectiveDefinition(), view.version());
    apply(stored);
    return stored;
  }

  /**
   * Puts a state in force, unless a newer one already is: two threads can apply at once (the store's listener and a
   * caller re-reading after a lost compare-and-set), and an older read must not overwrite a newer one.
   */
  private void apply(StoredCanary s) {
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
