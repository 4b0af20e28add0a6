package dev.progressive.canary.internal;

import dev.progressive.canary.FleetStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link FleetStore} in this JVM's memory. Holds at most one window per instance and current step of each canary
 * (older steps are deleted by {@link #retainOnly}), and one lease per canary. Thread-safe.
 */
public final class InMemoryFleetStore implements FleetStore {

  private final Map<WindowKey, Map<String, WindowRow>> windows = new HashMap<>();
  private final Map<String, Lease> leases = new HashMap<>();

  @Override
  public synchronized void publish(WindowKey key, WindowRow row) {
    windows.computeIfAbsent(key, k -> new HashMap<>()).put(row.instance(), row);
  }

  @Override
  public synchronized List<WindowRow> windows(WindowKey key) {
    return new ArrayList<>(windows.getOrDefault(key, Map.of()).values());
  }

  @Override
  public synchronized void retainOnly(String canary, Optional<WindowKey> keep) {
    windows.keySet().removeIf(k -> k.canary().equals(canary) && !keep.map(k::equals).orElse(false));
  }

  @Override
  public synchronized Optional<Lease> lease(String canary) {
    return Optional.ofNullable(leases.get(canary));
  }

  @Override
  public synchronized boolean compareAndSetLease(String canary, long expectedVersion, String holder,
      long expiresAtMillis) {
    Lease current = leases.get(canary);
    long version = current == null ? 0 : current.version();
    if (version != expectedVersion) {
      return false;
    }
    leases.put(canary, new Lease(holder, expiresAtMillis, version + 1));
    return true;
  }
}
