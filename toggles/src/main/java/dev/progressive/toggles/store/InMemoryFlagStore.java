package dev.progressive.toggles.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The embedded store: overrides and audit in this process's memory, lost at restart. The default of
 * {@link dev.progressive.toggles.Toggles}; use {@link JdbcFlagStore} to share changes between instances and keep
 * them across restarts.
 *
 * <p>The audit keeps at most {@code maxAuditEntries} entries (default 10,000) and at most {@code maxAuditBytes} of
 * text (default {@value #DEFAULT_MAX_AUDIT_BYTES} bytes: keys, actors, reasons and the definitions before and after,
 * two bytes a character, plus {@value #ENTRY_OVERHEAD_BYTES} bytes an entry), dropping the oldest entries first. The
 * latest entry is always kept.
 */
public final class InMemoryFlagStore implements FlagStore {

  /** The default bound of the audit's text, in bytes: 32 MiB. */
  public static final long DEFAULT_MAX_AUDIT_BYTES = 32L * 1024 * 1024;

  /** What one audit entry is counted for besides its text. */
  static final int ENTRY_OVERHEAD_BYTES = 128;

  private final Clock clock;
  private final int maxAuditEntries;
  private final long maxAuditBytes;
  private final Map<String, StoredOverride> overrides = new HashMap<>();
  private final Deque<AuditEntry> audit = new ArrayDeque<>();
  private long auditBytes;
  private long sequence;

  public InMemoryFlagStore() {
    this(Clock.systemUTC(), 10_000);
  }

  public InMemoryFlagStore(Clock clock, int maxAuditEntries) {
    this(clock, maxAuditEntries, DEFAULT_MAX_AUDIT_BYTES);
  }

  /**
   * Creates the store.
   *
   * @param clock when changes happen
   * @param maxAuditEntries the most audit entries kept, at least 1
   * @param maxAuditBytes the most bytes of audit text kept (see the class's documentation), at least 1
   */
  public InMemoryFlagStore(Clock clock, int maxAuditEntries, long maxAuditBytes) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxAuditEntries < 1) {
      throw new IllegalArgumentException("maxAuditEntries must be at least 1, was " + maxAuditEntries);
    }
    if (maxAuditBytes < 1) {
      throw new IllegalArgumentException("maxAuditBytes must be at least 1, was " + maxAuditBytes);
    }
    this.maxAuditEntries = maxAuditEntries;
    this.maxAuditBytes = maxAuditBytes;
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
    AuditEntry kept = new AuditEntry(id, flagKey, stored.version(), entry.action(), entry.actor(), entry.reason(),
        now, entry.before(), entry.after());
    audit.addLast(kept);
    auditBytes += bytes(kept);
    while (audit.size() > 1 && (audit.size() > maxAuditEntries || auditBytes > maxAuditBytes)) {
      auditBytes -= bytes(audit.removeFirst());
    }
    return stored;
  }

  /** The bytes of audit text kept now, as counted against {@code maxAuditBytes}. */
  public synchronized long auditBytes() {
    return auditBytes;
  }

  static long bytes(AuditEntry e) {
    return ENTRY_OVERHEAD_BYTES + 2L * (length(e.flagKey()) + length(e.action()) + length(e.actor())
        + length(e.reason()) + length(e.before()) + length(e.after()));
  }

  private static long length(String s) {
    return s == null ? 0 : s.length();
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
