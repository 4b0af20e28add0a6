package dev.progressive.canary;

import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.InMemoryFlagStore;
import dev.progressive.toggles.store.StoredOverride;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory flag store shared by several {@link dev.progressive.toggles.Toggles} of one test, which, like the JDBC
 * store's LISTEN/NOTIFY, tells every instance of every write at once (on the writer's thread).
 */
final class SharedFlagStore implements FlagStore {

  private final InMemoryFlagStore store;
  private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();

  SharedFlagStore(Clock clock) {
    this.store = new InMemoryFlagStore(clock, 10_000);
  }

  @Override
  public String name() {
    return "shared-in-memory";
  }

  @Override
  public Collection<StoredOverride> loadAll() {
    return store.loadAll();
  }

  @Override
  public StoredOverride write(String flagKey, FlagOverride override, long expectedVersion, AuditEntry audit) {
    StoredOverride stored = store.write(flagKey, override, expectedVersion, audit);
    for (StoreListener listener : listeners) {
      listener.changed(List.of(stored), false);
    }
    return stored;
  }

  @Override
  public List<AuditEntry> history(String flagKey, Instant from, Instant to, int limit) {
    return store.history(flagKey, from, to, limit);
  }

  @Override
  public void watch(StoreListener listener) {
    listeners.add(listener);
  }

  /** The flag's current version, 0 when it was never written. */
  long version(String flagKey) {
    return store.loadAll().stream().filter(o -> o.flagKey().equals(flagKey)).mapToLong(StoredOverride::version)
        .findFirst().orElse(0);
  }

  /** Writes behind every instance's back, as an edit in the database would. */
  StoredOverride edit(String flagKey, FlagOverride override) {
    return write(flagKey, override, version(flagKey), new AuditEntry(0, flagKey, 0, "edit", "dba", "by hand",
        Instant.EPOCH, null, null));
  }
}
