package dev.progressive.toggles.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.progressive.testing.postgres.StoppablePostgres;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.source.SourceHealth;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An instance that cannot get its LISTEN connection, because the server's {@code max_connections} are all taken,
 * keeps serving: changes reach it by the poll, its store's health says so and why, and it LISTENs again once a
 * connection is free. A server of the test's own, with 12 connections, is filled by other clients, as a fleet of
 * 100 instances fills PostgreSQL's default 100.
 *
 * <p>Instance B's pool (HikariCP, two connections) opened while there was room, as a running instance's has; its
 * LISTEN connection comes from a data source of its own, which opens a new connection at every attempt. Writer A
 * changes flags through its own pool.
 */
class JdbcFlagStoreListenFallbackIT {

  private static final Duration GIVE_UP = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final String FLAGS = """
      {"flags": {
        "new-menu": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"},
        "color": {"state": "ENABLED", "variants": {"red": "#f00", "blue": "#00f", "green": "#0f0"},
          "defaultVariant": "blue"}
      }}""";

  @Test
  void withoutAListenConnectionAnInstancePollsSaysSoAndListensAgainWhenItCan() throws Exception {
    try (StoppablePostgres pg = StoppablePostgres.create(12);
        HikariDataSource aPool = pool(pg, 1, "a-pool");
        HikariDataSource bPool = pool(pg, 2, "b-pool");
        Hog hog = new Hog(pg)) {
      PGSimpleDataSource bListen = direct(pg, "b-listen");
      JdbcFlagStore aStore = JdbcFlagStore.builder(aPool).tablePrefix("fb_").listenNotify(false).pollInterval(POLL)
          .build();
      JdbcFlagStore bStore = JdbcFlagStore.builder(bPool).tablePrefix("fb_").listenDataSource(bListen)
          .pollInterval(POLL).reconnectMax(Duration.ofMillis(500)).build();
      try (Toggles a = instance(aStore)) {
        await(() -> bPool.getHikariPoolMXBean().getTotalConnections() == 2, "B's pool to open its two connections");

        // Every connection the server allows is taken; B starts now, as the 13th instance of a fleet would.
        int taken = hog.fill();
        assertThat(taken).as("connections the other clients took").isPositive();
        try (Toggles b = instance(bStore)) {
          BlockingQueue<FlagsChanged> seen = new LinkedBlockingQueue<>();
          BlockingQueue<String> threads = new LinkedBlockingQueue<>();
          b.onChange(c -> {
            threads.add(Thread.currentThread().getName());
            seen.add(c);
          });
          await(() -> bStore.notice().isPresent(), "B's store to say that it polls");
          assertThat(bStore.isListening()).isFalse();
          SourceHealth health = storeHealth(b);
          assertThat(health.status()).as("B serves, current within a poll").isEqualTo(SourceHealth.Status.UP);
          assertThat(health.notice()).isEqualTo("change notifications: polling every 1s, LISTEN unavailable: "
              + "FATAL: sorry, too many clients already");
          assertThat(b.isHealthy()).isTrue();

          a.admin().setDefaultVariant("color", "red", ChangeRequest.lastWriterWins("alice", "while B polls"));
          assertThat(seen.poll(GIVE_UP.toSeconds(), TimeUnit.SECONDS)).as("the change, by the poll").isNotNull()
              .satisfies(c -> assertThat(c.keys()).containsExactly("color"));
          assertThat(color(b)).isEqualTo("#f00");
          assertThat(threads.poll()).as("it came by the poll").isEqualTo("progressive-flag-store-poll");

          // Connections are free again: B LISTENs again by itself, and the notice goes.
          hog.release();
          await(bStore::isListening, "B to LISTEN again");
          await(() -> storeHealth(b).notice() == null, "the notice to go");
          seen.clear();
          a.admin().setDefaultVariant("color", "green", ChangeRequest.lastWriterWins("alice", "B listens"));
          assertThat(seen.poll(GIVE_UP.toSeconds(), TimeUnit.SECONDS)).isNotNull();
          assertThat(color(b)).isEqualTo("#0f0");

          // B loses its LISTEN connection while the server is full: it polls again, and says so.
          await(() -> {
            hog.fill();
            hog.terminate("b-listen");
            hog.fill();
            return !bStore.isListening() && bStore.notice().isPresent();
          }, "B to lose LISTEN on a full server");
          seen.clear();
          a.admin().setDefaultVariant("color", "blue", ChangeRequest.lastWriterWins("alice", "B polls again"));
          assertThat(seen.poll(GIVE_UP.toSeconds(), TimeUnit.SECONDS)).isNotNull();
          assertThat(color(b)).isEqualTo("#00f");
          assertThat(storeHealth(b).notice()).contains("LISTEN unavailable");
          assertThat(b.isHealthy()).isTrue();

          hog.release();
          await(bStore::isListening, "B to LISTEN once more");
          assertThat(storeHealth(b).notice()).isNull();
        }
      }
    }
  }

  private static Toggles instance(JdbcFlagStore store) {
    return Toggles.builder().source(InMemorySource.named("flags.json", FLAGS)).store(store).build();
  }

  private static String color(Toggles t) {
    return t.stringValue("color", EvaluationContext.empty(), "?");
  }

  private static SourceHealth storeHealth(Toggles t) {
    List<SourceHealth> health = t.health();
    return health.get(health.size() - 1);
  }

  /** A HikariCP pool of a fixed size, opened at once. */
  private static HikariDataSource pool(StoppablePostgres pg, int size, String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(pg.jdbcUrl());
    config.setUsername(pg.user());
    config.setPassword(pg.password());
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    return new HikariDataSource(config);
  }

  /** A data source that opens a new connection each time, named in pg_stat_activity. */
  private static PGSimpleDataSource direct(StoppablePostgres pg, String applicationName) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(pg.jdbcUrl());
    ds.setUser(pg.user());
    ds.setPassword(pg.password());
    ds.setApplicationName(applicationName);
    return ds;
  }

  /** Polls for a state, giving up after a generous limit. */
  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what + " after " + GIVE_UP);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /** Other clients of the server, which take every connection it has left. */
  private static final class Hog implements AutoCloseable {
    private final PGSimpleDataSource ds;
    private final List<Connection> held = new ArrayList<>();

    Hog(StoppablePostgres pg) {
      this.ds = direct(pg, "hog");
    }

    /** Opens connections until the server refuses one for want of slots; answers how many it opened now. */
    int fill() {
      int opened = 0;
      while (true) {
        try {
          held.add(ds.getConnection());
          opened++;
        } catch (SQLException e) {
          if ("53300".equals(e.getSQLState())) {
            return opened;
          }
          throw new IllegalStateException("unexpected refusal", e);
        }
      }
    }

    /** Ends the sessions of an application, through a connection of the hog's. */
    void terminate(String applicationName) {
      try (Statement s = held.get(0).createStatement()) {
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
            + applicationName + "'");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    void release() {
      for (Connection c : held) {
        try {
          c.close();
        } catch (SQLException e) {
          // closing anyway
        }
      }
      held.clear();
    }

    @Override
    public void close() {
      release();
    }
  }
}
