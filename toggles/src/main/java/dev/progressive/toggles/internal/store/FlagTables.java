package dev.progressive.toggles.internal.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The JDBC store's tables under one prefix: their names, their column limits, and creating them when absent and
 * checking their schema version. Plain SQL that PostgreSQL and H2 both take.
 */
public final class FlagTables {

  /** The schema version this code reads and writes. */
  public static final int SCHEMA_VERSION = 1;
  /** The longest flag key, actor name and override reason the columns hold, in characters. */
  public static final int MAX_KEY = 255;
  public static final int MAX_ACTOR = 255;
  public static final int MAX_REASON = 2000;
  public static final int MAX_ACTION = 64;
  /** The longest override or definition JSON the columns hold, in characters. */
  public static final int MAX_JSON = 1_000_000;

  private final String prefix;

  public FlagTables(String prefix) {
    this.prefix = prefix;
  }

  public String overrides() {
    return prefix + "flag_overrides";
  }

  public String audit() {
    return prefix + "flag_audit";
  }

  public String sequence() {
    return prefix + "flag_sequence";
  }

  public String schemaVersion() {
    return prefix + "schema_version";
  }

  /** The NOTIFY channel of changes. */
  public String channel() {
    return prefix + "flag_changes";
  }

  /**
   * Creates the tables when absent (safe when two instances do it at once) and checks the schema's version.
   *
   * @throws IllegalStateException when the tables are at another schema version
   */
  public void create(DatabaseCalls.Session s) throws SQLException {
    try {
      createOnce(s);
    } catch (SQLException first) {
      if (SqlFailures.classify(first) == SqlFailures.Kind.UNREACHABLE) {
        throw first;
      }
      // Two instances creating the schema at once: the loser sees a duplicate; the tables exist now.
      createOnce(s);
    }
  }

  private void createOnce(DatabaseCalls.Session session) throws SQLException {
    boolean autoCommit = session.connection().getAutoCommit();
    session.connection().setAutoCommit(true);
    try {
      try (Statement s = session.statement()) {
        s.execute("CREATE TABLE IF NOT EXISTS " + schemaVersion() + " (component VARCHAR(64) PRIMARY KEY, "
            + "version INTEGER NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS " + sequence() + " (id INTEGER PRIMARY KEY, last_change BIGINT NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS " + overrides() + " (flag_key VARCHAR(" + MAX_KEY + ") PRIMARY KEY, "
            + "override_json VARCHAR(" + MAX_JSON + ") NOT NULL, version BIGINT NOT NULL, change_id BIGINT NOT NULL, "
            + "updated_at BIGINT NOT NULL, updated_by VARCHAR(" + MAX_ACTOR + ") NOT NULL, reason VARCHAR("
            + MAX_REASON + ") NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS " + audit() + " (id BIGINT PRIMARY KEY, flag_key VARCHAR(" + MAX_KEY
            + ") NOT NULL, version BIGINT NOT NULL, action VARCHAR(" + MAX_ACTION + ") NOT NULL, actor VARCHAR("
            + MAX_ACTOR + ") NOT NULL, reason VARCHAR(" + MAX_REASON + ") NOT NULL, at_millis BIGINT NOT NULL, "
            + "before_json VARCHAR(" + MAX_JSON + "), after_json VARCHAR(" + MAX_JSON + "))");
        s.execute("CREATE INDEX IF NOT EXISTS " + prefix + "flag_audit_key_at ON " + audit() + " (flag_key, at_millis)");
        s.execute("CREATE INDEX IF NOT EXISTS " + prefix + "flag_overrides_change ON " + overrides() + " (change_id)");
      }
      insertIfAbsent(session, "INSERT INTO " + sequence() + " (id, last_change) VALUES (1, 0)",
          "SELECT 1 FROM " + sequence() + " WHERE id = 1");
      insertIfAbsent(session, "INSERT INTO " + schemaVersion() + " (component, version) VALUES ('flags', "
          + SCHEMA_VERSION + ")", "SELECT 1 FROM " + schemaVersion() + " WHERE component = 'flags'");
      try (Statement s = session.statement();
          ResultSet rs = s.executeQuery("SELECT version FROM " + schemaVersion() + " WHERE component = 'flags'")) {
        rs.next();
        int version = rs.getInt(1);
        if (version != SCHEMA_VERSION) {
          throw new IllegalStateException("The flag store's tables (" + prefix + "*) are at schema version " + version
              + ", but this version of Progressive reads version " + SCHEMA_VERSION + "; upgrade Progressive or "
              + "point it at another table prefix");
        }
      }
    } finally {
      session.connection().setAutoCommit(autoCommit);
    }
  }

  private static void insertIfAbsent(DatabaseCalls.Session session, String insert, String exists)
      throws SQLException {
    try (Statement s = session.statement()) {
      try (ResultSet rs = s.executeQuery(exists)) {
        if (rs.next()) {
          return;
        }
      }
      try {
        s.executeUpdate(insert);
      } catch (SQLException e) {
        try (ResultSet rs = s.executeQuery(exists)) {
          if (!rs.next()) {
            throw e;
          }
        }
      }
    }
  }
}
