package dev.progressive.toggles.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets connections from a {@link DataSource} within a deadline. {@link DataSource#getConnection()} cannot be
 * interrupted and waits as long as the pool says (HikariCP: 30 s by default), so it runs on a few threads of this
 * gate while the caller waits only until its deadline. A connection that arrives after its caller gave up is closed
 * at once, back to the pool. Threads and queue are bounded: when both are full, a caller fails at once.
 */
public final class ConnectionGate implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);

  private final DataSource dataSource;
  private final ThreadPoolExecutor executor;
  private final int threads;
  private final int queue;

  /**
   * @param name what its threads are named after
   * @param dataSource where connections come from
   * @param threads how many {@code getConnection()} calls may wait on the data source at once
   * @param queue how many more may wait for one of those threads
   */
  public ConnectionGate(String name, DataSource dataSource, int threads, int queue) {
    this.dataSource = dataSource;
    this.threads = threads;
    this.queue = queue;
    AtomicInteger count = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
        r -> {
          Thread t = new Thread(r, name + "-connect-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.executor.allowCoreThreadTimeOut(true);
  }

  /**
   * A connection, or an exception by the deadline.
   *
   * @param deadlineNanos the {@link System#nanoTime()} by which to answer
   * @throws SQLTransientConnectionException (SQLState 08001) when no connection came in time, or too many callers
   *     are waiting already
   * @throws SQLException what the data source threw
   */
  public Connection get(long deadlineNanos) throws SQLException {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    Runnable task = () -> {
      if (result.isDone()) {
        return; // the caller gave up before this task started
      }
      try {
        Connection c = dataSource.getConnection();
        if (!result.complete(c)) {
          closeQuietly(c); // the caller gave up meanwhile
        }
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    };
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      throw new SQLTransientConnectionException("no connection: " + (threads + queue) + " requests are already "
          + "waiting for the data source", "08001", e);
    }
    long remaining = deadlineNanos - System.nanoTime();
    try {
      return result.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (result.completeExceptionally(e)) {
        executor.remove(task);
        throw new SQLTransientConnectionException("no connection from the data source within the store's time "
            + "budget", "08001", e);
      }
      return done(result); // it came just now
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (result.completeExceptionally(e)) {
        executor.remove(task);
        throw new SQLTransientConnectionException("interrupted while waiting for a connection", "08001", e);
      }
      return done(result);
    } catch (ExecutionException e) {
      throw asSql(e.getCause());
    }
  }

  /** How many requests wait for one of the threads now. */
  int queued() {
    return executor.getQueue().size();
  }

  private static Connection done(CompletableFuture<Connection> result) throws SQLException {
    try {
      return result.getNow(null);
    } catch (RuntimeException e) {
      throw asSql(e.getCause() == null ? e : e.getCause());
    }
  }

  private static SQLException asSql(Throwable t) {
    if (t instanceof SQLException sql) {
      return sql;
    }
    return new SQLTransientConnectionException("the data source failed: " + t, "08001", t);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("Closing a connection that came too late failed", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
