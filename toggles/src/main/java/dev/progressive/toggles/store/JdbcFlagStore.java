package dev.progressive.toggles.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * flag's version is compared, the override written and the audit appended in one transaction. A write either stores
 * the change with its audit entry, or nothing.
 *
 * <p><b>Propagation.</b> Every instance polls the change counter every {@link Builder#pollInterval} (default 5 s)
 * and reads only the rows changed since. On PostgreSQL, a write also sends a NOTIFY, which instances LISTEN for on a
 * dedicated connection, so a change arrives within milliseconds; that connection is reopened with exponential
 * backoff when lost, and a full resync follows every reconnect, so no change is missed.
 *
 * <p><b>Failures.</b> Every database call goes through a Resilience4j retry (with backoff) and circuit breaker.
 * While the database is down, evaluation goes on with the last known overrides, the store reports itself
 * unavailable (the provider's STALE), and writes fail fast with {@link StoreUnavailableException}. When it returns,
 * the store resyncs by itself.
 */
public final class JdbcFlagStore implements FlagStore {

  /** The schema version this code reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  private static final Logger LOG = LoggerFactory.getLogger(JdbcFlagStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The override columns that {@link #rows} reads, in its order; followed by the table. */
  private static final String COLUMNS =
      "SELECT flag_key, override_json, version, change_id, updated_at, updated_by, reason FROM ";
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,40}");

  private final DataSource dataSource;
  private final String p;
  private final Duration pollInterval;
  private final boolean listen;
  private final String channel;
  private final Clock clock;
  private final Duration reconnectMax;
  private final Retry retry;
  private final CircuitBreaker circuitBreaker;
  /**
   * The last overrides read, by flag: what {@link #read} answers without waiting on the database. Entries are
   * refreshed in the background once they are older than the poll interval.
   */
  private final LoadingCache<String, StoredOverride> known;
  private final Object pollLock = new Object();
  private volatile boolean schemaReady;
  private volatile boolean available = true;
  private volatile boolean closed;
  private volatile boolean listening;
  private long lastSeenChange = -1;
  private ScheduledExecutorService poller;
  private Thread listener;

  private JdbcFlagStore(Builder b) {
    this.dataSource = b.dataSource;
    this.p = b.tablePrefix;
    this.pollInterval = b.pollInterval;
    this.listen = b.listen;
    this.channel = b.tablePrefix + "flag_changes";
    this.clock = b.clock;
    this.reconnectMax = b.reconnectMax;
    this.retry = Retry.of("progressive-flag-store", RetryConfig.custom()
        .maxAttempts(b.retryAttempts)
        .intervalFunction(IntervalFunction.ofExponentialBackoff(b.retryWait, 2.0))
        .retryOnException(e -> e instanceof SQLException)
        .build());
    this.circuitBreaker = CircuitBreaker.of("progressive-flag-store", CircuitBreakerConfig.custom()
        .failureRateThreshold(50)
        .slidingWindowSize(10)
        .minimumNumberOfCalls(4)
        .waitDurationInOpenState(b.circuitOpenWait)
        .permittedNumberOfCallsInHalfOpenState(1)
        .ignoreExceptions(VersionConflictException.class)
        .build());
    this.known = Caffeine.newBuilder().maximumSize(b.maxCachedFlags).refreshAfterWrite(b.pollInterval)
        .build(this::readRow);
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

  /** Whether the LISTEN connection is open (PostgreSQL only). */
  public boolean isListening() {
    return listening;
  }

  /** The last override read of one flag, from memory: never waits on the database, and refreshes in the background. */
  @Override
  public Optional<StoredOverride> read(String flagKey) {
    return Optional.ofNullable(known.getIfPresent(flagKey));
  }

  /** Reads one flag's row; the cache's loader, run in the background by refresh-after-write. */
  private StoredOverride readRow(String flagKey) {
    List<StoredOverride> rows = call("reading flag '" + flagKey + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement(COLUMNS + p + "flag_overrides WHERE flag_key = ?")) {
        ps.setString(1, flagKey);
        return rows(ps);
      }
    });
    return rows.isEmpty() ? null : rows.get(0);
  }

  // ---- calls through retry and circuit breaker -------------------------------------------------------------------

  @FunctionalInterface
  private interface Sql<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs one database call (its own connection) through the circuit breaker and the retry. */
  private <T> T call(String what, Sql<T> body) {
    try {
      return Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(circuitBreaker, () -> {
        try (Connection c = dataSource.getConnection()) {
          ensureSchema(c);
          return body.run(c);
        }
      })).get();
    } catch (VersionConflictException e) {
      throw e;
    } catch (CallNotPermittedException e) {
      throw new StoreUnavailableException("flag store is unavailable: the database failed repeatedly and is not "
          + "called for now (circuit open); " + what + " was not done", e);
    } catch (Throwable e) {
      throw new StoreUnavailableException("flag store is unavailable: " + what + " failed: " + e.getMessage(), e);
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
      try {
        createSchema(c);
      } catch (SQLException first) {
        // Two instances creating the schema at once: the loser sees a duplicate; the tables exist now.
        LOG.debug("Creating the flag store schema raced with another instance; checking again", first);
        createSchema(c);
      }
      schemaReady = true;
    }
  }

  private void createSchema(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + p + "schema_version (component VARCHAR(64) PRIMARY KEY, "
          + "version INTEGER NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS " + p + "flag_sequence (id INTEGER PRIMARY KEY, "
          + "last_change BIGINT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS " + p + "flag_overrides (flag_key VARCHAR(255) PRIMARY KEY, "
          + "override_json VARCHAR(1000000) NOT NULL, version BIGINT NOT NULL, change_id BIGINT NOT NULL, "
          + "updated_at BIGINT NOT NULL, updated_by VARCHAR(255) NOT NULL, reason VARCHAR(2000) NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS " + p + "flag_audit (id BIGINT PRIMARY KEY, "
          + "flag_key VARCHAR(255) NOT NULL, version BIGINT NOT NULL, action VARCHAR(64) NOT NULL, "
          + "actor VARCHAR(255) NOT NULL, reason VARCHAR(2000) NOT NULL, at_millis BIGINT NOT NULL, "
          + "before_json VARCHAR(1000000), after_json VARCHAR(1000000))");
      s.execute("CREATE INDEX IF NOT EXISTS " + p + "flag_audit_key_at ON " + p + "flag_audit (flag_key, at_millis)");
      s.execute("CREATE INDEX IF NOT EXISTS " + p + "flag_overrides_change ON " + p + "flag_overrides (change_id)");
    }
    insertIfAbsent(c, "INSERT INTO " + p + "flag_sequence (id, last_change) VALUES (1, 0)",
        "SELECT 1 FROM " + p + "flag_sequence WHERE id = 1");
    insertIfAbsent(c, "INSERT INTO " + p + "schema_version (component, version) VALUES ('flags', " + SCHEMA_VERSION
        + ")", "SELECT 1 FROM " + p + "schema_version WHERE component = 'flags'");
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM " + p + "schema_version WHERE component = 'flags'")) {
      rs.next();
      int version = rs.getInt(1);
      if (version != SCHEMA_VERSION) {
        throw new IllegalStateException("The flag store's tables (" + p + "*) are at schema version " + version
            + ", but this version of Progressive reads version " + SCHEMA_VERSION + "; upgrade Progressive or "
            + "point it at another table prefix");
      }
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static void insertIfAbsent(Connection c, String insert, String exists) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(exists)) {
        if (rs.next()) {
          return;
        }
      }
      try {
        s.executeUpdate(insert);
      } catch (SQLException e) {
        try (ResultSet rs = s.executeQuery(exists)) {
          if (!rs.next()) {
            throw e;
          }
        }
      }
    }
  }

  // ---- reads ----------------------------------------------------------------------------------------------------

  @Override
  public Collection<StoredOverride> loadAll() {
    List<StoredOverride> all;
    try {
      all = loadAllRows();
    } catch (StoreUnavailableException e) {
      available = false;
      throw e;
    }
    known.invalidateAll();
    all.forEach(o -> known.put(o.flagKey(), o));
    return all;
  }

  private List<StoredOverride> loadAllRows() {
    return call("reading the overrides", c -> {
      long seq = lastChange(c);
      List<StoredOverride> rows = select(c, COLUMNS + p + "flag_overrides", null);
      synchronized (pollLock) {
        lastSeenChange = Math.max(lastSeenChange, seq);
      }
      return rows;
    });
  }

  private long lastChange(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT last_change FROM " + p + "flag_sequence WHERE id = 1")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private List<StoredOverride> select(Connection c, String sql, long[] params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (params != null) {
        for (int i = 0; i < params.length; i++) {
          ps.setLong(i + 1, params[i]);
        }
      }
      return rows(ps);
    }
  }

  /** The overrides that a query of the override columns, in table order, answers. */
  private static List<StoredOverride> rows(PreparedStatement ps) throws SQLException {
    List<StoredOverride> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new StoredOverride(rs.getString(1), fromJson(rs.getString(2)), rs.getLong(3), rs.getLong(4),
            Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getString(7)));
      }
    }
    return out;
  }

  @Override
  public List<AuditEntry> history(String flagKey, Instant from, Instant to, int limit) {
    return call("reading the audit", c -> {
      String sql = "SELECT id, flag_key, version, action, actor, reason, at_millis, before_json, after_json FROM " + p
          + "flag_audit WHERE at_millis >= ? AND at_millis <= ?" + (flagKey == null ? "" : " AND flag_key = ?")
          + " ORDER BY id";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setMaxRows(limit);
        ps.setLong(1, millis(from));
        ps.setLong(2, millis(to));
        if (flagKey != null) {
          ps.setString(3, flagKey);
        }
        List<AuditEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && out.size() < limit) {
            out.add(new AuditEntry(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8), rs.getString(9)));
          }
        }
        return out;
      }
    });
  }

  private static long millis(Instant i) {
    if (i.isBefore(Instant.ofEpochMilli(Long.MIN_VALUE / 2))) {
      return Long.MIN_VALUE;
    }
    if (i.isAfter(Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
      return Long.MAX_VALUE;
    }
    return i.toEpochMilli();
  }

  // ---- writes ---------------------------------------------------------------------------------------------------

  @Override
  public StoredOverride write(String flagKey, FlagOverride override, long expectedVersion, AuditEntry entry) {
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(override, "override");
    String json = toJson(override);
    StoredOverride stored = call("writing flag '" + flagKey + "'", c -> {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        StoredOverride result = writeInTransaction(c, flagKey, override, json, expectedVersion, entry);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    });
    known.put(flagKey, stored);
    return stored;
  }

  private StoredOverride writeInTransaction(Connection c, String flagKey, FlagOverride override, String json,
      long expectedVersion, AuditEntry entry) throws SQLException {
    long changeId;
    // The counter's row lock serialises writers, so change ids commit in order and polls never skip one.
    try (Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE " + p + "flag_sequence SET last_change = last_change + 1 WHERE id = 1");
      changeId = lastChange(c);
    }
    long current = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT version FROM " + p + "flag_overrides WHERE flag_key = ?")) {
      ps.setString(1, flagKey);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          current = rs.getLong(1);
        }
      }
    }
    if (current != expectedVersion) {
      throw new VersionConflictException(flagKey, expectedVersion, current);
    }
    long version = current + 1;
    long now = clock.millis();
    String sql = current == 0
        ? "INSERT INTO " + p + "flag_overrides (override_json, version, change_id, updated_at, updated_by, reason, "
            + "flag_key) VALUES (?, ?, ?, ?, ?, ?, ?)"
        : "UPDATE " + p + "flag_overrides SET override_json = ?, version = ?, change_id = ?, updated_at = ?, "
            + "updated_by = ?, reason = ? WHERE flag_key = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, json);
      ps.setLong(2, version);
      ps.setLong(3, changeId);
      ps.setLong(4, now);
      ps.setString(5, entry.actor());
      ps.setString(6, entry.reason());
      ps.setString(7, flagKey);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "flag_audit (id, flag_key, version, action, "
        + "actor, reason, at_millis, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, changeId);
      ps.setString(2, flagKey);
      ps.setLong(3, version);
      ps.setString(4, entry.action());
      ps.setString(5, entry.actor());
      ps.setString(6, entry.reason());
      ps.setLong(7, now);
      ps.setString(8, entry.before());
      ps.setString(9, entry.after());
      ps.executeUpdate();
    }
    if (isPostgres(c)) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
        ps.setString(1, channel);
        ps.setString(2, flagKey);
        ps.execute();
      }
    }
    return new StoredOverride(flagKey, override, version, changeId, Instant.ofEpochMilli(now), entry.actor(),
        entry.reason());
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.debug("Rollback failed", e);
    }
  }

  private static boolean isPostgres(Connection c) throws SQLException {
    return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
  }

  // ---- propagation ----------------------------------------------------------------------------------------------

  @Override
  public synchronized void watch(StoreListener storeListener) {
    if (closed || poller != null) {
      return;
    }
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "progressive-flag-store-poll");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(() -> poll(storeListener), pollInterval.toMillis(), pollInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    if (listen && postgresDriverPresent()) {
      listener = new Thread(() -> listenLoop(storeListener), "progressive-flag-store-listen");
      listener.setDaemon(true);
      listener.start();
    }
  }

  /** Reads what changed since the last read; after an outage, everything. Never throws. */
  void poll(StoreListener storeListener) {
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
        List<StoredOverride> changed = call("polling for changes", c -> {
          long seq = lastChange(c);
          if (seq <= since) {
            return List.of();
          }
          List<StoredOverride> rows = select(c, COLUMNS + p
              + "flag_overrides WHERE change_id > ? AND change_id <= ?",
              new long[] {since, seq});
          lastSeenChange = seq;
          return rows;
        });
        if (!changed.isEmpty()) {
          changed.forEach(o -> known.put(o.flagKey(), o));
          storeListener.changed(changed, false);
        }
      } catch (StoreUnavailableException e) {
        if (available) {
          available = false;
          LOG.warn("Flag store unavailable: {}", e.getMessage());
        }
        storeListener.unavailable(e);
      } catch (RuntimeException e) {
        LOG.error("Polling the flag store failed", e);
      }
    }
  }

  /** Holds pollLock. */
  private void resync(StoreListener storeListener) {
    boolean wasDown = !available;
    Collection<StoredOverride> all = loadAll();
    available = true;
    if (wasDown) {
      LOG.info("Flag store available again; resynced {} overrides", all.size());
    }
    storeListener.changed(all, true);
  }

  private void listenLoop(StoreListener storeListener) {
    Duration backoff = Duration.ofMillis(100);
    boolean reconnect = false;
    while (!closed) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + channel);
        }
        org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
        listening = true;
        if (reconnect) {
          synchronized (pollLock) {
            resync(storeListener);
          }
          LOG.info("Listening for flag changes again, after a full resync");
        }
        backoff = Duration.ofMillis(100);
        while (!closed) {
          org.postgresql.PGNotification[] notifications = pg.getNotifications(500);
          if (notifications != null && notifications.length > 0) {
            poll(storeListener);
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (closed) {
          break;
        }
        reconnect = true;
        LOG.debug("The LISTEN connection of the flag store failed; reconnecting in {}", backoff, e);
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
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

  private static boolean postgresDriverPresent() {
    try {
      Class.forName("org.postgresql.PGConnection", false, JdbcFlagStore.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

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
      listener.interrupt();
      try {
        listener.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- JSON of overrides ----------------------------------------------------------------------------------------

  static String toJson(FlagOverride o) {
    com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode();
    if (o.state() != null) {
      n.put("state", o.state());
    }
    if (o.defaultVariant() != null) {
      n.put("defaultVariant", o.defaultVariant());
    }
    if (o.weights() != null) {
      com.fasterxml.jackson.databind.node.ObjectNode w = n.putObject("weights");
      o.weights().forEach(w::put);
    }
    if (o.definition() != null) {
      n.put("definition", o.definition());
    }
    return n.toString();
  }

  static FlagOverride fromJson(String json) {
    try {
      com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(json);
      java.util.Map<String, Integer> weights = null;
      if (n.hasNonNull("weights")) {
        weights = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : n.get("weights").properties()) {
          weights.put(e.getKey(), e.getValue().asInt());
        }
      }
      return new FlagOverride(text(n, "state"), text(n, "defaultVariant"), weights, text(n, "definition"));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("Cannot read a stored override: " + json, e);
    }
  }

  private static String text(com.fasterxml.jackson.databind.JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }

  /** Builds a {@link JdbcFlagStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String tablePrefix = "progressive_";
    private Duration pollInterval = Duration.ofSeconds(5);
    private boolean listen = true;
    private Clock clock = Clock.systemUTC();
    private int retryAttempts = 3;
    private Duration retryWait = Duration.ofMillis(100);
    private Duration circuitOpenWait = Duration.ofSeconds(10);
    private Duration reconnectMax = Duration.ofSeconds(30);
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

    /** The clock of audit and update times. Default: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Attempts per database call, the first included. Default 3. */
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

    /** The longest wait between attempts to reopen the LISTEN connection. Default 30 s. */
    public Builder reconnectMax(Duration reconnectMax) {
      this.reconnectMax = positive(reconnectMax, "reconnectMax");
      return this;
    }

    public JdbcFlagStore build() {
      return new JdbcFlagStore(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
