package dev.progressive.release.internal;

import dev.progressive.release.ReleaseState;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.internal.reserved.ReleaseFlagWrites;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.VersionConflictException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A release plan's live state in the toggles store, the flag {@code release.<name>}: reads it, writes it by
 * compare-and-set on its version (one write, with its audit entry, or nothing), and keeps the newest state read in
 * force for routing through a listener on the toggles. When the store cannot be read, the state in force stays.
 *
 * <p>A completed plan's flag can be removed ({@link #removeCompleted}). The flag's audit keeps the removal, and that is
 * how every instance, including one started later, knows the plan as COMPLETED without its flag: a plan's flag is
 * never defined again once removed, so nobody is sent back to the old implementation.
 */
public final class PlanStateStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PlanStateStore.class);
  /** How the audit reason of a plan flag's removal begins. */
  static final String REMOVAL = "[release remove-flags]";
  private static final int AUDIT_PAGE = 200;
  private static final int MAX_AUDIT_PAGES = 50;

  private final String release;
  private final String flagKey;
  private final Toggles toggles;
  private final Function<StoredPlan, String> definition;
  private final Consumer<StoredPlan> onApplied;
  private final Object lock = new Object();
  private final AutoCloseable subscription;
  private volatile StoredPlan inForce = StoredPlan.initial();
  /** Whether this instance has seen the flag: a flag missing after that was removed, and is not defined again. */
  private volatile boolean seen;
  /** The completed state of a plan whose flag was removed, once this instance has read the removal. */
  private volatile StoredPlan removed;

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
      if (toggles.admin().flag(flagKey).isPresent() || removal().isPresent()) {
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
   * The state as the toggles last heard it, put in force. When the flag is missing: after a removal (the flag's last
   * audit entry), the plan is COMPLETED; a flag this instance never saw is defined at PENDING (its definition failed
   * at construction); a flag it saw, gone without a removal (a database edit), is not defined again.
   *
   * @throws IllegalStateException when the flag is missing, and was not removed, or cannot be read as a plan's state
   */
  public StoredPlan read() {
    Optional<FlagView> view = toggles.admin().flag(flagKey);
    if (view.isEmpty()) {
      Optional<StoredPlan> gone = removal();
      if (gone.isPresent()) {
        apply(gone.get());
        return gone.get();
      }
      if (seen) {
        throw new IllegalStateException("the flag '" + flagKey + "' of release '" + release + "' is missing from "
            + "the store; routing keeps the last state, and the flag is not defined again");
      }
      ensureStored("release-driver");
      view = toggles.admin().flag(flagKey);
      if (view.isEmpty()) {
        throw new IllegalStateException("the flag '" + flagKey + "' of release '" + release
            + "' is missing from the store");
      }
    }
    seen = true;
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
    seen = true;
    StoredPlan stored = StoredPlan.parse(view.effectiveDefinition(), view.version());
    apply(stored);
    return stored;
  }

  /** Whether this instance has read that the plan's flag was removed. */
  public boolean removed() {
    return removed != null && toggles.admin().flag(flagKey).isEmpty();
  }

  /**
   * Removes the flag of a completed plan, if it is still at {@code completed}'s version, with its audit entry; the
   * plan stays COMPLETED here and, once they hear of it, on every instance.
   *
   * @return the state now in force: COMPLETED, its evidence saying who removed the flag (nothing is written when the
   *     flag is gone already)
   * @throws VersionConflictException when the flag changed meanwhile
   * @throws IllegalArgumentException when the plan is not completed
   */
  public StoredPlan removeCompleted(StoredPlan completed, String actor, String reason) {
    if (completed.state() != ReleaseState.COMPLETED) {
      throw new IllegalArgumentException("only a completed plan's flag is removed; release '" + release + "' is "
          + completed.state());
    }
    if (toggles.admin().flag(flagKey).isEmpty()) {
      return read(); // removed already
    }
    ReleaseFlagWrites.removeOverride(toggles, flagKey, ChangeRequest.of(actor,
        StoredPlan.cut(REMOVAL + " " + reason, 1000), completed.version()));
    return read();
  }

  /**
   * The completed state of a plan whose flag was removed, from the flag's last audit entry, or empty when the flag's
   * last change was no removal (or it has no audit).
   */
  private Optional<StoredPlan> removal() {
    StoredPlan known = removed;
    if (known != null) {
      return Optional.of(known);
    }
    AuditEntry last = null;
    AuditEntry removal = null; // the newest removal of an existing flag (a second one finds it gone: before is null)
    Instant from = Instant.EPOCH;
    // the audit comes oldest first, a page at a time; a plan's flag has a few dozen entries
    for (int page = 0; page < MAX_AUDIT_PAGES; page++) {
      List<AuditEntry> entries = toggles.admin().history(flagKey, from, Instant.MAX, AUDIT_PAGE);
      AuditEntry newest = last;
      for (AuditEntry e : entries) {
        if (newest == null || e.id() > newest.id()) {
          newest = e;
          if (e.reason().startsWith(REMOVAL) && e.before() != null) {
            removal = e;
          }
        }
      }
      if (newest == last) {
        break;
      }
      last = newest;
      if (entries.size() < AUDIT_PAGE) {
        break;
      }
      from = last.at();
    }
    if (last == null || removal == null || last.after() != null || !last.reason().startsWith(REMOVAL)) {
      return Optional.empty();
    }
    StoredPlan before = StoredPlan.parse(removal.before(), last.version());
    if (before.state() != ReleaseState.COMPLETED) {
      return Optional.empty();
    }
    StoredPlan gone = before.next(ReleaseState.COMPLETED, before.stage(), before.stageStartedAt(), "its flag was "
        + "removed by " + removal.actor() + " at " + removal.at() + ": "
        + removal.reason().substring(REMOVAL.length()).strip())
        .withVersion(last.version());
    removed = gone;
    return Optional.of(gone);
  }

  private void apply(StoredPlan s) {
    synchronized (lock) {
      if (s.version() < inForce.version()) {
        return;
      }
      // first what comes with the state (the stage's window of counts), then the state: whoever sees the new state
      // in force (a caller, a test that waits for it) finds its window already counting
      onApplied.accept(s);
      inForce = s;
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
