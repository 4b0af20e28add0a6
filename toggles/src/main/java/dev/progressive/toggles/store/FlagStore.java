package dev.progressive.toggles.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Where ops' changes to flags are kept, as overrides over the sources, with their audit. Every write is a
 * compare-and-set on the flag's version and appends to the audit in the same transaction: a change is stored whole
 * with its audit entry, or not at all.
 *
 * <p>Two kinds come with Progressive: {@link InMemoryFlagStore}, the embedded default, and {@link JdbcFlagStore},
 * shared by all instances of a service through a database.
 */
public interface FlagStore extends AutoCloseable {

  /** A name for logs and health, e.g. {@code jdbc} or {@code in-memory}. */
  String name();

  /**
   * Every override, including removed ones ({@link FlagOverride#NONE}), so their versions are known.
   *
   * @throws StoreUnavailableException when the store cannot be read
   */
  Collection<StoredOverride> loadAll();

  /**
   * Writes one flag's override and its audit entry, if the flag is still at {@code expectedVersion}.
   *
   * @param flagKey the flag
   * @param override the new override; {@link FlagOverride#NONE} removes it
   * @param expectedVersion the version the change was decided on, or {@link ChangeRequest#ANY_VERSION} to write over
   *     whatever version is current (last writer wins; never a conflict)
   * @param audit the entry to append; its id, version and time are assigned by the store
   * @return what is now stored, with its new version
   * @throws VersionConflictException when the flag is at another version; nothing is stored
   * @throws StoreDataException when the store cannot hold the data (a value too long, a NUL character); nothing is
   *     stored, and the store's availability is unchanged
   * @throws StoreUnavailableException when the store cannot be written; nothing is stored
   */
  StoredOverride write(String flagKey, FlagOverride override, long expectedVersion, AuditEntry audit);

  /**
   * The audit of one flag between two instants (inclusive), oldest first; or of every flag when the key is null.
   *
   * @throws StoreUnavailableException when the store cannot be read; its {@link StoreUnavailableException#knownHistory()}
   *     holds what this instance knows of the answer
   */
  List<AuditEntry> history(String flagKey, Instant from, Instant to, int limit);

  /**
   * The last known override of one flag, from memory, without waiting on the store; empty when none is known. A
   * change is decided on the newer of this and what the evaluator has applied.
   */
  default java.util.Optional<StoredOverride> read(String flagKey) {
    return java.util.Optional.empty();
  }

  /**
   * Starts telling the listener about changes written by others (other instances of the service). Called once.
   * The default reports nothing: a store of this process alone sees every write through {@link #write}.
   */
  default void watch(StoreListener listener) {}

  /** Whether the store answered its last call. */
  default boolean isAvailable() {
    return true;
  }

  /**
   * What ops should know of how this store works now, while it serves, when that is not as configured: e.g. that
   * changes reach this instance only by polling because it cannot LISTEN. Shown as the {@link
   * dev.progressive.toggles.source.SourceHealth#notice() notice} of the store's health. Empty by default.
   */
  default java.util.Optional<String> notice() {
    return java.util.Optional.empty();
  }

  @Override
  default void close() {}

  /** Receives changes and availability from a watching store, on the store's own thread. */
  interface StoreListener {

    /** Overrides written elsewhere, or all of them after a resync. */
    void changed(Collection<StoredOverride> overrides, boolean fullResync);

    /** The store could not be reached; the last known overrides stay in force. */
    void unavailable(Exception cause);
  }
}
