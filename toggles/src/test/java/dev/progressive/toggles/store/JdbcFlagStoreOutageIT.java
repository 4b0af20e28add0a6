package dev.progressive.toggles.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.testing.postgres.PostgresProxy;
import dev.progressive.testing.postgres.StoppablePostgres;
import dev.progressive.testing.postgres.TestPostgres;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.source.SourceHealth;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each way a database fails, on a real PostgreSQL, under evaluation load, with the application's pool (HikariCP) at
 * its defaults (30 s to get a connection, no socket timeout), so that every bound is the store's own:
 *
 * <ul>
 *   <li>a write answers ({@link StoreUnavailableException}) within 3 s;</li>
 *   <li>a read of the audit answers within 3 s, with what the instance knows;</li>
 *   <li>the store's health is DOWN (the starter's STALE) within 5 s of the fault;</li>
 *   <li>everything is current again within 5 s of the database's return;</li>
 *   <li>no evaluation fails, and nothing the failed writes sent is stored.</li>
 * </ul>
 *
 * <p>Instance B meets the fault; a writer reaches the database directly to change a flag that B must not miss.
 */
@ExtendWith(PostgresExtension.class)
class JdbcFlagStoreOutageIT {

  static final Duration WRITE_BOUND = Duration.ofSeconds(3);
  static final Duration READ_BOUND = Duration.ofSeconds(3);
  static final Duration STALE_BOUND = Duration.ofSeconds(5);
  static final Duration CURRENT_BOUND = Duration.ofSeconds(5);
  /** How long a state may take to come before the test gives up: generous; the bounds are checked separately. */
  private static final Duration GIVE_UP = Duration.ofSeconds(60);

  private static final String FLAGS = """
      {"flags": {
        "new-menu": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"},
        "color": {"state": "ENABLED", "variants": {"red": "#f00", "blue": "#00f"}, "defaultVariant": "blue"}
      }}""";

  /** A fault of the database, as instance B sees it. */
  interface Fault {
    void begin() throws Exception;

    void end() throws Exception;
  }

  @Test
  void theDatabaseStoppedWithPgCtlAndStartedAgain() throws Exception {
    try (StoppablePostgres pg = StoppablePostgres.create();
        HikariDataSource pool = hikari(pg.jdbcUrl(), pg.user(), pg.password())) {
      outage(pool, pg.dataSource(), "stopped_", new Fault() {
        @Override
        public void begin() {
          pg.stop();
        }

        @Override
        public void end() {
          pg.start();
        }
      }, false);
    }
  }

  @Test
  void aNetworkThatDropsPacketsWithoutResettingConnections(TestPostgres.Database database, DataSource direct)
      throws Exception {
    try (PostgresProxy proxy = PostgresProxy.to(database);
        HikariDataSource pool = hikari(proxy.jdbcUrl(), database.user(), database.password())) {
      outage(pool, direct, "blackhole_", new Fault() {
        @Override
        public void begin() {
          proxy.blackhole();
        }

        @Override
        public void end() {
          proxy.restore();
        }
      }, true);
    }
  }

  /**
   * A database that answers, but later than the store's budget (2 s): twice the budget, so that no answer can come
   * in just inside it (a delay equal to the budget made the audit read a coin toss).
   */
  @Test
  void aDatabaseThatAnswersInFourSeconds(TestPostgres.Database database, DataSource direct) throws Exception {
    try (PostgresProxy proxy = PostgresProxy.to(database);
        HikariDataSource pool = hikari(proxy.jdbcUrl(), database.user(), database.password())) {
      outage(pool, direct, "slow_", new Fault() {
        @Override
        public void begin() {
          proxy.delay(Duration.ofSeconds(4));
        }

        @Override
        public void end() {
          proxy.restore();
        }
      }, true);
    }
  }

  /**
   * One outage seen by B (behind {@code faulty}), while a writer on {@code direct} changes a flag: during the fault
   * when the database stays up for others, just after it otherwise.
   */
  private static void outage(DataSource faulty, DataSource direct, String prefix, Fault fault,
      boolean writerDuringFault) throws Exception {
    JdbcFlagStore bStore = JdbcFlagStore.builder(faulty).tablePrefix(prefix).build();
    try (Toggles writer = instance(JdbcFlagStore.builder(direct).tablePrefix(prefix).build());
        Toggles b = instance(bStore)) {
      writer.admin().setDefaultVariant("new-menu", "on", ChangeRequest.of("alice", "before the outage", 0));
      await(() -> b.isEnabled("new-menu"), "B to see the change made before the outage");
      await(bStore::isListening, "B to LISTEN");
      assertThat(b.admin().history("new-menu", Instant.EPOCH, Instant.MAX, 10)).hasSize(1);

      try (EvaluationLoad load = new EvaluationLoad(b)) {
        long faultStart = System.nanoTime();
        fault.begin();

        // Nobody writes yet: the store notices the fault by itself (heartbeat, poll).
        // the last known overrides serve, so the store is STALE, not DOWN
        await(() -> storeHealth(b).status() == SourceHealth.Status.STALE, "B's store to be STALE");
        Duration stale = since(faultStart);
        assertThat(stale).as("the store is STALE within the bound").isLessThan(STALE_BOUND);
        assertThat(storeHealth(b).error()).contains("unavailable");

        long writeStart = System.nanoTime();
        assertThatThrownBy(() -> b.admin().setState("color", false,
            ChangeRequest.lastWriterWins("bob", "during the outage"))).isInstanceOf(StoreUnavailableException.class);
        Duration write = since(writeStart);
        assertThat(write).as("a write during the outage answers within the bound").isLessThan(WRITE_BOUND);

        long readStart = System.nanoTime();
        StoreUnavailableException read = catchThrowableOfType(StoreUnavailableException.class,
            () -> b.admin().history("new-menu", Instant.EPOCH, Instant.MAX, 10));
        Duration historyRead = since(readStart);
        assertThat(historyRead).as("a read of the audit answers within the bound").isLessThan(READ_BOUND);
        assertThat(read).as("the read of the audit fails").isNotNull();
        assertThat(read.knownHistory()).as("what B knows of the audit").singleElement()
            .satisfies(e -> assertThat(e.reason()).isEqualTo("before the outage"));


        long secondWrite = System.nanoTime();
        assertThatThrownBy(() -> b.admin().setState("color", false, ChangeRequest.of("bob", "again", 0)))
            .isInstanceOf(StoreUnavailableException.class);
        Duration laterWrite = since(secondWrite);
        assertThat(laterWrite).isLessThan(WRITE_BOUND);

        Toggles lateWriter = null;
        if (writerDuringFault) {
          writer.admin().setDefaultVariant("color", "red", ChangeRequest.lastWriterWins("alice", "during the outage"));
        }
        fault.end();
        long back = System.nanoTime();
        try {
          if (!writerDuringFault) {
            lateWriter = instance(JdbcFlagStore.builder(direct).tablePrefix(prefix).build());
            lateWriter.admin().setDefaultVariant("color", "red", ChangeRequest.lastWriterWins("alice", "just back"));
          }
          await(() -> b.isHealthy() && b.stringValue("color", EvaluationContext.empty(), "?").equals("#f00"),
              "B to be current again");
          Duration current = since(back);
          assertThat(current).as("B is current again within the bound").isLessThan(CURRENT_BOUND);
          System.out.printf("[%s] first write %d ms, later write %d ms, audit read %d ms, STALE after %d ms, current "
              + "again %d ms after the return%n", prefix, write.toMillis(), laterWrite.toMillis(), historyRead.toMillis(),
              stale.toMillis(), current.toMillis());
        } finally {
          if (lateWriter != null) {
            lateWriter.close();
          }
        }
        load.assertNoFailure();
      }
      assertThat(count(direct, "SELECT count(*) FROM " + prefix + "flag_audit WHERE actor = 'bob'"))
          .as("nothing of the failed writes is stored").isZero();
      b.admin().setState("color", true, ChangeRequest.lastWriterWins("bob", "after the outage"));
      assertThat(b.admin().history("color", Instant.EPOCH, Instant.MAX, 10)).extracting(AuditEntry::actor)
          .containsExactly("alice", "bob");
    }
  }

  @Test
  void dataTheDatabaseRefusesIsTheCallersErrorAndLeavesTheStoreAlone(DataSource db) throws Exception {
    JdbcFlagStore store = JdbcFlagStore.builder(db).tablePrefix("data_").build();
    try (Toggles a = instance(store)) {
      // FlagAdmin's rules name the field before the store sees anything.
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(() -> a.admin().setState("color", false, ChangeRequest.of("alice", "nul\u0000here", 0)))
            .isInstanceOfSatisfying(InvalidChangeRequestException.class,
                e -> assertThat(e.field()).isEqualTo("reason"));
        assertThatThrownBy(() -> a.admin().setState("color", false, ChangeRequest.of("alice", "x".repeat(2001), 0)))
            .isInstanceOfSatisfying(InvalidChangeRequestException.class,
                e -> assertThat(e.field()).isEqualTo("reason"));
      }
      // What only the database can refuse: a column narrower than the store expects.
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("ALTER TABLE data_flag_audit ALTER COLUMN reason TYPE VARCHAR(10)");
      }
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(() -> a.admin().setState("color", false, ChangeRequest.of("alice", "x".repeat(20), 0)))
            .isInstanceOf(StoreDataException.class).hasMessageContaining("too long");
      }
      assertThat(a.isHealthy()).as("health is left alone").isTrue();
      assertThat(store.isAvailable()).isTrue();
      assertThat(count(db, "SELECT count(*) FROM data_flag_audit")).as("nothing stored").isZero();
      assertThat(count(db, "SELECT count(*) FROM data_flag_overrides")).as("nothing stored").isZero();

      a.admin().setState("color", false, ChangeRequest.of("alice", "valid", 0));
      assertThat(a.admin().flag("color").orElseThrow().version()).isEqualTo(1);
      assertThat(a.isHealthy()).isTrue();
    }
  }

  @Test
  void writesWithoutAVersionNeverConflictWritesWithOneStayCompareAndSet(DataSource db) throws Exception {
    int threads = 4;
    int writes = 25;
    try (Toggles a = instance(JdbcFlagStore.builder(db).tablePrefix("lww_").build());
        Toggles b = instance(JdbcFlagStore.builder(db).tablePrefix("lww_").build())) {
      List<Thread> writers = new java.util.ArrayList<>();
      AtomicLong conflicts = new AtomicLong();
      AtomicLong others = new AtomicLong();
      for (int t = 0; t < threads; t++) {
        Toggles instance = t % 2 == 0 ? a : b;
        String actor = "writer-" + t;
        Thread w = new Thread(() -> {
          for (int i = 0; i < writes; i++) {
            try {
              instance.admin().setState("new-menu", i % 2 == 0, ChangeRequest.lastWriterWins(actor, "lww"));
            } catch (VersionConflictException e) {
              conflicts.incrementAndGet();
            } catch (RuntimeException e) {
              others.incrementAndGet();
            }
          }
        });
        writers.add(w);
        w.start();
      }
      for (Thread w : writers) {
        w.join(TimeUnit.SECONDS.toMillis(GIVE_UP.toSeconds()));
      }
      assertThat(conflicts.get()).as("conflicts of writes without a version").isZero();
      assertThat(others.get()).isZero();
      assertThat(count(db, "SELECT version FROM lww_flag_overrides WHERE flag_key = 'new-menu'"))
          .isEqualTo(threads * writes);
      assertThat(count(db, "SELECT count(*) FROM lww_flag_audit")).isEqualTo(threads * writes);

      assertThatThrownBy(() -> a.admin().setState("new-menu", true, ChangeRequest.of("carol", "stale", 1)))
          .isInstanceOfSatisfying(VersionConflictException.class,
              e -> assertThat(e.currentVersion()).isEqualTo(threads * writes));
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  /** HikariCP as Spring Boot gives it to an application: its defaults, 30 s to get a connection. */
  static HikariDataSource hikari(String url, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName("app-pool");
    return new HikariDataSource(config);
  }

  private static Toggles instance(JdbcFlagStore store) {
    return Toggles.builder().source(InMemorySource.named("flags.json", FLAGS)).store(store).build();
  }

  static SourceHealth storeHealth(Toggles t) {
    List<SourceHealth> health = t.health();
    return health.get(health.size() - 1);
  }

  static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Polls for a state, giving up after a generous limit; the bounds are asserted apart, on measured times. */
  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what + " after " + GIVE_UP);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  static long count(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A thread that evaluates a flag set to true before the fault, all along, counting wrong answers and errors. */
  static final class EvaluationLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong evaluations = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread thread;

    EvaluationLoad(Toggles toggles) {
      thread = new Thread(() -> {
        while (running.get()) {
          for (int i = 0; i < 100; i++) {
            try {
              if (!toggles.isEnabled("new-menu")) {
                failures.incrementAndGet();
              }
            } catch (RuntimeException e) {
              failures.incrementAndGet();
            }
            evaluations.incrementAndGet();
          }
          LockSupport.parkNanos(50_000); // a steady load that leaves the loaded CI machine's cores to the store
        }
      }, "evaluation-load");
      thread.start();
    }

    void assertNoFailure() throws InterruptedException {
      close();
      assertThat(evaluations.get()).as("evaluations during the fault").isPositive();
      assertThat(failures.get()).as("failed evaluations").isZero();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
