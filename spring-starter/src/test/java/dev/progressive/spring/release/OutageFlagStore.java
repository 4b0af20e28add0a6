package dev.progressive.spring.release;

import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.InMemoryFlagStore;
import dev.progressive.toggles.store.StoreUnavailableException;
import dev.progressive.toggles.store.StoredOverride;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** An in-memory store whose writes fail at once, as an unreachable database's do, while {@link #down} is set. */
final class OutageFlagStore implements FlagStore {

  final AtomicBoolean down = new AtomicBoolean();
  final InMemoryFlagStore delegate = new InMemoryFlagStore();

  @Override
  public String name() {
    return "outage";
  }

  @Override
  public Collection<StoredOverride> loadAll() {
    return delegate.loadAll();
  }

  @Override
  public StoredOverride write(String flagKey, FlagOverride override, long expectedVersion, AuditEntry audit) {
    if (down.get()) {
      throw new StoreUnavailableException("the store 'outage' is unreachable", null);
    }
    return delegate.write(flagKey, override, expectedVersion, audit);
  }

  @Override
  public List<AuditEntry> history(String flagKey, Instant from, Instant to, int limit) {
    if (down.get()) {
      throw new StoreUnavailableException("the store 'outage' is unreachable", null, List.of());
    }
    return delegate.history(flagKey, from, to, limit);
  }

  @Override
  public Optional<StoredOverride> read(String flagKey) {
    return delegate.read(flagKey);
  }

  @Override
  public void watch(StoreListener listener) {
    delegate.watch(listener);
  }

  @Override
  public boolean isAvailable() {
    return !down.get();
  }
}
