package dev.progressive.testing.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves that the tests get a real PostgreSQL: a table is created, written and read back. */
@ExtendWith(PostgresExtension.class)
class TestPostgresIT {

  @Test
  void createsATableWritesAndReadsItBack(DataSource db) throws SQLException {
    try (Connection c = db.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE flags (flag_key TEXT PRIMARY KEY, enabled BOOLEAN NOT NULL, "
            + "changed_at TIMESTAMPTZ NOT NULL DEFAULT now())");
      }
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO flags (flag_key, enabled) VALUES (?, ?)")) {
        insert.setString(1, "new-menu-search");
        insert.setBoolean(2, true);
        insert.addBatch();
        insert.setString(1, "tax-v2");
        insert.setBoolean(2, false);
        insert.addBatch();
        assertThat(insert.executeBatch()).containsExactly(1, 1);
      }
      List<String> rows = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT flag_key, enabled FROM flags ORDER BY flag_key")) {
        while (rs.next()) {
          rows.add(rs.getString(1) + "=" + rs.getBoolean(2));
        }
      }
      assertThat(rows).containsExactly("new-menu-search=true", "tax-v2=false");
    }
  }

  @Test
  void itIsARealPostgresqlServer(DataSource db) throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version(), current_database()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).startsWith("PostgreSQL ");
      assertThat(rs.getString(2)).startsWith("progressive_test_");
    }
  }

  @Test
  void eachTestClassHasADatabaseOfItsOwn(TestPostgres.Database database) throws SQLException {
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE only_here (id INT)");
    }
    try (TestPostgres.Database other = TestPostgres.server().createDatabase()) {
      assertThat(other.name()).isNotEqualTo(database.name());
      try (Connection c = other.dataSource().getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("a table of one database is not in another").isZero();
      }
    }
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("but it is in its own").isEqualTo(1);
    }
  }
}
