package dev.progressive.release.internal;

import dev.progressive.canary.FleetStore;
import java.time.Duration;
import java.util.Optional;

/**
 * One instance's side of a release plan's driver lease: the same kind of row as a canary's analysis lease, in the
 * same {@link FleetStore} (under the key {@code release:<name>}, which no canary name can take), taken and renewed by
 * compare-and-set on its version. The holder renews it at every look and once more just before each automatic
 * transition; an instance whose renewal fails steps down. Not thread-safe: the driver's lock guards it.
 */
final class DriverLease {

  private final FleetStore store;
  private final String key;
  private final String instance;
  private final long durationMillis;
  private long heldVersion = -1;

  DriverLease(FleetStore store, String key, String instance, Duration duration) {
    this.store = store;
    this.key = key;
    this.instance = instance;
    this.durationMillis = duration.toMillis();
  }

  boolean held() {
    return heldVersion >= 0;
  }

  /** Renews the lease when this instance holds it, or takes it when nobody holds it or it expired. */
  boolean holdOrTake(long nowMillis) throws Exception {
    Optional<FleetStore.Lease> lease = store.lease(key);
    long expected = lease.map(FleetStore.Lease::version).orElse(0L);
    if (lease.isPresent() && !lease.get().holder().equals(instance) && lease.get().expiresAtMillis() > nowMillis) {
      heldVersion = -1;
      return false;
    }
    return write(expected, nowMillis);
  }

  /** Renews the lease just before a transition; false when another instance took it meanwhile. */
  boolean confirm(long nowMillis) throws Exception {
    return heldVersion >= 0 && write(heldVersion, nowMillis);
  }

  private boolean write(long expected, long nowMillis) throws Exception {
    if (store.compareAndSetLease(key, expected, instance, nowMillis + durationMillis)) {
      heldVersion = expected + 1;
      return true;
    }
    heldVersion = -1;
    return false;
  }
}
