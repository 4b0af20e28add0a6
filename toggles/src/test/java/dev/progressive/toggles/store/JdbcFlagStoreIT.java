package dev.progressive.toggles.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfeature.sdk.ImmutableContext;
import dev.progressive.testing.Await;
import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.testing.postgres.PostgresProxy;
import dev.progressive.testing.postgres.TestPostgres;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.ProgressiveProvider;
import dev.progressive.toggles.Reason;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared store against a real PostgreSQL: two instances (two stacks with their own connections) on one database.
 * Each test uses tables of its own prefix.
 */
@ExtendWith(PostgresExtension.class)
class JdbcFlagStoreIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String FLAGS = """
      {"flags": {
        "new-menu": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"},
        "color": {"state": "ENABLED", "variants": {"red": "#f00", "blue": "#00f"}, "defaultVariant": "blue"}
      }}""";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JdbcFlagStore store(DataSource db, String prefix, Duration poll) {
    return JdbcFlagStore.builder(db).tablePrefix(prefix).pollInterval(poll).retryWait(Duration.ofMillis(20))
        .circuitOpenWait(Duration.ofMillis(500)).reconnectMax(Duration.ofSeconds(1)).build();
  }

  private static Toggles instance(JdbcFlagStore store) {
    return Toggles.builder().source(InMemorySource.named("flags.json", FLAGS)).store(store).build();
  }

  private static Toggles instance(DataSource db, String prefix, Duration poll) {
    return instance(store(db, prefix, poll));
  }

  private static ChangeRequest by(String actor, String reason, long version) {
    return ChangeRequest.of(actor, reason, version);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(condition, WAIT, what);
  }

  @Test
  void aWriteIsSeenByASecondInstanceThroughListenNotify(DataSource db) throws Exception {
    // Polling every hour: only NOTIFY can bring the change in time.
    JdbcFlagStore bStore = store(db, "notify_", Duration.ofHours(1));
    try (Toggles a = instance(db, "notify_", Duration.ofHours(1)); Toggles b = instance(bStore)) {
      BlockingQueue<FlagsChanged> seen = new LinkedBlockingQueue<>();
      b.onChange(seen::add);
      await(bStore::isListening, "b to LISTEN");

      a.admin().setDefaultVariant("new-menu", "on", by("alice", "launch", 0));

      FlagsChanged change = seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(change).isNotNull();
      assertThat(change.keys()).containsExactly("new-menu");
      assertThat(b.isEnabled("new-menu")).isTrue();
      assertThat(b.admin().flag("new-menu").orElseThrow().version()).isEqualTo(1);
    }
  }

  @Test
  void aWriteIsSeenThroughPollingAlone(DataSource db) throws Exception {
    JdbcFlagStore aStore = JdbcFlagStore.builder(db).tablePrefix("poll_").listenNotify(false)
        .pollInterval(Duration.ofMillis(100)).build();
    JdbcFlagStore bStore = JdbcFlagStore.builder(db).tablePrefix("poll_").listenNotify(false)
        .pollInterval(Duration.ofMillis(100)).build();
    try (Toggles a = Toggles.builder().source(InMemorySource.of(FLAGS)).store(aStore).build();
        Toggles b = Toggles.builder().source(InMemorySource.of(FLAGS)).store(bStore).build()) {
      a.admin().setDefaultVariant("color", "red", by("alice", "brand", 0));
      await(() -> b.stringValue("color", EvaluationContext.empty(), "?").equals("#f00"), "the polled change");
      assertThat(bStore.isListening()).isFalse();
    }
  }

  @Test
  void aConflictingWriteIsRefusedWithTheCurrentVersionAndNothingStored(DataSource db) throws Exception {
    try (Toggles a = instance(db, "cas_", Duration.ofHours(1)); Toggles b = instance(db, "cas_", Duration.ofHours(1))) {
      a.admin().setDefaultVariant("color", "red", by("alice", "first", 0));
      assertThatThrownBy(() -> b.admin().setDefaultVariant("color", "blue", by("bob", "second", 0)))
          .isInstanceOfSatisfying(VersionConflictException.class, e -> assertThat(e.currentVersion()).isEqualTo(1));
      assertThat(count(db, "SELECT count(*) FROM cas_flag_audit")).isEqualTo(1);
      assertThat(count(db, "SELECT version FROM cas_flag_overrides WHERE flag_key = 'color'")).isEqualTo(1);
    }
  }

  @Test
  void concurrentWritersAdvanceAFlagExactlyOnceEach(DataSource db) throws Exception {
    try (Toggles a = instance(db, "race_", Duration.ofHours(1)); Toggles b = instance(db, "race_", Duration.ofHours(1))) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Boolean> fa = pool.submit(() -> tryWrite(a, "alice"));
        Future<Boolean> fb = pool.submit(() -> tryWrite(b, "bob"));
        assertThat(List.of(fa.get(), fb.get())).containsExactlyInAnyOrder(true, false);
      } finally {
        pool.shutdownNow();
      }
      assertThat(count(db, "SELECT count(*) FROM race_flag_audit")).isEqualTo(1);
    }
  }

  private static boolean tryWrite(Toggles t, String actor) {
    try {
      t.admin().setState("new-menu", true, by(actor, "race", 0));
      return true;
    } catch (VersionConflictException e) {
      return false;
    }
  }

  @Test
  void theAuditTrailIsCompleteWithBeforeAndAfter(DataSource db) throws Exception {
    try (Toggles a = instance(db, "audit_", Duration.ofHours(1))) {
      Instant start = Instant.now().minusSeconds(1);
      a.admin().setState("new-menu", true, by("alice", "launch", 0));
      a.admin().setDefaultVariant("new-menu", "on", by("bob", "default on", 1));
      a.admin().removeOverride("new-menu", by("carol", "back to the file", 2));
      a.admin().setState("color", false, by("dave", "other flag", 0));

      List<AuditEntry> history = a.admin().history("new-menu", start, Instant.now().plusSeconds(1), 100);
      assertThat(history).extracting(AuditEntry::actor).containsExactly("alice", "bob", "carol");
      assertThat(history).extracting(AuditEntry::reason).containsExactly("launch", "default on", "back to the file");
      assertThat(history).extracting(AuditEntry::action)
          .containsExactly("set-state", "set-default-variant", "remove-override");
      assertThat(history).extracting(AuditEntry::version).containsExactly(1L, 2L, 3L);
      assertThat(JSON.readTree(history.get(0).before()).get("state").asText()).isEqualTo("ENABLED");
      assertThat(JSON.readTree(history.get(1).before()).get("defaultVariant").asText()).isEqualTo("off");
      assertThat(JSON.readTree(history.get(1).after()).get("defaultVariant").asText()).isEqualTo("on");
      assertThat(JSON.readTree(history.get(2).after()).get("defaultVariant").asText()).isEqualTo("off");
      assertThat(a.admin().history(start, Instant.now().plusSeconds(1), 100)).hasSize(4);
      assertThat(a.admin().history("new-menu", start, Instant.now().plusSeconds(1), 2)).hasSize(2);
      assertThat(a.admin().history("new-menu", Instant.now().plusSeconds(60), Instant.MAX, 10)).isEmpty();
    }
  }

  @Test
  void anInvalidChangeIsRefusedWithNothingStored(DataSource db) throws Exception {
    try (Toggles a = instance(db, "invalid_", Duration.ofHours(1))) {
      assertThatThrownBy(() -> a.admin().setDefaultVariant("color", "green", by("alice", "typo", 0)))
          .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("green");
      assertThat(count(db, "SELECT count(*) FROM invalid_flag_audit")).isZero();
      assertThat(count(db, "SELECT count(*) FROM invalid_flag_overrides")).isZero();
    }
  }

  @Test
  void aLostListenConnectionIsReopenedAndFullyResynced(DataSource db) throws Exception {
    JdbcFlagStore bStore = store(db, "relisten_", Duration.ofHours(1));
    try (Toggles a = instance(db, "relisten_", Duration.ofHours(1)); Toggles b = instance(bStore)) {
      await(bStore::isListening, "b to LISTEN");

      // Kill every LISTEN session of this database, then write while b is reconnecting: NOTIFY is lost, and only
      // the resync after the reconnect can bring the change.
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            + "AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");
      }
      a.admin().setDefaultVariant("new-menu", "on", by("alice", "while b was deaf", 0));

      await(() -> b.isEnabled("new-menu"), "b to resync after reconnecting");
      await(bStore::isListening, "b to LISTEN again");
      a.admin().setDefaultVariant("color", "red", by("alice", "after the reconnect", 0));
      await(() -> b.stringValue("color", EvaluationContext.empty(), "?").equals("#f00"), "NOTIFY after reconnect");
    }
  }

  @Test
  void theDatabaseStoppedAndRestartedCostsNoEvaluation(TestPostgres.Database database, DataSource db)
      throws Exception {
    try (PostgresProxy proxy = PostgresProxy.to(database);
        Toggles writer = instance(db, "outage_", Duration.ofHours(1));
        Toggles b = instance(proxy.dataSource(), "outage_", Duration.ofMillis(200))) {
      writer.admin().setDefaultVariant("new-menu", "on", by("alice", "before the outage", 0));
      await(() -> b.isEnabled("new-menu"), "b to see the first change");
      ProgressiveProvider provider = new ProgressiveProvider(b);

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong evaluations = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      Thread load = new Thread(() -> {
        while (running.get()) {
          try {
            if (!b.isEnabled("new-menu")) {
              failures.incrementAndGet();
            }
          } catch (RuntimeException e) {
            failures.incrementAndGet();
          }
          evaluations.incrementAndGet();
        }
      }, "evaluation-load");
      load.start();

      proxy.cut();
      await(() -> !b.isHealthy(), "b to notice the outage");
      SourceHealth store = b.health().get(b.health().size() - 1);
      assertThat(store.status()).isEqualTo(SourceHealth.Status.STALE);
      assertThat(store.error()).contains("unavailable");
      assertThat(provider.getBooleanEvaluation("new-menu", false, new ImmutableContext()).getReason())
          .isEqualTo(Reason.STALE.name());
      assertThatThrownBy(() -> b.admin().setState("color", false, by("bob", "during the outage", 0)))
          .isInstanceOf(StoreUnavailableException.class);
      // Meanwhile the database, reached directly, takes a change that b must not miss.
      writer.admin().setDefaultVariant("color", "red", by("alice", "during the outage", 0));

      proxy.restore();
      await(() -> b.isHealthy() && b.stringValue("color", EvaluationContext.empty(), "?").equals("#f00"),
          "b to resync after the outage");
      running.set(false);
      load.join();

      assertThat(failures.get()).isZero();
      assertThat(evaluations.get()).isPositive();
      assertThat(count(db, "SELECT count(*) FROM outage_flag_audit WHERE actor = 'bob'")).as("nothing half-written")
          .isZero();
      assertThat(provider.getBooleanEvaluation("new-menu", false, new ImmutableContext()).getReason())
          .isEqualTo(Reason.STATIC.name());
    }
  }

  @Test
  void theSchemaIsCreatedWhenAbsentAndItsVersionChecked(DataSource db) throws Exception {
    try (Toggles a = instance(db, "schema_", Duration.ofHours(1))) {
      a.admin().setState("new-menu", true, by("alice", "create", 0));
    }
    assertThat(count(db, "SELECT version FROM schema_schema_version WHERE component = 'flags'"))
        .isEqualTo(JdbcFlagStore.SCHEMA_VERSION);
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE schema_schema_version SET version = 99 WHERE component = 'flags'");
    }
    JdbcFlagStore newer = JdbcFlagStore.builder(db).tablePrefix("schema_").retryAttempts(1).build();
    assertThatThrownBy(newer::loadAll).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("schema version 99").hasMessageContaining("reads version 1");
    newer.close();
  }

  static long count(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
