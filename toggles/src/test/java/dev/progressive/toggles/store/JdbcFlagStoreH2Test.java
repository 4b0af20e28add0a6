package dev.progressive.toggles.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.internal.store.OverrideJson;
import dev.progressive.toggles.source.InMemorySource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** Any JDBC database works through plain SQL and polling: the store on H2. */
class JdbcFlagStoreH2Test {

  private static final String FLAGS = """
      {"flags": {"color": {"state": "ENABLED", "variants": {"red": "#f00", "blue": "#00f"}, "defaultVariant": "blue",
                           "targeting": {"fractional": [["red", 50], ["blue", 50]]}}}}""";

  private static JdbcDataSource h2(String name) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  @Test
  void twoInstancesShareChangesByPolling() throws Exception {
    JdbcDataSource db = h2("shared");
    JdbcFlagStore bStore = JdbcFlagStore.builder(db).pollInterval(Duration.ofMillis(50)).build();
    try (Toggles a = Toggles.builder().source(InMemorySource.of(FLAGS))
            .store(JdbcFlagStore.builder(db).pollInterval(Duration.ofMillis(50)).build()).build();
        Toggles b = Toggles.builder().source(InMemorySource.of(FLAGS)).store(bStore).build()) {
      a.admin().setWeights("color", Map.of("red", 100, "blue", 0), ChangeRequest.of("alice", "all red", 0));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!b.stringValue("color", EvaluationContext.of("u1"), "?").equals("#f00")) {
        assertThat(System.nanoTime()).as("b to poll the change").isLessThan(deadline);
        Thread.onSpinWait();
      }
      assertThat(bStore.read("color")).get().extracting(StoredOverride::version).isEqualTo(1L);
      assertThat(b.admin().history("color", Instant.EPOCH, Instant.MAX, 10)).singleElement()
          .extracting(AuditEntry::actor).isEqualTo("alice");
      assertThatThrownBy(() -> b.admin().setState("color", false, ChangeRequest.of("bob", "stale", 0)))
          .isInstanceOf(VersionConflictException.class);
    }
  }

  @Test
  void overridesSurviveARestart() {
    JdbcDataSource db = h2("restart");
    try (Toggles a = Toggles.builder().source(InMemorySource.of(FLAGS)).store(JdbcFlagStore.builder(db).build())
        .build()) {
      a.admin().setState("color", false, ChangeRequest.of("alice", "off", 0));
    }
    try (Toggles again = Toggles.builder().source(InMemorySource.of(FLAGS)).store(JdbcFlagStore.builder(db).build())
        .build()) {
      assertThat(again.admin().flag("color").orElseThrow().state()).isEqualTo("DISABLED");
      assertThat(again.stringValue("color", EvaluationContext.empty(), "x")).isEqualTo("x");
    }
  }

  @Test
  void aDatabaseDownAtStartCostsOneBudgetAndTheOverridesApplyWhenItAnswers() throws Exception {
    JdbcDataSource h2 = h2("down-at-start");
    try (Toggles a = Toggles.builder().source(InMemorySource.of(FLAGS)).store(JdbcFlagStore.builder(h2).build())
        .build()) {
      a.admin().setState("color", false, ChangeRequest.of("alice", "off", 0));
    }
    AtomicBoolean down = new AtomicBoolean(true);
    DataSource switchable = (DataSource) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          if (method.getName().equals("getConnection") && down.get()) {
            throw new SQLTransientConnectionException("connection refused", "08001");
          }
          try {
            return method.invoke(h2, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    long start = System.nanoTime();
    try (Toggles b = Toggles.builder().source(InMemorySource.of(FLAGS))
        .store(JdbcFlagStore.builder(switchable).pollInterval(Duration.ofMillis(50)).build()).build()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the start costs at most one budget (2 s)")
          .isLessThan(Duration.ofSeconds(3));
      assertThat(b.admin().flag("color").orElseThrow().state()).as("the source serves").isEqualTo("ENABLED");
      assertThat(b.isHealthy()).isFalse();

      down.set(false);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!(b.isHealthy() && b.admin().flag("color").orElseThrow().state().equals("DISABLED"))) {
        assertThat(System.nanoTime()).as("the overrides to apply").isLessThan(deadline);
        LockSupport.parkNanos(10_000_000L);
      }
    }
  }

  @Test
  void overridesRoundTripThroughTheirJson() {
    FlagOverride o = new FlagOverride("DISABLED", "red", Map.of("red", 10, "blue", 90), "{\"state\":\"ENABLED\"}");
    assertThat(OverrideJson.read(OverrideJson.write(o))).isEqualTo(o);
    assertThat(OverrideJson.read(OverrideJson.write(FlagOverride.NONE))).isEqualTo(FlagOverride.NONE);
  }

  @Test
  void builderArgumentsAreChecked() {
    JdbcDataSource db = h2("args");
    assertThatThrownBy(() -> JdbcFlagStore.builder(db).tablePrefix("Robert'); DROP TABLE"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tablePrefix");
    assertThatThrownBy(() -> JdbcFlagStore.builder(db).pollInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollInterval");
    assertThatThrownBy(() -> JdbcFlagStore.builder(db).retryAttempts(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAttempts");
  }
}
