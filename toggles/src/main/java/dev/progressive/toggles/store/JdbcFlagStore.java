package dev.progressive.toggles.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.progressive.toggles.internal.store.AuditedWrite;
import dev.progressive.toggles.internal.store.ChangePoller;
import dev.progressive.toggles.internal.store.DatabaseCalls;
import dev.progressive.toggles.internal.store.FlagTables;
import dev.progressive.toggles.internal.store.KnownAudit;
import dev.progressive.toggles.internal.store.OverrideJson;
import dev.progressive.toggles.internal.store.OverrideRows;
import dev.progressive.toggles.internal.store.StorableText;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store that all instances of a service share: overrides and their audit in a database, through a
 * {@link DataSource}. PostgreSQL first; any JDBC database works through plain SQL (tested with H2).
 *
 * <pre>{@code
 * JdbcFlagStore store = JdbcFlagStore.builder(dataSource).build();
 * Toggles toggles = Toggles.builder().source(...).store(store).build();
 * }</pre>
 *
 * <p><b>Tables</b> (created when absent, with the prefix of {@link Builder#tablePrefix}, default
 * {@code progressive_}): {@code flag_overrides} (one row per flag, with its version), {@code flag_audit}
 * (append-only), {@code flag_sequence} (the store-wide change counter) and {@code schema_version}, which is checked
 * at start: a schema of another version is refused rather than misread.
 *
 * <p><b>Writes</b> take the change counter's row lock first, so they commit in the order of their change ids; the
 * flag's version is compared (unless the change is {@linkplain ChangeRequest#lastWriterWins last-writer-wins}), the
 * override written and the audit appended in one transaction. A write either stores the change with its audit entry,
 * or nothing.
 *
 * <p><b>Propagation.</b> Every instance polls the change counter every {@link Builder#pollInterval} (default 5 s)
 * and reads only the rows changed since. On PostgreSQL, a write also sends a NOTIFY, which instances LISTEN for on a
 * dedicated connection, so a change arrives within milliseconds; that connection is checked by a heartbeat and
 * reopened with exponential backoff when lost, and a full resync follows every reopening, so no change is missed.
 * An instance that cannot get or keep its LISTEN connection (the server's {@code max_connections} reached, a pooler
 * that does not pass LISTEN on) never fails for it: changes reach it by the poll, within one poll interval, its
 * {@link #notice()} (shown in the store's health) says so and why, and it LISTENs again as soon as it can. The LISTEN
 * connection comes from the store's data source, or from {@link Builder#listenDataSource} when given.
 *
 * <p><b>Time bounds.</b> Every database call has one budget, {@link Builder#timeout} (default 2 s), whatever the
 * pool's own timeouts: getting the connection (on a bounded executor, since {@link DataSource#getConnection()} cannot
 * be interrupted), every statement (query and network timeouts from the time left) and the retries together.
 *
 * <p><b>Failures.</b> Only failures to reach the database are retried and counted by a circuit breaker. While the
 * database is unreachable, evaluation goes on with the last known overrides, the store reports itself unavailable
 * (health STALE, the provider's STALE), writes fail with {@link StoreUnavailableException} within the budget, and
 * reads of the audit answer with what this instance knows ({@link StoreUnavailableException#knownHistory()}). The
 * store checks again every second, and resyncs by itself as soon as the database answers. Data that the database
 * cannot hold (a NUL character, a value longer than its column) is the caller's error: {@link StoreDataException},
 * nothing stored, health and circuit breaker untouched.
 */
public final class JdbcFlagStore implements FlagStore {

  /** The schema version this code reads and writes. */
  public static final int SCHEMA_VERSION = FlagTables.SCHEMA_VERSION;

  private static final Logger LOG = LoggerFactory.getLogger(JdbcFlagStore.class);
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,40}");

  private final FlagTables tables;
  private final OverrideRows rows;
  private final AuditedWrite auditedWrite;
  private final Duration pollInterval;
  private final ChangePoller.Settings pollSettings;
  private final DatabaseCalls calls;
  /**
   * The last overrides read or written, by flag: what {@link #read} answers without waiting on the database. Kept
   * current in the background by the polls and notifications.
   */
  private final Cache<String, StoredOverride> known;
  private final KnownAudit knownAudit = new KnownAudit(200, 4_000_000);
  private final Object pollLock = new Object();
  private volatile boolean schemaReady;
  private volatile boolean available = true;
  private volatile boolean closed;
  private long lastSeenChange = -1;
  private volatile ChangePoller poller;

  private JdbcFlagStore(Builder builder) {
    this.tables = new FlagTables(builder.tablePrefix);
    this.rows = new OverrideRows(tables);
    this.auditedWrite = new AuditedWrite(tables, rows, builder.clock);
    this.pollInterval = builder.pollInterval;
    this.pollSettings = new ChangePoller.Settings(builder.pollInterval, builder.listen, builder.listenDataSource,
        builder.heartbeat, builder.reconnectMax);
    this.calls = new DatabaseCalls("progressive-flag-store-" + builder.tablePrefix, builder.dataSource,
        builder.timeout, builder.retryAttempts, builder.retryWait, builder.circuitOpenWait,
        failure -> available = false);
    this.known = Caffeine.newBuilder().maximumSize(builder.maxCachedFlags).build();
  }

  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  @Override
  public String name() {
    return "jdbc";
  }

  @Override
  public boolean isAvailable() {
    return available;
  }

  /** Whether the LISTEN connection is open and answered its last heartbeat (PostgreSQL only). */
  public boolean isListening() {
    ChangePoller changes = poller;
    return changes != null && changes.isListening();
  }

  /**
   * What ops should know of how changes reach this instance while it is not as configured: {@code change
   * notifications: polling every 5s, LISTEN unavailable: FATAL: sorry, too many clients already} while it cannot
   * LISTEN on PostgreSQL; empty while it LISTENs, and on databases that only poll.
   */
  @Override
  public Optional<String> notice() {
    ChangePoller changes = poller;
    String reason = changes == null ? null : changes.listenUnavailableBecause();
    if (reason == null || closed) {
      return Optional.empty();
    }
    return Optional.of("change notifications: polling every " + seconds(pollInterval) + ", LISTEN unavailable: "
        + reason);
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }

  /** The budget of each database call, retries included. */
  public Duration timeout() {
    return calls.timeout();
  }

  /** The last override read or written of one flag, from memory: never waits on the database. */
  @Override
  public Optional<StoredOverride> read(String flagKey) {
    return Optional.ofNullable(known.getIfPresent(flagKey));
  }

  /** Runs one database call within the budget, the schema created first when needed. */
  private <T> T call(String what, DatabaseCalls.Work<T> body) {
    return calls.call(what, session -> {
      ensureSchema(session);
      return body.run(session);
    });
  }

  private void ensureSchema(DatabaseCalls.Session session) throws SQLException {
    if (schemaReady) {
      return;
    }
    synchronized (tables) {
      if (!schemaReady) {
        tables.create(session);
        schemaReady = true;
      }
    }
  }

  // ---- reads ----------------------------------------------------------------------------------------------------

  @Override
  public Collection<StoredOverride> loadAll() {
    return loadAll(false);
  }

  /** Reads every override; as a probe past an open circuit when checking whether the database is back. */
  private Collection<StoredOverride> loadAll(boolean probe) {
    DatabaseCalls.Work<List<StoredOverride>> work = session -> {
      ensureSchema(session);
      long seq = rows.lastChange(session);
      List<StoredOverride> all = rows.all(session);
      synchronized (pollLock) {
        lastSeenChange = Math.max(lastSeenChange, seq);
      }
      return all;
    };
    List<StoredOverride> all = probe ? calls.probe("reading the overrides", work)
        : calls.call("reading the overrides", work);
    known.invalidateAll();
    all.forEach(override -> known.put(override.flagKey(), override));
    return all;
  }

  @Override
  public List<AuditEntry> history(String flagKey, Instant from, Instant to, int limit) {
    List<AuditEntry> entries;
    try {
      entries = call("reading the audit", session -> rows.audit(session, flagKey, from, to, limit));
    } catch (StoreUnavailableException e) {
      throw new StoreUnavailableException(e.getMessage(), e.getCause(), knownAudit.find(flagKey, from, to, limit));
    }
    knownAudit.remember(entries);
    return entries;
  }

  // ---- writes ---------------------------------------------------------------------------------------------------

  @Override
  public StoredOverride write(String flagKey, FlagOverride override, long expectedVersion, AuditEntry entry) {
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(override, "override");
    Objects.requireNonNull(entry, "entry");
    String json = OverrideJson.write(override);
    StorableText.check(flagKey, json, entry);
    AuditedWrite.Written written = call("writing flag '" + flagKey + "'",
        session -> auditedWrite.run(session, flagKey, override, json, expectedVersion, entry));
    known.put(flagKey, written.override());
    knownAudit.remember(List.of(written.audit()));
    return written.override();
  }

  // ---- propagation ----------------------------------------------------------------------------------------------

  @Override
  public synchronized void watch(StoreListener storeListener) {
    if (closed || poller != null) {
      return;
    }
    poller = new ChangePoller(pollSettings, calls, tables.channel(), () -> available,
        budget -> poll(storeListener, budget));
    poller.start();
  }

  /** Reads what changed since the last read, within the budget; after a failure, everything. Never throws. */
  void poll(StoreListener storeListener, Duration budget) {
    if (closed) {
      return;
    }
    synchronized (pollLock) {
      try {
        if (!available) {
          resync(storeListener);
          return;
        }
        long since = lastSeenChange;
        List<StoredOverride> changed = calls.call("polling for changes", session -> {
          ensureSchema(session);
          long seq = rows.lastChange(session);
          if (seq <= since) {
            return List.of();
          }
          List<StoredOverride> read = rows.changed(session, since, seq);
          lastSeenChange = seq;
          return read;
        }, budget);
        if (!changed.isEmpty()) {
          changed.forEach(override -> known.put(override.flagKey(), override));
          storeListener.changed(changed, false);
        }
      } catch (StoreUnavailableException e) {
        available = false;
        storeListener.unavailable(e);
      } catch (RuntimeException e) {
        LOG.error("Polling the flag store failed", e);
      }
    }
  }

  /** Holds pollLock. */
  private void resync(StoreListener storeListener) {
    Collection<StoredOverride> all = loadAll(true);
    boolean wasDown = !available;
    available = true;
    if (wasDown) {
      LOG.info("Flag store available again; resynced {} overrides", all.size());
    }
    storeListener.changed(all, true);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (poller != null) {
      poller.close();
    }
    calls.close();
  }

  /** Builds a {@link JdbcFlagStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private DataSource listenDataSource;
    private String tablePrefix = "progressive_";
    private Duration pollInterval = Duration.ofSeconds(5);
    private boolean listen = true;
    private Clock clock = Clock.systemUTC();
    private int retryAttempts = 3;
    private Duration retryWait = Duration.ofMillis(100);
    private Duration circuitOpenWait = Duration.ofSeconds(10);
    private Duration reconnectMax = Duration.ofSeconds(2);
    private Duration timeout = Duration.ofSeconds(2);
    private Duration heartbeat = Duration.ofSeconds(1);
    private long maxCachedFlags = 100_000;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The prefix of the store's tables: lowercase letters, digits and underscores. Default {@code progressive_}. */
    public Builder tablePrefix(String tablePrefix) {
      if (tablePrefix == null || !IDENTIFIER.matcher(tablePrefix).matches()) {
        throw new IllegalArgumentException("tablePrefix must be lowercase letters, digits and underscores, "
            + "starting with a letter or underscore, at most 41 characters; was " + tablePrefix);
      }
      this.tablePrefix = tablePrefix;
      return this;
    }

    /** How often the change counter is polled. Default 5 s; the only propagation on databases other than PostgreSQL. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive(pollInterval, "pollInterval");
      return this;
    }

    /** Whether to LISTEN for NOTIFY on PostgreSQL. Default true. */
    public Builder listenNotify(boolean listen) {
      this.listen = listen;
      return this;
    }

    /**
     * Where the one long-lived LISTEN connection comes from, when not from the store's data source (the default).
     * Give a data source that reaches PostgreSQL directly when the store's goes through a pooler that does not pass
     * LISTEN on, such as PgBouncer in transaction mode. When it cannot give a connection, the store polls.
     */
    public Builder listenDataSource(DataSource listenDataSource) {
      this.listenDataSource = Objects.requireNonNull(listenDataSource, "listenDataSource");
      return this;
    }

    /** The clock of audit and update times. Default: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The budget of one database call, retries included: getting a connection, every statement, and the waits
     * between attempts. A write answers within it, stored or refused. Default 2 s, whatever the pool's own timeouts.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** Attempts per database call at most, the first included, all within {@link #timeout}. Default 3. */
    public Builder retryAttempts(int retryAttempts) {
      if (retryAttempts < 1) {
        throw new IllegalArgumentException("retryAttempts must be at least 1, was " + retryAttempts);
      }
      this.retryAttempts = retryAttempts;
      return this;
    }

    /** The first wait between attempts; it doubles with each. Default 100 ms. */
    public Builder retryWait(Duration retryWait) {
      this.retryWait = positive(retryWait, "retryWait");
      return this;
    }

    /** How long the circuit breaker stays open before it lets one call try. Default 10 s. */
    public Builder circuitOpenWait(Duration circuitOpenWait) {
      this.circuitOpenWait = positive(circuitOpenWait, "circuitOpenWait");
      return this;
    }

    /**
     * The longest wait between attempts to reopen the LISTEN connection, which start at 100 ms and double with each
     * failure in a row. Default 2 s. Changes arrive by the poll meanwhile.
     */
    public Builder reconnectMax(Duration reconnectMax) {
      this.reconnectMax = positive(reconnectMax, "reconnectMax");
      return this;
    }

    /**
     * How often the LISTEN connection proves that it still answers, and how long it may take to (PostgreSQL only).
     * Default 1 s: a network that silently drops packets is noticed within about two heartbeats.
     */
    public Builder heartbeat(Duration heartbeat) {
      this.heartbeat = positive(heartbeat, "heartbeat");
      return this;
    }

    public JdbcFlagStore build() {
      return new JdbcFlagStore(this);
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + duration);
      }
      return duration;
    }
  }
}
