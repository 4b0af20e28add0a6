package dev.progressive.toggles.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's LISTEN on a dedicated connection, on a thread of its own: tells the store of every NOTIFY, and of a
 * connection lost. The connection is checked with a heartbeat query bounded by a network timeout, so a network that
 * drops packets without resetting the connection is noticed within about two heartbeats, not at the next poll. A lost
 * connection is reopened with exponential backoff; every reopening is reported, so the store resyncs and no change is
 * missed.
 */
public final class PostgresListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresListener.class);

  /** What the listener tells the store, on its thread. */
  public interface Events {
    /** A NOTIFY arrived: something changed. */
    void notified();

    /** The LISTEN connection failed or could not be opened. */
    void lost(Exception cause);

    /** LISTEN works again after having been lost: the store must resync, notifications were missed meanwhile. */
    void reopened();
  }

  private final DatabaseCalls calls;
  private final String channel;
  private final Duration heartbeat;
  private final Duration reconnectMax;
  private final Events events;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private volatile boolean closed;
  private volatile boolean listening;

  /**
   * @param calls where the connection comes from, within the store's time budget
   * @param channel the NOTIFY channel
   * @param heartbeat how often the connection is checked, and how long a check may take
   * @param reconnectMax the longest wait between attempts to reopen it
   * @param events told of notifications and of the connection's state
   */
  public PostgresListener(String name, DatabaseCalls calls, String channel, Duration heartbeat, Duration reconnectMax,
      Events events) {
    this.calls = calls;
    this.channel = channel;
    this.heartbeat = heartbeat;
    this.reconnectMax = reconnectMax;
    this.events = events;
    this.thread = new Thread(this::loop, name + "-listen");
    this.thread.setDaemon(true);
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

  private void loop() {
    Duration backoff = Duration.ofMillis(100);
    boolean lost = false;
    while (!closed) {
      try (Connection c = calls.connection()) {
        if (!c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres")) {
          LOG.debug("The flag store's database is not PostgreSQL: no LISTEN, polling only");
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
        if (lost) {
          LOG.info("Listening for flag changes again");
          events.reopened();
          lost = false;
        }
        backoff = Duration.ofMillis(100);
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
        if (closed) {
          break;
        }
        LOG.debug("The LISTEN connection of the flag store failed; reopening it in {}", backoff, e);
        lost = true;
        events.lost(e);
        if (!pause(backoff)) {
          break;
        }
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(reconnectMax) > 0) {
          backoff = reconnectMax;
        }
      }
    }
    listening = false;
  }

  /** Waits for the backoff, or until closed; false when closed. */
  private boolean pause(Duration d) {
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
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
