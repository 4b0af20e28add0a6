package dev.progressive.toggles.internal.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when the JDBC store reads what changed: every poll interval, every second while the store is unavailable,
 * and at once on PostgreSQL when a NOTIFY arrives or the LISTEN connection is lost or reopened. All reads run on one
 * daemon thread, {@code progressive-flag-store-poll}.
 */
public final class ChangePoller implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChangePoller.class);
  /** How often an unavailable store checks whether the database is back. */
  static final Duration RECHECK = Duration.ofSeconds(1);

  /** The store's read of what changed, within a budget; never throws. */
  @FunctionalInterface
  public interface Poll {
    void poll(Duration budget);
  }

  /** How the poller is configured: the store's builder settings that concern propagation. */
  public record Settings(Duration pollInterval, boolean listen, DataSource listenDataSource, Duration heartbeat,
      Duration reconnectMax) {
  }

  private final Settings settings;
  private final DatabaseCalls calls;
  private final String channel;
  private final BooleanSupplier available;
  private final Poll target;
  private volatile long lastPoll;
  private ScheduledExecutorService poller;
  private PostgresListener listener;
  private ConnectionGate listenGate;
  private boolean closed;

  /**
   * @param settings the intervals, and whether and where to LISTEN
   * @param calls the store's database calls: their budget, and the LISTEN connection when no other data source
   * @param channel the NOTIFY channel
   * @param available whether the store reached the database last time; while not, it is polled every second
   * @param target the store's read of what changed
   */
  public ChangePoller(Settings settings, DatabaseCalls calls, String channel, BooleanSupplier available,
      Poll target) {
    this.settings = settings;
    this.calls = calls;
    this.channel = channel;
    this.available = available;
    this.target = target;
  }

  /** Starts polling, and LISTENing on PostgreSQL when configured; once, and never after {@link #close}. */
  public synchronized void start() {
    if (closed || poller != null) {
      return;
    }
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "progressive-flag-store-poll");
      t.setDaemon(true);
      return t;
    });
    lastPoll = System.nanoTime();
    long tick = Math.min(settings.pollInterval().toMillis(), RECHECK.toMillis());
    poller.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    if (settings.listen() && PostgresListener.driverPresent()) {
      PostgresListener.Connector connector = calls::connection;
      if (settings.listenDataSource() != null) {
        ConnectionGate gate = new ConnectionGate("progressive-flag-store-listen", settings.listenDataSource(), 1, 1);
        listenGate = gate;
        connector = () -> gate.get(System.nanoTime() + calls.timeout().toNanos());
      }
      listener = new PostgresListener("progressive-flag-store", connector, channel, settings.heartbeat(),
          settings.reconnectMax(), new PostgresListener.Events() {
            @Override
            public void notified() {
              pollNow(calls.timeout());
            }

            @Override
            public void lost(Exception cause) {
              // Is the database gone, or only this connection? A poll says, within one heartbeat: a healthy
              // database answers it in milliseconds.
              pollSoon(settings.heartbeat());
            }

            @Override
            public void reopened() {
              pollSoon(calls.timeout());
            }
          });
      listener.start();
    }
  }

  /** Whether the LISTEN connection is open and answered its last heartbeat. */
  public boolean isListening() {
    PostgresListener l = listener;
    return l != null && l.isListening();
  }

  /** Why this instance cannot LISTEN while it cannot; null while it LISTENs, or when it does not try. */
  public String listenUnavailableBecause() {
    PostgresListener l = listener;
    return l == null ? null : l.unavailableBecause();
  }

  private void pollNow(Duration budget) {
    lastPoll = System.nanoTime();
    target.poll(budget);
  }

  /** Polls on the poller's thread, now, within the budget given. */
  private synchronized void pollSoon(Duration budget) {
    if (!closed && poller != null) {
      try {
        poller.execute(() -> pollNow(budget));
      } catch (RejectedExecutionException e) {
        LOG.debug("The flag store is closing; no poll", e);
      }
    }
  }

  /** Every second: an unavailable store checks whether the database is back; otherwise polls when one is due. */
  private void tick() {
    if (!available.getAsBoolean() || System.nanoTime() - lastPoll >= settings.pollInterval().toNanos()) {
      pollNow(calls.timeout());
    }
  }

  /** Stops the polls and the LISTEN connection; a poll under way is interrupted. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (poller != null) {
      poller.shutdownNow();
    }
    if (listener != null) {
      listener.close();
    }
    if (listenGate != null) {
      listenGate.close();
    }
  }
}
