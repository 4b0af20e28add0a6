package dev.progressive.toggles.internal.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.progressive.toggles.store.AuditEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The audit entries this instance has read or written, by flag: what a read of the audit answers, marked stale,
 * while the database is unreachable. Bounded per flag (the newest entries) and in total by characters held.
 */
public final class KnownAudit {

  private static final int ENTRY_OVERHEAD = 64;

  private final int perFlag;
  private final Cache<String, List<AuditEntry>> byFlag;

  /**
   * @param perFlag the newest entries kept per flag
   * @param maxChars the characters (of actors, reasons and definitions) kept in all, roughly two bytes each
   */
  public KnownAudit(int perFlag, long maxChars) {
    this.perFlag = perFlag;
    this.byFlag = Caffeine.newBuilder().maximumWeight(maxChars)
        .<String, List<AuditEntry>>weigher((key, entries) -> (int) Math.min(Integer.MAX_VALUE, weight(entries)))
        .build();
  }

  /** Remembers entries read from or written to the database. */
  public void remember(Collection<AuditEntry> entries) {
    Map<String, List<AuditEntry>> grouped = entries.stream()
        .collect(Collectors.groupingBy(AuditEntry::flagKey, Collectors.toList()));
    grouped.forEach((flag, fresh) -> byFlag.asMap().compute(flag, (k, known) -> {
      TreeMap<Long, AuditEntry> merged = new TreeMap<>();
      if (known != null) {
        known.forEach(e -> merged.put(e.id(), e));
      }
      fresh.forEach(e -> merged.put(e.id(), e));
      while (merged.size() > perFlag) {
        merged.pollFirstEntry();
      }
      return List.copyOf(merged.values());
    }));
  }

  /**
   * The known entries of one flag (or of all, for a null key) between two instants, inclusive, oldest first: the
   * same selection as the database's, over what is known.
   */
  public List<AuditEntry> find(String flagKey, Instant from, Instant to, int limit) {
    List<AuditEntry> candidates = new ArrayList<>();
    if (flagKey == null) {
      byFlag.asMap().values().forEach(candidates::addAll);
    } else {
      List<AuditEntry> known = byFlag.getIfPresent(flagKey);
      if (known != null) {
        candidates.addAll(known);
      }
    }
    return candidates.stream().filter(e -> !e.at().isBefore(from) && !e.at().isAfter(to))
        .sorted(Comparator.comparingLong(AuditEntry::id)).limit(limit).toList();
  }

  private static long weight(List<AuditEntry> entries) {
    long chars = 0;
    for (AuditEntry e : entries) {
      chars += ENTRY_OVERHEAD + length(e.flagKey()) + length(e.action()) + length(e.actor()) + length(e.reason())
          + length(e.before()) + length(e.after());
    }
    return chars;
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }
}
