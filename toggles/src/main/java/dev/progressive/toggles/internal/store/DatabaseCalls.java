package dev.progressive.toggles.internal.store;

import dev.progressive.toggles.store.StoreDataException;
import dev.progressive.toggles.store.StoreUnavailableException;
import dev.progressive.toggles.store.VersionConflictException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the JDBC store's database calls within one time budget each: getting the connection (through a
 * {@link ConnectionGate}), every statement (a query timeout and a network timeout set from what is left), and the
 * retries, all together. Only failures to reach the database are retried and counted by the circuit breaker; an error
 * in the data is the caller's ({@link StoreDataException}) and a version conflict is an answer, neither counted.
 */
public final class DatabaseCalls implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseCalls.class);
  private static final Executor DIRECT = Runnable::run;

  /** One unit of work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Session session) throws SQLException;
  }

  /** Called after a call failed to reach the database (never for data errors or conflicts). */
  @FunctionalInterface
  public interface FailureListener {
    void unreachable(StoreUnavailableException failure);
  }

  private final ConnectionGate gate;
  private final CircuitBreaker circuitBreaker;
  private final Duration timeout;
  private final int attempts;
  private final Duration retryWait;
  private final FailureListener failures;

  /**
   * @param name the circuit breaker's and the threads' name
   * @param dataSource where connections come from
   * @param timeout the budget of one call, retries included
   * @param attempts attempts per call at most, the first included
   * @param retryWait the first wait between attempts; it doubles with each
   * @param circuitOpenWait how long the circuit stays open before one call may try
   * @param failures told of every call that failed to reach the database
   */
  public DatabaseCalls(String name, DataSource dataSource, Duration timeout, int attempts, Duration retryWait,
      Duration circuitOpenWait, FailureListener failures) {
    this.gate = new ConnectionGate(name, dataSource, 4, 64);
    this.timeout = timeout;
    this.attempts = attempts;
    this.retryWait = retryWait;
    this.failures = failures;
    this.circuitBreaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
        .failureRateThreshold(50)
        .slidingWindowSize(10)
        .minimumNumberOfCalls(4)
        .waitDurationInOpenState(circuitOpenWait)
        .permittedNumberOfCallsInHalfOpenState(1)
        .ignoreExceptions(VersionConflictException.class, StoreDataException.class)
        .build());
  }

  /** The budget of one call, retries included. */
  public Duration timeout() {
    return timeout;
  }

  /** Whether the circuit breaker refuses calls now. */
  public boolean isCircuitOpen() {
    return circuitBreaker.getState() == CircuitBreaker.State.OPEN;
  }

  /** A connection within the budget starting now, for a caller that keeps it (the LISTEN connection). */
  public Connection connection() throws SQLException {
    return gate.get(System.nanoTime() + timeout.toNanos());
  }

  /**
   * Runs the work within the budget, retrying failures to reach the database while attempts and time are left.
   *
   * @param what what the call does, for messages, e.g. {@code writing flag 'x'}
   * @throws StoreUnavailableException when the database was not reached in time, or failed otherwise (any other
   *     exception of the work, such as a refused schema, becomes one)
   * @throws StoreDataException when the database refused the data
   * @throws VersionConflictException as the work threw it
   */
  public <T> T call(String what, Work<T> work) {
    return call(what, work, false, timeout);
  }

  /** Runs the work as {@link #call(String, Work)} does, within a budget of its own (at most the usual one). */
  public <T> T call(String what, Work<T> work, Duration budget) {
    return call(what, work, false, budget.compareTo(timeout) < 0 ? budget : timeout);
  }

  /**
   * Runs the work as {@link #call} does, but past an open circuit and uncounted by it: the background check of
   * whether the database is back. When it succeeds, the circuit closes, so writes are let through again at once.
   */
  public <T> T probe(String what, Work<T> work) {
    T result = call(what, work, true, timeout);
    if (circuitBreaker.getState() != CircuitBreaker.State.CLOSED) {
      circuitBreaker.transitionToClosedState();
    }
    return result;
  }

  private <T> T call(String what, Work<T> work, boolean probe, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    long wait = retryWait.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return probe ? attempt(work, deadline) : circuitBreaker.executeCheckedSupplier(() -> attempt(work, deadline));
      } catch (CallNotPermittedException e) {
        throw unreachable(new StoreUnavailableException("flag store is unavailable: the database failed repeatedly "
            + "and is not called for now (circuit open); " + what + " was not done", e));
      } catch (SQLException e) {
        boolean retry = SqlFailures.classify(e) == SqlFailures.Kind.UNREACHABLE && attempt < attempts
            && System.nanoTime() + wait < deadline;
        if (!retry) {
          // The message stays the same from one failure to the next, so that it is logged once, not every second.
          String tries = attempt == 1 ? "" : " after " + attempt + " attempts";
          throw unreachable(new StoreUnavailableException("flag store is unavailable: " + what + " failed" + tries
              + ": " + e.getMessage(), e));
        }
        LockSupport.parkNanos(wait);
        wait *= 2;
      } catch (StoreDataException | VersionConflictException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw unreachable(new StoreUnavailableException("flag store is unavailable: " + what + " failed: "
            + e.getMessage(), e));
      }
    }
  }

  private StoreUnavailableException unreachable(StoreUnavailableException e) {
    failures.unreachable(e);
    return e;
  }

  private <T> T attempt(Work<T> work, long deadline) throws SQLException {
    Connection c = gate.get(deadline);
    Session opened;
    try {
      opened = new Session(c, deadline);
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException | RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    try (Session session = opened) {
      return work.run(session);
    } catch (SQLException e) {
      if (SqlFailures.classify(e) == SqlFailures.Kind.DATA) {
        throw new StoreDataException(null, "the database refused the change's data: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  @Override
  public void close() {
    gate.close();
  }

  /**
   * One connection within a deadline: every statement it prepares gets a query timeout and a network timeout from
   * the time left, so no single wait on the database outlasts the call's budget. Closing it restores the
   * connection's network timeout and gives it back.
   */
  public static final class Session implements AutoCloseable {
    private final Connection connection;
    private final long deadline;
    private final int networkTimeoutBefore;
    private boolean networkTimeouts;

    Session(Connection connection, long deadline) throws SQLException {
      this.connection = connection;
      this.deadline = deadline;
      int before = 0;
      try {
        before = connection.getNetworkTimeout();
        networkTimeouts = true;
      } catch (SQLFeatureNotSupportedException | AbstractMethodError | UnsupportedOperationException e) {
        networkTimeouts = false;
      }
      this.networkTimeoutBefore = before;
      bound();
    }

    /** The connection, for what needs it whole (auto-commit, metadata, unwrap). */
    public Connection connection() {
      return connection;
    }

    /** A prepared statement bounded by the time left. */
    public PreparedStatement prepare(String sql) throws SQLException {
      int seconds = bound();
      PreparedStatement ps = connection.prepareStatement(sql);
      ps.setQueryTimeout(seconds);
      return ps;
    }

    /** A statement bounded by the time left. */
    public Statement statement() throws SQLException {
      int seconds = bound();
      Statement s = connection.createStatement();
      s.setQueryTimeout(seconds);
      return s;
    }

    /** Commits within the time left. */
    public void commit() throws SQLException {
      bound();
      connection.commit();
    }

    /**
     * Sets the network timeout to the time left, and answers the query timeout in whole seconds (at least 1).
     *
     * @throws SQLTimeoutException when no time is left
     */
    private int bound() throws SQLException {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SQLTimeoutException("the flag store's time budget is spent", "57014");
      }
      long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
      if (networkTimeouts) {
        try {
          connection.setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, leftMillis));
        } catch (SQLFeatureNotSupportedException | AbstractMethodError | UnsupportedOperationException e) {
          networkTimeouts = false;
        }
      }
      return (int) Math.max(1, (leftMillis + 999) / 1000);
    }

    @Override
    public void close() throws SQLException {
      try {
        if (networkTimeouts && !connection.isClosed()) {
          connection.setNetworkTimeout(DIRECT, networkTimeoutBefore);
        }
      } catch (SQLException | RuntimeException e) {
        LOG.debug("Restoring the network timeout of a connection failed", e);
      } finally {
        connection.close();
      }
    }
  }
}
