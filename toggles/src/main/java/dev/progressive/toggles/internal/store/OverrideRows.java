package dev.progressive.toggles.internal.store;

import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.StoredOverride;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDBC store's reads, as SQL on one session: the change counter, the overrides (all of them, or those changed
 * within a range of change ids) and the audit within a time range.
 */
public final class OverrideRows {

  /** The override columns that {@link #rows} reads, in its order; followed by the table. */
  private static final String COLUMNS =
      "SELECT flag_key, override_json, version, change_id, updated_at, updated_by, reason FROM ";

  private final FlagTables tables;

  public OverrideRows(FlagTables tables) {
    this.tables = tables;
  }

  /** The store-wide change counter: the change id of the last committed write, 0 before any. */
  public long lastChange(DatabaseCalls.Session s) throws SQLException {
    try (Statement st = s.statement();
        ResultSet rs = st.executeQuery("SELECT last_change FROM " + tables.sequence() + " WHERE id = 1")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Every override. */
  public List<StoredOverride> all(DatabaseCalls.Session s) throws SQLException {
    try (PreparedStatement ps = s.prepare(COLUMNS + tables.overrides())) {
      return rows(ps);
    }
  }

  /** The overrides whose change id is above {@code after} and at most {@code upTo}. */
  public List<StoredOverride> changed(DatabaseCalls.Session s, long after, long upTo) throws SQLException {
    try (PreparedStatement ps = s.prepare(COLUMNS + tables.overrides() + " WHERE change_id > ? AND change_id <= ?")) {
      ps.setLong(1, after);
      ps.setLong(2, upTo);
      return rows(ps);
    }
  }

  /** The overrides that a query of the override columns, in table order, answers. */
  private static List<StoredOverride> rows(PreparedStatement ps) throws SQLException {
    List<StoredOverride> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new StoredOverride(rs.getString(1), OverrideJson.read(rs.getString(2)), rs.getLong(3),
            rs.getLong(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getString(7)));
      }
    }
    return out;
  }

  /**
   * The audit entries from {@code from} to {@code to} (both included), of one flag or of all when {@code flagKey} is
   * null, oldest first, at most {@code limit}.
   */
  public List<AuditEntry> audit(DatabaseCalls.Session s, String flagKey, Instant from, Instant to, int limit)
      throws SQLException {
    String sql = "SELECT id, flag_key, version, action, actor, reason, at_millis, before_json, after_json FROM "
        + tables.audit() + " WHERE at_millis >= ? AND at_millis <= ?" + (flagKey == null ? "" : " AND flag_key = ?")
        + " ORDER BY id";
    try (PreparedStatement ps = s.prepare(sql)) {
      ps.setMaxRows(limit);
      ps.setLong(1, millis(from));
      ps.setLong(2, millis(to));
      if (flagKey != null) {
        ps.setString(3, flagKey);
      }
      List<AuditEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && out.size() < limit) {
          out.add(new AuditEntry(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
              rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8), rs.getString(9)));
        }
      }
      return out;
    }
  }

  /** An instant as epoch milliseconds, with instants beyond the range of a long clamped to its ends. */
  static long millis(Instant i) {
    if (i.isBefore(Instant.ofEpochMilli(Long.MIN_VALUE / 2))) {
      return Long.MIN_VALUE;
    }
    if (i.isAfter(Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
      return Long.MAX_VALUE;
    }
    return i.toEpochMilli();
  }
}
