package dev.progressive.toggles.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The embedded store: overrides and audit in this process's memory, lost at restart. The default of
 * {@link dev.progressive.toggles.Toggles}; use {@link JdbcFlagStore} to share changes between instances and keep
 * them across restarts.
 *
 * <p>The audit keeps at most {@code maxAuditEntries} entries (default 10,000), dropping the oldest.
 */
public final class InMemoryFlagStore implements FlagStore {

  private final Clock clock;
  private final int maxAuditEntries;
  private final Map<String, StoredOverride> overrides = new HashMap<>();
  private final List<AuditEntry> audit = new ArrayList<>();
  private long sequence;

  public InMemoryFlagStore() {
    this(Clock.systemUTC(), 10_000);
  }

  public InMemoryFlagStore(Clock clock, int maxAuditEntries) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxAuditEntries < 1) {
      throw new IllegalArgumentException("maxAuditEntries must be at least 1, was " + maxAuditEntries);
    }
    this.maxAuditEntries = maxAuditEntries;
  }

  @Override
  public String name() {
    return "in-memory";
  }

  @Override
  public synchronized Collection<StoredOverride> loadAll() {
    return List.copyOf(overrides.values());
  }

  @Override
  public synchronized StoredOverride write(String flagKey, FlagOverride override, long expectedVersion,
      AuditEntry entry) {
    StoredOverride current = overrides.get(flagKey);
    long currentVersion = current == null ? 0 : current.version();
    if (expectedVersion != ChangeRequest.ANY_VERSION && currentVersion != expectedVersion) {
      throw new VersionConflictException(flagKey, expectedVersion, currentVersion);
    }
    long id = ++sequence;
    Instant now = clock.instant();
    StoredOverride stored = new StoredOverride(flagKey, override, currentVersion + 1, id, now, entry.actor(),
        entry.reason());
    overrides.put(flagKey, stored);
    audit.add(new AuditEntry(id, flagKey, stored.version(), entry.action(), entry.actor(), entry.reason(), now,
        entry.before(), entry.after()));
    if (audit.size() > maxAuditEntries) {
      audit.remove(0);
    }
    return stored;
  }

  @Override
  public synchronized List<AuditEntry> history(String flagKey, Instant from, Instant to, int limit) {
    List<AuditEntry> out = new ArrayList<>();
    for (AuditEntry e : audit) {
      if ((flagKey == null || e.flagKey().equals(flagKey)) && !e.at().isBefore(from) && !e.at().isAfter(to)) {
        out.add(e);
        if (out.size() >= limit) {
          break;
        }
      }
    }
    return out;
  }
}
