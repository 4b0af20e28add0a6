package dev.progressive.toggles.internal.store;

import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.StoredOverride;
import dev.progressive.toggles.store.VersionConflictException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One write of an override with its audit entry, in one transaction: the change counter's row lock first (so that
 * writes commit in the order of their change ids), the version compared, the override written, the audit appended,
 * and on PostgreSQL a NOTIFY; all of it, or nothing.
 */
public final class AuditedWrite {

  private static final Logger LOG = LoggerFactory.getLogger(AuditedWrite.class);

  /** What a write stored: the override as read back later, and the audit entry as appended. */
  public record Written(StoredOverride override, AuditEntry audit) {
  }

  private final FlagTables tables;
  private final OverrideRows rows;
  private final Clock clock;

  public AuditedWrite(FlagTables tables, OverrideRows rows, Clock clock) {
    this.tables = tables;
    this.rows = rows;
    this.clock = clock;
  }

  /**
   * Writes in one transaction on the session, committed when everything was written and rolled back otherwise.
   *
   * @param json the override as {@link OverrideJson} writes it
   * @param expectedVersion the flag's version the change was made against, or {@link ChangeRequest#ANY_VERSION}
   * @throws VersionConflictException when the flag's version is another, with nothing written
   */
  public Written run(DatabaseCalls.Session s, String flagKey, FlagOverride override, String json,
      long expectedVersion, AuditEntry entry) throws SQLException {
    boolean autoCommit = s.connection().getAutoCommit();
    s.connection().setAutoCommit(false);
    try {
      Written written = inTransaction(s, flagKey, override, json, expectedVersion, entry);
      s.commit();
      return written;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(s);
      throw e;
    } finally {
      s.connection().setAutoCommit(autoCommit);
    }
  }

  private Written inTransaction(DatabaseCalls.Session s, String flagKey, FlagOverride override, String json,
      long expectedVersion, AuditEntry entry) throws SQLException {
    // The counter's row lock serialises writers, so change ids commit in order and polls never skip one.
    try (Statement st = s.statement()) {
      st.executeUpdate("UPDATE " + tables.sequence() + " SET last_change = last_change + 1 WHERE id = 1");
    }
    long changeId = rows.lastChange(s);
    long current = 0;
    try (PreparedStatement ps = s.prepare("SELECT version FROM " + tables.overrides() + " WHERE flag_key = ?")) {
      ps.setString(1, flagKey);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          current = rs.getLong(1);
        }
      }
    }
    if (expectedVersion != ChangeRequest.ANY_VERSION && current != expectedVersion) {
      throw new VersionConflictException(flagKey, expectedVersion, current);
    }
    long version = current + 1;
    long now = clock.millis();
    String sql = current == 0
        ? "INSERT INTO " + tables.overrides() + " (override_json, version, change_id, updated_at, updated_by, reason, "
            + "flag_key) VALUES (?, ?, ?, ?, ?, ?, ?)"
        : "UPDATE " + tables.overrides() + " SET override_json = ?, version = ?, change_id = ?, updated_at = ?, "
            + "updated_by = ?, reason = ? WHERE flag_key = ?";
    try (PreparedStatement ps = s.prepare(sql)) {
      ps.setString(1, json);
      ps.setLong(2, version);
      ps.setLong(3, changeId);
      ps.setLong(4, now);
      ps.setString(5, entry.actor());
      ps.setString(6, entry.reason());
      ps.setString(7, flagKey);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = s.prepare("INSERT INTO " + tables.audit() + " (id, flag_key, version, action, "
        + "actor, reason, at_millis, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, changeId);
      ps.setString(2, flagKey);
      ps.setLong(3, version);
      ps.setString(4, entry.action());
      ps.setString(5, entry.actor());
      ps.setString(6, entry.reason());
      ps.setLong(7, now);
      ps.setString(8, entry.before());
      ps.setString(9, entry.after());
      ps.executeUpdate();
    }
    if (isPostgres(s)) {
      try (PreparedStatement ps = s.prepare("SELECT pg_notify(?, ?)")) {
        ps.setString(1, tables.channel());
        ps.setString(2, flagKey);
        ps.execute();
      }
    }
    Instant at = Instant.ofEpochMilli(now);
    return new Written(new StoredOverride(flagKey, override, version, changeId, at, entry.actor(), entry.reason()),
        new AuditEntry(changeId, flagKey, version, entry.action(), entry.actor(), entry.reason(), at,
            entry.before(), entry.after()));
  }

  private static void rollbackQuietly(DatabaseCalls.Session s) {
    try {
      s.connection().rollback();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("Rollback failed", e);
    }
  }

  private static boolean isPostgres(DatabaseCalls.Session s) throws SQLException {
    return s.connection().getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
  }
}
