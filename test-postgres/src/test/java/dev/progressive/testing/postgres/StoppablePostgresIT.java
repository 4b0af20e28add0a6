package dev.progressive.testing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A server of the test's own: stopped with pg_ctl, refused meanwhile, and started again with its data. */
class StoppablePostgresIT {

  @Test
  void stopsAndStartsWithItsData() throws Exception {
    try (StoppablePostgres pg = StoppablePostgres.create()) {
      DataSource db = pg.dataSource();
      execute(db, "CREATE TABLE kept (v INTEGER)");
      execute(db, "INSERT INTO kept VALUES (42)");
      try (Connection open = db.getConnection()) {
        pg.stop();
        assertThatThrownBy(() -> select(open)).as("a session is terminated").isInstanceOf(SQLException.class);
      }
      assertThatThrownBy(db::getConnection).as("new connections are refused").isInstanceOf(SQLException.class);
      pg.start();
      try (Connection again = db.getConnection()) {
        assertThat(select(again)).isEqualTo(42);
      }
    }
  }

  @Test
  void allowsTheConnectionsItWasCreatedWith() throws Exception {
    try (StoppablePostgres pg = StoppablePostgres.create(6)) {
      DataSource db = pg.dataSource();
      java.util.List<Connection> open = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 6; i++) {
          open.add(db.getConnection());
        }
        assertThatThrownBy(db::getConnection).isInstanceOfSatisfying(SQLException.class,
            e -> assertThat(e.getSQLState()).as("too many connections").isEqualTo("53300"));
      } finally {
        for (Connection c : open) {
          c.close();
        }
      }
      assertThat(pg.maxConnections()).isEqualTo(6);
      assertThatThrownBy(() -> StoppablePostgres.create(4)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxConnections");
    }
  }

  private static void execute(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static int select(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
