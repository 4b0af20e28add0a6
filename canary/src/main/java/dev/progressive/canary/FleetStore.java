package dev.progressive.canary;

import dev.progressive.canary.internal.InMemoryFleetStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the instances of a service share what each saw of a canary, so that the fleet judges once: every instance
 * publishes its cumulative window of the current step, and one instance at a time holds the canary's analysis lease,
 * sums the windows and judges.
 *
 * <p>Two come with Progressive: {@link #inMemory()}, for the instances of one JVM (and, unshared, the default of
 * each canary), and {@link JdbcFleetStore}, shared by every instance through PostgreSQL. A store is a dumb table:
 * what a window holds is opaque to it ({@link WindowRow#format()} and {@link WindowRow#payload()}), so that
 * instances of two versions of Progressive can share one.
 *
 * <p>Every method may throw when the store cannot be reached; the canary then routes on at its last weight and tries
 * again at the next analysis interval. A window is a cumulative total published by upsert, so a publish that failed
 * loses nothing and one that is repeated counts nothing twice.
 */
public interface FleetStore {

  /**
   * Stores (inserts or replaces) one instance's cumulative window of one step.
   *
   * @param key the canary, step and step start
   * @param row the instance and what it saw since the step started
   */
  void publish(WindowKey key, WindowRow row) throws Exception;

  /** Every instance's window of one step, in no particular order. */
  List<WindowRow> windows(WindowKey key) throws Exception;

  /** Deletes the canary's windows of every step but {@code keep}, or all of them when {@code keep} is empty. */
  void retainOnly(String canary, Optional<WindowKey> keep) throws Exception;

  /** The canary's analysis lease, or empty when none was ever taken. */
  Optional<Lease> lease(String canary) throws Exception;

  /**
   * Writes the lease if it is still at {@code expectedVersion} (0: no lease row yet), giving it the version
   * {@code expectedVersion + 1}.
   *
   * @return whether it was written; false when another instance wrote it first
   */
  boolean compareAndSetLease(String canary, long expectedVersion, String holder, long expiresAtMillis)
      throws Exception;

  /** A store of this JVM only, for several instances in one process (tests, simulations) or one instance alone. */
  static FleetStore inMemory() {
    return new InMemoryFleetStore();
  }

  /**
   * Checks an instance's id as every user of a fleet store takes it: 1 to 200 characters, not blank (it is stored
   * beside each window and as the lease's holder).
   *
   * @return the id
   * @throws IllegalArgumentException naming the id when it does not fit
   */
  static String checkInstanceId(String instanceId) {
    Objects.requireNonNull(instanceId, "instanceId");
    if (instanceId.isBlank() || instanceId.length() > 200) {
      throw new IllegalArgumentException("instanceId must be 1 to 200 characters, not blank; was '" + instanceId
          + "'");
    }
    return instanceId;
  }

  /**
   * Which window: one step of one canary, as started at one moment (a resumed step starts a new window).
   *
   * @param canary the canary's name
   * @param step the step's index
   * @param stepStartedAt when the step started, epoch millis, as stored in the canary's flag
   */
  record WindowKey(String canary, int step, long stepStartedAt) {
    public WindowKey {
      Objects.requireNonNull(canary, "canary");
    }
  }

  /**
   * One instance's window.
   *
   * @param instance the instance's id
   * @param format the payload's format version; a reader skips formats it does not know
   * @param payload the window, encoded
   * @param publishedAtMillis when it was published, by the instance's clock
   */
  record WindowRow(String instance, int format, byte[] payload, long publishedAtMillis) {
    public WindowRow {
      Objects.requireNonNull(instance, "instance");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /**
   * The analysis lease of one canary.
   *
   * @param holder the instance that holds it
   * @param expiresAtMillis when it expires unless renewed, epoch millis by the holder's clock
   * @param version incremented by every write; the next compare-and-set expects it
   */
  record Lease(String holder, long expiresAtMillis, long version) {
    public Lease {
      Objects.requireNonNull(holder, "holder");
    }
  }
}
