package dev.progressive.toggles.internal.assembly;

import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.StoredOverride;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the overrides in force in step with the store: takes in the changes it reports (written here or by another
 * instance), never goes back to an older version of a flag's override, and keeps the store's health, which is STALE
 * while the store cannot be reached and the last known overrides serve.
 */
public final class OverrideSync {

  /** Logged under the facade's name, as before the split, so that users' log settings keep working. */
  private static final Logger LOG = LoggerFactory.getLogger(Failures.TOGGLES_LOGGER);

  private final FlagStore store;
  private final Clock clock;
  private final Object lock;
  private final SnapshotAssembler assembler;
  private final Consumer<SourceHealth> healthChanged;
  private final String name;
  private volatile SourceHealth health;
  /** The message last logged for the store being unavailable, so that an outage is logged once. Under the lock. */
  private String loggedError;

  /**
   * @param store the store
   * @param clock the clock of health times
   * @param lock the lock that every change of the flags in force holds
   * @param assembler assembles the snapshot with the overrides
   * @param healthChanged told when the store's status changes; it must not throw
   */
  public OverrideSync(FlagStore store, Clock clock, Object lock, SnapshotAssembler assembler,
      Consumer<SourceHealth> healthChanged) {
    this.store = store;
    this.clock = clock;
    this.lock = lock;
    this.assembler = assembler;
    this.healthChanged = healthChanged;
    this.name = "store:" + store.name();
    this.health = new SourceHealth(name, SourceHealth.Status.UP, null, null, null);
  }

  /** The store's health: UP, or STALE since it could not be reached. */
  public SourceHealth health() {
    return health;
  }

  /** Reads every override, before the first snapshot is assembled; the store is STALE when that fails. */
  public void load() {
    try {
      Collection<StoredOverride> all = store.loadAll();
      synchronized (lock) {
        assembler.overrides(latestByKey(all));
      }
    } catch (RuntimeException e) {
      unavailable(e);
    }
  }

  /**
   * Applies overrides written here or elsewhere and assembles the snapshot with them; the store is UP again.
   *
   * @param changed the overrides that changed; a flag's override older than the one in force is ignored
   * @param fullResync whether {@code changed} is every override, replacing all those in force
   */
  public void changed(Collection<StoredOverride> changed, boolean fullResync) {
    synchronized (lock) {
      Map<String, StoredOverride> next;
      if (fullResync) {
        next = latestByKey(changed);
      } else {
        next = new HashMap<>(assembler.overrides());
        for (StoredOverride stored : changed) {
          StoredOverride known = next.get(stored.flagKey());
          if (known == null || stored.version() > known.version()) {
            next.put(stored.flagKey(), stored);
          }
        }
      }
      assembler.overrides(next);
      available();
      assembler.assemble("store");
    }
  }

  /** The store cannot be reached: the last known overrides stay in force, and it is STALE until it answers. */
  public void unavailable(Exception cause) {
    synchronized (lock) {
      String message = name + " is unavailable: " + cause.getMessage();
      SourceHealth before = health;
      boolean wasUp = before.isUp();
      Instant now = clock.instant();
      health = new SourceHealth(name, SourceHealth.Status.STALE, message, before.lastSuccess(), now, List.of(),
          wasUp || before.staleSince() == null ? now : before.staleSince());
      if (!message.equals(loggedError)) {
        LOG.warn("Flag store {} is unavailable; the last known overrides stay in force: {}", store.name(),
            cause.toString());
        loggedError = message;
      }
      if (wasUp) {
        healthChanged.accept(health);
      }
    }
  }

  /** Under the lock. */
  private void available() {
    boolean wasDown = !health.isUp();
    health = new SourceHealth(name, SourceHealth.Status.UP, null, clock.instant(), health.lastFailure());
    if (wasDown) {
      LOG.info("Flag store {} is available again; overrides are in sync", store.name());
      loggedError = null;
      healthChanged.accept(health);
    }
  }

  /** The override of highest version of each flag. */
  static Map<String, StoredOverride> latestByKey(Collection<StoredOverride> all) {
    Map<String, StoredOverride> map = new HashMap<>();
    for (StoredOverride stored : all) {
      map.merge(stored.flagKey(), stored, (a, b) -> b.version() >= a.version() ? b : a);
    }
    return map;
  }
}
