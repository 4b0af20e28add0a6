package dev.progressive.toggles.internal.store;

import io.github.resilience4j.core.IntervalFunction;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's LISTEN on a dedicated connection, on a thread of its own: tells the store of every NOTIFY, and of a
 * connection lost or refused. The connection is checked with a heartbeat query bounded by a network timeout, so a
 * network that drops packets without resetting the connection is noticed within about two heartbeats, not at the next
 * poll. A connection lost, or one that cannot be had (the server's {@code max_connections} reached, the pool empty),
 * is tried again after a wait that grows by Resilience4j's exponential {@link IntervalFunction} up to a maximum;
 * meanwhile the store polls, and {@link #unavailableBecause()} says why it does. Every reopening is reported, so the
 * store resyncs and no change is missed.
 */
public final class PostgresListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresListener.class);
  /** The first wait before LISTEN is tried again; it doubles with each failure in a row, up to the maximum. */
  static final Duration FIRST_WAIT = Duration.ofMillis(100);

  /** What the listener tells the store, on its thread. */
  public interface Events {
    /** A NOTIFY arrived: something changed. */
    void notified();

    /**
     * LISTEN stopped working, or could not be started: called once per spell without LISTEN, at its first failure,
     * not at every attempt that fails after it.
     */
    void lost(Exception cause);

    /** LISTEN works again after having been lost: the store must resync, notifications were missed meanwhile. */
    void reopened();
  }

  /** Where the LISTEN connection comes from, within the store's time budget. */
  @FunctionalInterface
  public interface Connector {
    Connection connect() throws SQLException;
  }

  /** Waits between attempts; false when the listener was closed meanwhile. Tests replace it to see the waits. */
  @FunctionalInterface
  interface Pause {
    boolean pause(Duration wait);
  }

  private final Connector connector;
  private final String channel;
  private final Duration heartbeat;
  private final IntervalFunction backoff;
  private final Events events;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Pause pause;
  private volatile boolean closed;
  private volatile boolean listening;
  /** The LISTEN connection while open, so that {@link #close()} can cut the wait for notifications short. */
  private volatile Connection current;
  /** Why LISTEN does not work now, or null while it does (or before the first attempt). */
  private volatile String unavailableBecause;

  /**
   * @param name what the thread is named after
   * @param connector where the connection comes from, within the store's time budget
   * @param channel the NOTIFY channel
   * @param heartbeat how often the connection is checked, and how long a check may take
   * @param reconnectMax the longest wait between attempts to reopen it
   * @param events told of notifications and of the connection's state
   */
  public PostgresListener(String name, Connector connector, String channel, Duration heartbeat, Duration reconnectMax,
      Events events) {
    this(name, connector, channel, heartbeat, reconnectMax, events, null);
  }

  PostgresListener(String name, Connector connector, String channel, Duration heartbeat, Duration reconnectMax,
      Events events, Pause pause) {
    this.connector = connector;
    this.channel = channel;
    this.heartbeat = heartbeat;
    this.backoff = backoff(reconnectMax);
    this.events = events;
    this.pause = pause != null ? pause : this::awaitClose;
    this.thread = new Thread(this::loop, name + "-listen");
    this.thread.setDaemon(true);
  }

  /** 100 ms after the first failure in a row, doubling with each, never more than {@code max}. */
  static IntervalFunction backoff(Duration max) {
    Duration first = FIRST_WAIT.compareTo(max) < 0 ? FIRST_WAIT : max;
    return IntervalFunction.ofExponentialBackoff(first, 2.0, max);
  }

  /** Whether the pgjdbc driver, which LISTEN needs, is on the class path. */
  public static boolean driverPresent() {
    try {
      Class.forName("org.postgresql.PGConnection", false, PostgresListener.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  public void start() {
    thread.start();
  }

  /** Whether the LISTEN connection is open and answered its last heartbeat. */
  public boolean isListening() {
    return listening;
  }

  /**
   * Why LISTEN does not work now, e.g. {@code FATAL: sorry, too many clients already}; null while it works, before
   * the first attempt, and when the database is not PostgreSQL (polling is then the only way, not a fallback).
   */
  public String unavailableBecause() {
    return listening ? null : unavailableBecause;
  }

  /** Runs on the listener's thread until closed; also called directly by tests. */
  void loop() {
    int failures = 0;
    while (!closed) {
      try (Connection c = connector.connect()) {
        current = c;
        if (closed) {
          break;
        }
        if (!c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")) {
          LOG.debug("The flag store's database is not PostgreSQL: no LISTEN, polling only");
          unavailableBecause = null;
          return;
        }
        int heartbeatMillis = (int) heartbeat.toMillis();
        c.setAutoCommit(true);
        c.setNetworkTimeout(Runnable::run, heartbeatMillis);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + channel);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        listening = true;
        if (failures > 0) {
          LOG.info("Listening for flag changes again after {} failed attempt(s)", failures);
          unavailableBecause = null;
          events.reopened();
        }
        failures = 0;
        while (!closed) {
          // Waits up to one heartbeat for notifications; then a query proves the connection still answers.
          PGNotification[] notifications = pg.getNotifications(heartbeatMillis);
          if (notifications != null && notifications.length > 0) {
            events.notified();
          }
          try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        current = null;
        if (closed) {
          break;
        }
        failures++;
        Duration wait = Duration.ofMillis(backoff.apply(failures));
        String reason = reason(e);
        if (failures == 1) {
          LOG.warn("The flag store cannot LISTEN for changes ({}); it polls until it can, trying again in {}", reason,
              wait);
          unavailableBecause = reason;
          events.lost(e);
        } else {
          LOG.debug("LISTEN failed again ({}); trying again in {}", reason, wait, e);
          unavailableBecause = reason;
        }
        if (!pause.pause(wait)) {
          break;
        }
      }
    }
    listening = false;
    current = null;
  }

  /** Whether the listener's thread has ended (after {@link #close()}, or on a database other than PostgreSQL). */
  boolean ended() {
    return !thread.isAlive();
  }

  /** The failure in one line: the driver's message, which says what PostgreSQL refused. */
  private static String reason(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Waits for the backoff, or until closed; false when closed. */
  private boolean awaitClose(Duration d) {
    long left = d.toNanos();
    lock.lock();
    try {
      while (!closed && left > 0) {
        left = wake.awaitNanos(left);
      }
      return !closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    thread.interrupt();
    // The thread may wait up to a heartbeat for notifications on the socket, which an interrupt does not end:
    // aborting the connection does, so a store closes at once rather than in up to a heartbeat.
    Connection c = current;
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException e) {
        LOG.debug("Aborting the LISTEN connection failed; closing waits for the heartbeat", e);
      }
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
