package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.progressive.canary.FleetSimulator.Summary;
import dev.progressive.testing.postgres.StoppablePostgres;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.JdbcFlagStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The fleet simulation on the real PostgreSQL, a server of the test's own so that its load is the fleet's alone: every
 * instance has its own connection pool (HikariCP, one connection), shared by its own {@link JdbcFlagStore} and its
 * own {@link JdbcFleetStore}, and its own LISTEN connection, as separate processes would. The application connects as
 * an ordinary role, so PostgreSQL's 3 superuser connections stay free for the measurement.
 *
 * <p>The build runs N = 10 at 1,200 requests/s, two rollouts per scenario, on a server with PostgreSQL's default
 * {@code max_connections} (100). {@code -Dcanary.fleet.simulation=full} runs N = 10 (10 rollouts per scenario) and N = 100 (5); at
 * N = 100 one pooled connection per instance plus a LISTEN connection each (200) do not fit 100, so that run gets
 * {@code max_connections = 150}: every pool gets its connection, and the instances that find no room for LISTEN poll,
 * which this test counts. It prints connections, the database's transactions and rows, and the CPU of the postgres
 * processes.
 */
class CanaryFleetSimulationIT {

  private static final boolean FULL = "full".equals(System.getProperty("canary.fleet.simulation"));
  private static final int PER_SECOND = 1_200;
  private static final String APP = "app";

  @Test
  void aFleetOnPostgresJudgesAsOneAndSaysWhatItCosts() throws Exception {
    List<String> report = new ArrayList<>();
    report.add(Summary.header());
    List<String> load = new ArrayList<>();
    load.add(Load.header());
    for (int instances : FULL ? new int[] {10, 100} : new int[] {10}) {
      int maxConnections = instances < 90 ? 100 : 150;
      int rollouts = !FULL ? 2 : instances < 90 ? 10 : 5;
      try (StoppablePostgres pg = StoppablePostgres.create(maxConnections)) {
        String url = setUp(pg);
        try (Connection monitor = pg.dataSource().getConnection()) {
          for (FleetSimulator.Scenario scenario : new FleetSimulator.Scenario[] {FleetSimulator.EQUAL,
              FleetSimulator.ERRORS_X4}) {
            Sampler sampler = new Sampler(monitor);
            Summary s = FleetSimulator.run(scenario, instances, PER_SECOND, "PostgreSQL",
                () -> new OwnPools(url, instances, sampler), rollouts);
            Load l = sampler.finish(scenario, instances, maxConnections);
            report.add(s.row());
            load.add(l.row());
            System.out.println(s.row());
            System.out.println(l.row());

            assertThat(s.doubleTransitions()).isZero();
            if (scenario == FleetSimulator.ERRORS_X4) {
              assertThat(s.promoted()).as("errors x4 promoted").isZero();
              assertThat(s.rolledBack()).as("errors x4 rolled back").isEqualTo(rollouts);
            } else {
              assertThat(s.promoted()).as("equal canaries promoted").isEqualTo(rollouts);
            }
            // Every instance is connected: its pool, and LISTEN or (when there is no room for it) polling.
            assertThat(l.peakPool).as("pooled connections").isEqualTo(instances);
            assertThat(l.peakListen + l.peakPolling).as("instances listening or polling")
                .isGreaterThanOrEqualTo(instances);
            if (instances + instances <= maxConnections - 3) {
              assertThat(l.peakPolling).as("instances polling for want of LISTEN").isZero();
            } else {
              assertThat(l.peakPolling).as("instances polling for want of LISTEN").isPositive();
            }
          }
          if (FULL) {
            load.add(idle(url, instances, maxConnections, monitor).row());
          }
        }
      }
    }
    System.out.println(String.join("\n", report));
    System.out.println(String.join("\n", load));
  }

  /**
   * The load of a fleet that does nothing but keep its flag stores current, with the production defaults (poll every
   * 5 s, LISTEN heartbeat every second), over 20 s of wall time: what the fleet costs the database between looks.
   * Only in the full run, which measures rather than asserts.
   */
  private static Load idle(String url, int instances, int maxConnections, Connection monitor) throws Exception {
    OwnPools pools = new OwnPools(url, instances, null);
    List<dev.progressive.toggles.Toggles> fleet = new ArrayList<>();
    List<JdbcFlagStore> stores = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        JdbcFlagStore store = pools.store(i, Duration.ofSeconds(5));
        stores.add(store);
        fleet.add(dev.progressive.toggles.Toggles.builder().store(store).build());
      }
      Sampler sampler = new Sampler(monitor);
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(20).toNanos());
      sampler.stores.addAll(stores);
      sampler.minute();
      return sampler.finish(new FleetSimulator.Scenario("idle, polls every 5 s", "", 0, 0, 1), instances,
          maxConnections);
    } finally {
      fleet.forEach(dev.progressive.toggles.Toggles::close);
      pools.close();
    }
  }

  /** Creates the application's role and database; answers the database's JDBC URL. */
  private static String setUp(StoppablePostgres pg) throws SQLException {
    try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + APP + " LOGIN PASSWORD '" + APP + "'");
      s.execute("CREATE DATABASE fleet OWNER " + APP);
    }
    return pg.jdbcUrl().replaceAll("/postgres$", "/fleet");
  }

  /**
   * Per instance a pool of one connection for both stores, and a LISTEN connection of its own. The pools are opened
   * first, as the instances of a running fleet have theirs; LISTEN takes what room is left.
   */
  private static final class OwnPools implements FleetSimulator.Stores {
    private final String url;
    private final Sampler sampler;
    private final Map<Integer, HikariDataSource> pools = new HashMap<>();

    OwnPools(String url, int instances, Sampler sampler) {
      this.url = url;
      this.sampler = sampler;
      for (int i = 0; i < instances; i++) {
        pool(i);
      }
    }

    private HikariDataSource pool(int instance) {
      return pools.computeIfAbsent(instance, i -> {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(APP);
        config.setPassword(APP);
        config.setPoolName("i" + i);
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(1);
        config.addDataSourceProperty("ApplicationName", "pool");
        return new HikariDataSource(config);
      });
    }

    @Override
    public FlagStore flags(int instance) {
      JdbcFlagStore store = store(instance, Duration.ofSeconds(1));
      sampler.stores.add(store);
      return store;
    }

    JdbcFlagStore store(int instance, Duration pollInterval) {
      PGSimpleDataSource listen = new PGSimpleDataSource();
      listen.setUrl(url);
      listen.setUser(APP);
      listen.setPassword(APP);
      listen.setApplicationName("listen");
      return JdbcFlagStore.builder(pool(instance)).tablePrefix("sim_").listenDataSource(listen)
          .pollInterval(pollInterval).build();
    }

    @Override
    public FleetStore fleet(int instance) {
      return JdbcFleetStore.builder(pool(instance)).tablePrefix("sim_").build();
    }

    @Override
    public void minute() {
      sampler.minute();
    }

    @Override
    public void close() {
      // The instances' toggles closed their flag stores; the pools are the test's.
      pools.values().forEach(HikariDataSource::close);
      if (sampler != null) {
        sampler.stores.clear();
      }
    }
  }

  /** What one scenario's rollouts cost the database. */
  record Load(String scenario, int instances, int maxConnections, long minutes, double seconds, int peakTotal,
      int peakPool, int peakListen, int peakPolling, long transactions, long rowsRead, long rowsWritten,
      double cpuSeconds) {

    static String header() {
      return "| scenario | instances | max_connections | connections at most (pool + LISTEN) | instances polling "
          + "for want of LISTEN | simulated minutes | real seconds | transactions/s | rows read/s | rows written/s "
          + "| postgres CPU (cores) | transactions per simulated minute |\n|---|---|---|---|---|---|---|---|---|---|"
          + "---|---|";
    }

    String row() {
      return String.format(Locale.ROOT, "| %s | %d | %d | %d (%d + %d) | %d | %d | %.0f | %,.0f | %,.0f | %,.0f | "
          + "%.2f | %,.0f |", scenario, instances, maxConnections, peakTotal, peakPool, peakListen, peakPolling,
          minutes, seconds, transactions / seconds, rowsRead / seconds, rowsWritten / seconds, cpuSeconds / seconds,
          transactions / (double) Math.max(1, minutes));
    }
  }

  /**
   * Samples, once a simulated minute, the connections by application name (pg_stat_activity) and the instances
   * that poll for want of LISTEN; and, from start to finish, the database's transactions and rows
   * (pg_stat_database) and the CPU time of the server's processes (/proc, the postmaster's and its children's).
   */
  private static final class Sampler {
    final List<JdbcFlagStore> stores = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Connection monitor;
    private final long postmaster;
    private final long[] statsAtStart;
    private final double cpuAtStart;
    private final long startNanos = System.nanoTime();
    private long minutes;
    private int peakTotal;
    private int peakPool;
    private int peakListen;
    private int peakPolling;

    Sampler(Connection monitor) throws SQLException, IOException {
      this.monitor = monitor;
      this.postmaster = postmasterPid(monitor);
      this.statsAtStart = stats();
      this.cpuAtStart = cpuSeconds();
    }

    void minute() {
      minutes++;
      try (Statement s = monitor.createStatement(); ResultSet rs = s.executeQuery("SELECT application_name, "
          + "count(*) FROM pg_stat_activity WHERE usename = '" + APP + "' GROUP BY application_name")) {
        int total = 0;
        while (rs.next()) {
          int n = rs.getInt(2);
          total += n;
          if (rs.getString(1).equals("pool")) {
            peakPool = Math.max(peakPool, n);
          } else if (rs.getString(1).equals("listen")) {
            peakListen = Math.max(peakListen, n);
          }
        }
        peakTotal = Math.max(peakTotal, total);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      int polling = (int) stores.stream().filter(st -> st.notice().isPresent()).count();
      peakPolling = Math.max(peakPolling, polling);
    }

    Load finish(FleetSimulator.Scenario scenario, int instances, int maxConnections) throws SQLException,
        IOException {
      long[] end = stats();
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      return new Load(scenario.id(), instances, maxConnections, minutes, seconds, peakTotal, peakPool, peakListen,
          peakPolling, end[0] - statsAtStart[0], end[1] - statsAtStart[1], end[2] - statsAtStart[2],
          cpuSeconds() - cpuAtStart);
    }

    /** Transactions, rows read and rows written in the fleet's database so far. */
    private long[] stats() throws SQLException {
      try (Statement s = monitor.createStatement()) {
        s.execute("SELECT pg_stat_clear_snapshot()");
        try (ResultSet rs = s.executeQuery("SELECT xact_commit + xact_rollback, tup_returned + tup_fetched, "
            + "tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = 'fleet'")) {
          rs.next();
          return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
      }
    }

    private static long postmasterPid(Connection c) throws SQLException {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        return ppid(rs.getLong(1));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * The CPU seconds the server has used: the postmaster's own, its ended children's (which it waited for), and its
     * live children's.
     */
    private double cpuSeconds() throws IOException {
      long ticks = ticks(postmaster, true);
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path p : (Iterable<Path>) procs::iterator) {
          String name = p.getFileName().toString();
          if (name.chars().allMatch(Character::isDigit)) {
            long pid = Long.parseLong(name);
            try {
              if (ppid(pid) == postmaster) {
                ticks += ticks(pid, false);
              }
            } catch (IOException | RuntimeException gone) {
              // the process ended meanwhile
            }
          }
        }
      }
      return ticks / 100.0; // USER_HZ, 100 on Linux
    }

    /** Fields after the command name in /proc/PID/stat; the first is the state. */
    private static String[] stat(long pid) throws IOException {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static long ppid(long pid) throws IOException {
      return Long.parseLong(stat(pid)[1]);
    }

    /** utime + stime, and cutime + cstime when asked (fields 14 to 17 of stat). */
    private static long ticks(long pid, boolean children) throws IOException {
      String[] f = stat(pid);
      long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return children ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
    }
  }
}
