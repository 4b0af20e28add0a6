package dev.progressive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.spring.actuate.TogglesEndpoint;
import dev.progressive.spring.actuate.TogglesEndpoint.FlagDescriptor;
import dev.progressive.spring.actuate.TogglesHealthContributor;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.JdbcFlagStore;
import java.security.Principal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * The toggles endpoint and the store's health when the JDBC store's database goes away, comes back, or refuses data;
 * and changes without a version under concurrency.
 */
class StoreOutageEndpointTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.featuresAndOperations())
      .withPropertyValues("progressive.toggles.sources[0].location=flags.json",
          "progressive.toggles.open-feature.enabled=false",
          "management.endpoints.web.exposure.include=toggles");

  private static SecurityContext user(String name) {
    return new SecurityContext() {
      @Override
      public Principal getPrincipal() {
        return () -> name;
      }

      @Override
      public boolean isUserInRole(String role) {
        return true;
      }
    };
  }

  @Test
  void whileTheDatabaseIsAwayAFlagsHistoryIsWhatTheInstanceKnowsMarkedStaleAndTheStoreIsStale() {
    SwitchableDataSource db = new SwitchableDataSource("outage");
    runner.withBean(DataSource.class, () -> db)
        .withPropertyValues("progressive.toggles.store=jdbc", "progressive.toggles.jdbc.poll-interval=1h")
        .run(context -> {
          TogglesEndpoint endpoint = context.getBean(TogglesEndpoint.class);
          assertThat(endpoint.change("new-menu", "DISABLED", null, null, "before", null, user("alice")).getStatus())
              .isEqualTo(200);
          FlagDescriptor fresh = (FlagDescriptor) endpoint.flag("new-menu").getBody();
          assertThat(fresh.historyStale()).isFalse();
          assertThat(fresh.history()).extracting(TogglesEndpoint.AuditDescriptor::reason).containsExactly("before");

          db.down.set(true);
          long start = System.nanoTime();
          WebEndpointResponse<Object> read = endpoint.flag("new-menu");
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
          assertThat(read.getStatus()).isEqualTo(200);
          FlagDescriptor stale = (FlagDescriptor) read.getBody();
          assertThat(stale.historyStale()).isTrue();
          assertThat(stale.history()).extracting(TogglesEndpoint.AuditDescriptor::reason).containsExactly("before");

          WebEndpointResponse<Object> write = endpoint.change("new-menu", "ENABLED", null, null, "down", null,
              user("alice"));
          assertThat(write.getStatus()).isEqualTo(503);
          HealthIndicator store = (HealthIndicator) context.getBean(TogglesHealthContributor.class)
              .getContributor("store");
          assertThat(store.health().getStatus()).isEqualTo(TogglesHealthContributor.STALE);
          assertThat(new SimpleStatusAggregator().getAggregateStatus(Set.of(Status.UP,
              TogglesHealthContributor.STALE))).as("a stale store leaves the aggregate status UP").isEqualTo(Status.UP);

          db.down.set(false);
          JdbcFlagStore jdbc = (JdbcFlagStore) context.getBean(FlagStore.class);
          Toggles toggles = context.getBean(Toggles.class);
          long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          while (!(toggles.isHealthy() && jdbc.isAvailable())) {
            assertThat(System.nanoTime()).as("the store to be back").isLessThan(deadline);
            LockSupport.parkNanos(10_000_000L);
          }
          assertThat(store.health().getStatus()).isEqualTo(Status.UP);
          assertThat(((FlagDescriptor) endpoint.flag("new-menu").getBody()).historyStale()).isFalse();
        });
  }

  @Test
  void dataTheStoreCannotHoldIsA400ThatLeavesHealthAndLaterWritesAlone() {
    SwitchableDataSource db = new SwitchableDataSource("data");
    runner.withBean(DataSource.class, () -> db)
        .withPropertyValues("progressive.toggles.store=jdbc", "progressive.toggles.jdbc.poll-interval=1h")
        .run(context -> {
          TogglesEndpoint endpoint = context.getBean(TogglesEndpoint.class);
          for (int i = 0; i < 5; i++) {
            WebEndpointResponse<Object> nul = endpoint.change("new-menu", "DISABLED", null, null, "a\u0000b", null,
                user("alice"));
            assertThat(nul.getStatus()).isEqualTo(400);
            assertThat(((Map<?, ?>) nul.getBody()).get("error").toString()).contains("reason");
            assertThat(endpoint.change("new-menu", "DISABLED", null, null, "x".repeat(2001), null, user("alice"))
                .getStatus()).isEqualTo(400);
          }
          HealthIndicator store = (HealthIndicator) context.getBean(TogglesHealthContributor.class)
              .getContributor("store");
          assertThat(store.health().getStatus()).isEqualTo(Status.UP);
          assertThat(endpoint.change("new-menu", "DISABLED", null, null, "valid", null, user("alice")).getStatus())
              .isEqualTo(200);
        });
  }

  @Test
  void changesWithoutAVersionNeverConflictUnderConcurrency() throws Exception {
    runner.run(context -> {
      TogglesEndpoint endpoint = context.getBean(TogglesEndpoint.class);
      Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
      AtomicInteger n = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread thread = new Thread(() -> {
          for (int i = 0; i < 50; i++) {
            int status = endpoint.change("new-menu", i % 2 == 0 ? "ENABLED" : "DISABLED", null, null, "flip", null,
                user("u" + n.incrementAndGet())).getStatus();
            statuses.merge(status, 1, Integer::sum);
          }
        });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      assertThat(statuses).containsOnlyKeys(200).containsEntry(200, 200);
      assertThat(context.getBean(Toggles.class).admin().flag("new-menu").orElseThrow().version()).isEqualTo(200);
      WebEndpointResponse<Object> stale = endpoint.change("new-menu", "ENABLED", null, null, "cas", "1", user("bob"));
      assertThat(stale.getStatus()).as("a change with a version stays a compare-and-set").isEqualTo(409);
    });
  }

  /** An H2 database that can be taken away (connections refused) and given back. */
  static final class SwitchableDataSource extends AbstractDataSource {
    final AtomicBoolean down = new AtomicBoolean();
    private final JdbcDataSource h2 = new JdbcDataSource();

    SwitchableDataSource(String name) {
      h2.setURL("jdbc:h2:mem:" + name + "-" + System.identityHashCode(this) + ";DB_CLOSE_DELAY=-1");
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down.get()) {
        throw new SQLTransientConnectionException("connection refused", "08001");
      }
      return h2.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return getConnection();
    }
  }
}
