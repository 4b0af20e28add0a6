package dev.progressive.canary;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The {@link FleetStore} that every instance of a service shares through a database: PostgreSQL first, in plain
 * SQL that H2 also runs. Give each instance's canaries the same database (it may be the one of the
 * {@code JdbcFlagStore}):
 *
 * <pre>{@code
 * FleetStore fleet = JdbcFleetStore.builder(dataSource).build();
 * Canary canary = Canary.builder(release, toggles).fleet(fleet).instanceId(podName)...build();
 * }</pre>
 *
 * <p><b>Tables</b>, created when absent, with the prefix of {@link Builder#tablePrefix} (default
 * {@code progressive_}): {@code canary_windows}, one row per canary, step, step start and instance, replaced at
 * every publish and deleted when the step ends; and {@code canary_leases}, one row per canary.
 *
 * <p><b>Connections.</b> Each call borrows one connection from the {@link DataSource} for one statement (two for a
 * publish that inserts) and gives it back; the store keeps none open. An instance makes about three calls per
 * canary and analysis interval (publish, lease, and for the holder a read of the windows), so a pool of one or two
 * connections per instance is enough for the canaries. A call that fails throws; the canary routes on and retries at
 * the next interval.
 */
public final class JdbcFleetStore implements FleetStore {

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,40}");

  private final DataSource dataSource;
  private final String windows;
  private final String leases;
  private volatile boolean schemaReady;

  private JdbcFleetStore(Builder b) {
    this.dataSource = b.dataSource;
    this.windows = b.tablePrefix + "canary_windows";
    this.leases = b.tablePrefix + "canary_leases";
  }

  /** Starts building a store on a data source. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  @FunctionalInterface
  private interface Sql<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T call(Sql<T> body) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      ensureSchema(c);
      return body.run(c);
    }
  }

  private void ensureSchema(Connection c) throws SQLException {
    if (schemaReady) {
      return;
    }
    synchronized (this) {
      if (schemaReady) {
        return;
      }
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS " + windows + " (canary VARCHAR(255) NOT NULL, step INTEGER NOT NULL, "
            + "step_started_at BIGINT NOT NULL, instance VARCHAR(255) NOT NULL, format INTEGER NOT NULL, "
            + "payload BYTEA NOT NULL, published_at BIGINT NOT NULL, "
            + "PRIMARY KEY (canary, step, step_started_at, instance))");
        s.execute("CREATE TABLE IF NOT EXISTS " + leases + " (canary VARCHAR(255) PRIMARY KEY, "
            + "holder VARCHAR(255) NOT NULL, expires_at BIGINT NOT NULL, version BIGINT NOT NULL)");
      } catch (SQLException e) {
        // Two instances creating the tables at once: the loser sees a duplicate; check that they exist now.
        try (Statement s = c.createStatement()) {
          s.executeQuery("SELECT 1 FROM " + windows + " WHERE 1 = 0").close();
          s.executeQuery("SELECT 1 FROM " + leases + " WHERE 1 = 0").close();
        } catch (SQLException again) {
          e.addSuppressed(again);
          throw e;
        }
      } finally {
        c.setAutoCommit(autoCommit);
      }
      schemaReady = true;
    }
  }

  @Override
  public void publish(WindowKey key, WindowRow row) throws SQLException {
    call(c -> {
      if (updateWindow(c, key, row) == 1) {
        return null;
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + windows + " (canary, step, step_started_at, "
          + "instance, format, payload, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, key.canary());
        ps.setInt(2, key.step());
        ps.setLong(3, key.stepStartedAt());
        ps.setString(4, row.instance());
        ps.setInt(5, row.format());
        ps.setBytes(6, row.payload());
        ps.setLong(7, row.publishedAtMillis());
        ps.executeUpdate();
      } catch (SQLException duplicate) {
        // The same instance published twice at once (a retry): the other insert won; replace it.
        if (updateWindow(c, key, row) != 1) {
          throw duplicate;
        }
      }
      return null;
    });
  }

  private int updateWindow(Connection c, WindowKey key, WindowRow row) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + windows + " SET format = ?, payload = ?, "
        + "published_at = ? WHERE canary = ? AND step = ? AND step_started_at = ? AND instance = ?")) {
      ps.setInt(1, row.format());
      ps.setBytes(2, row.payload());
      ps.setLong(3, row.publishedAtMillis());
      ps.setString(4, key.canary());
      ps.setInt(5, key.step());
      ps.setLong(6, key.stepStartedAt());
      ps.setString(7, row.instance());
      return ps.executeUpdate();
    }
  }

  @Override
  public List<WindowRow> windows(WindowKey key) throws SQLException {
    return call(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT instance, format, payload, published_at FROM " + windows
          + " WHERE canary = ? AND step = ? AND step_started_at = ?")) {
        ps.setString(1, key.canary());
        ps.setInt(2, key.step());
        ps.setLong(3, key.stepStartedAt());
        List<WindowRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new WindowRow(rs.getString(1), rs.getInt(2), rs.getBytes(3), rs.getLong(4)));
          }
        }
        return rows;
      }
    });
  }

  @Override
  public void retainOnly(String canary, Optional<WindowKey> keep) throws SQLException {
    call(c -> {
      if (keep.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + windows + " WHERE canary = ?")) {
          ps.setString(1, canary);
          return ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + windows + " WHERE canary = ? AND "
          + "(step <> ? OR step_started_at <> ?)")) {
        ps.setString(1, canary);
        ps.setInt(2, keep.get().step());
        ps.setLong(3, keep.get().stepStartedAt());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public Optional<Lease> lease(String canary) throws SQLException {
    return call(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT holder, expires_at, version FROM " + leases
          + " WHERE canary = ?")) {
        ps.setString(1, canary);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new Lease(rs.getString(1), rs.getLong(2), rs.getLong(3)))
              : Optional.<Lease>empty();
        }
      }
    });
  }

  @Override
  public boolean compareAndSetLease(String canary, long expectedVersion, String holder, long expiresAtMillis)
      throws SQLException {
    return call(c -> {
      if (expectedVersion == 0) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + leases + " (canary, holder, expires_at, "
            + "version) VALUES (?, ?, ?, 1)")) {
          ps.setString(1, canary);
          ps.setString(2, holder);
          ps.setLong(3, expiresAtMillis);
          return ps.executeUpdate() == 1;
        } catch (SQLException duplicate) {
          // Another instance inserted the lease first; anything else is a real failure.
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + leases + " WHERE canary = ?")) {
            ps.setString(1, canary);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                return false;
              }
            }
          }
          throw duplicate;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + leases + " SET holder = ?, expires_at = ?, "
          + "version = version + 1 WHERE canary = ? AND version = ?")) {
        ps.setString(1, holder);
        ps.setLong(2, expiresAtMillis);
        ps.setString(3, canary);
        ps.setLong(4, expectedVersion);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public String toString() {
    return "JdbcFleetStore[" + windows + ", " + leases + "]";
  }

  /** Builds a {@link JdbcFleetStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String tablePrefix = "progressive_";

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The prefix of the store's tables: lowercase letters, digits and '_'; default {@code progressive_}. */
    public Builder tablePrefix(String tablePrefix) {
      Objects.requireNonNull(tablePrefix, "tablePrefix");
      if (!IDENTIFIER.matcher(tablePrefix).matches()) {
        throw new IllegalArgumentException("tablePrefix must be lowercase letters, digits and '_', starting with a "
            + "letter or '_', at most 41 characters; was '" + tablePrefix + "'");
      }
      this.tablePrefix = tablePrefix;
      return this;
    }

    public JdbcFleetStore build() {
      return new JdbcFleetStore(this);
    }
  }
}
