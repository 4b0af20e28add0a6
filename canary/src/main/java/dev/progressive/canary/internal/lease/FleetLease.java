package dev.progressive.canary.internal.lease;

import dev.progressive.canary.FleetStore;
import java.time.Duration;
import java.util.Optional;

/**
 * One instance's side of a lease in the {@link FleetStore}: a row with a holder and an expiry, taken and renewed by
 * compare-and-set on its version, so that one instance of the fleet at a time acts. A canary's analysis lease is one,
 * under the canary's name; a release plan's driver lease is another, under {@code release:<name>}, which no canary
 * name can take. The holder renews it at every look and once more just before each transition; an instance whose
 * renewal fails (another took over while it was paused) steps down.
 *
 * <p>The expiry is written by the holder's clock and read by the others': clocks must agree to within the margin
 * between the lease's duration and the look interval (half an interval). Not thread-safe: the caller's lock guards
 * it. The module descriptor exports this package to the release module alone.
 */
public final class FleetLease {

  private final FleetStore store;
  private final String key;
  private final String instance;
  private final long durationMillis;
  /** The version this instance last wrote, or -1 when it does not hold the lease. */
  private long heldVersion = -1;

  /**
   * @param key the lease's key in the store
   * @param instance this instance's id, unique in the fleet
   * @param duration how long a lease taken or renewed now lasts
   */
  public FleetLease(FleetStore store, String key, String instance, Duration duration) {
    this.store = store;
    this.key = key;
    this.instance = instance;
    this.durationMillis = duration.toMillis();
  }

  /** Whether this instance held the lease after its last attempt. */
  public boolean held() {
    return heldVersion >= 0;
  }

  /**
   * Renews the lease when this instance holds it, or takes it when nobody holds it or it expired.
   *
   * @return whether this instance holds it now
   */
  public boolean holdOrTake(long nowMillis) throws Exception {
    Optional<FleetStore.Lease> lease = store.lease(key);
    long expected = lease.map(FleetStore.Lease::version).orElse(0L);
    if (lease.isPresent()) {
      FleetStore.Lease l = lease.get();
      boolean mine = l.holder().equals(instance);
      if (!mine && l.expiresAtMillis() > nowMillis) {
        heldVersion = -1;
        return false;
      }
    }
    return write(expected, nowMillis);
  }

  /**
   * Renews the lease just before a transition.
   *
   * @return false when another instance took it since this one last held it: this instance steps down
   */
  public boolean confirm(long nowMillis) throws Exception {
    if (heldVersion < 0) {
      return false;
    }
    return write(heldVersion, nowMillis);
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
