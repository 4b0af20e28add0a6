package dev.progressive.release;

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
 * An in-memory flag store shared by the toggles of several instances in one test, which tells every instance of every
 * write at once (on the writer's thread), as the JDBC store's LISTEN/NOTIFY does.
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
}
