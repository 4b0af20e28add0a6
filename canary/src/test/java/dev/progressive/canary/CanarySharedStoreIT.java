package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Verdict.Result;
import dev.progressive.canary.event.CanaryTransition;
import dev.progressive.testing.Await;
import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.JdbcFlagStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two instances of a service, each with its own toggles and JDBC store, on one real PostgreSQL: they route alike,
 * and when both controllers judge the same step at the same moment exactly one advances it.
 */
@ExtendWith(PostgresExtension.class)
class CanarySharedStoreIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static Toggles instance(DataSource db) {
    JdbcFlagStore store = JdbcFlagStore.builder(db).tablePrefix("canary_it_").pollInterval(Duration.ofMillis(200))
        .retryWait(Duration.ofMillis(20)).build();
    return Toggles.builder().store(store).build();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(condition, WAIT, what);
  }

  @Test
  void bothInstancesJudgeEachStepAndExactlyOneAdvancesIt(DataSource db) throws Exception {
    CanaryRelease release = CanaryRelease.builder("pricing")
        .step(1, Duration.ZERO, 1).step(5, Duration.ZERO, 1).step(25, Duration.ZERO, 1).step(50, Duration.ZERO, 1)
        .build();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Toggles a = instance(db); Toggles b = instance(db)) {
      Canary first = Canary.builder(release, a).judge(new ScriptedJudge().otherwise(Result.PASS)).build();
      await(() -> b.admin().flag("canary.pricing").isPresent(), "the second instance to see the canary");
      Canary second = Canary.builder(release, b).judge(new ScriptedJudge().otherwise(Result.PASS)).build();
      List<CanaryTransition> made = new CopyOnWriteArrayList<>();
      first.onTransition(made::add);
      second.onTransition(made::add);

      first.start("alice", "v2 deployed");
      await(() -> second.state() == CanaryState.PROGRESSING, "the second instance to see the start");
      for (int i = 0; i < 500; i++) {
        String key = "user-" + i;
        assertThat(second.decide(key)).as("both instances route %s alike", key).isEqualTo(first.decide(key));
      }

      int[] weights = {500, 2500, 5000, 10_000};
      for (int step = 0; step < weights.length; step++) {
        int before = made.size();
        CountDownLatch go = new CountDownLatch(1);
        Future<?> x = pool.submit(() -> {
          go.await();
          return first.analyze();
        });
        Future<?> y = pool.submit(() -> {
          go.await();
          return second.analyze();
        });
        go.countDown();
        x.get();
        y.get();
        assertThat(made.size() - before).as("transitions made at step %d", step).isEqualTo(1);
        int expected = weights[step];
        await(() -> first.weight() == expected && second.weight() == expected,
            "both instances at weight " + expected);
      }
      assertThat(first.state()).isEqualTo(CanaryState.PROMOTED);
      assertThat(second.state()).isEqualTo(CanaryState.PROMOTED);
      assertThat(b.stringValue("canary.pricing", EvaluationContext.of("anyone"), "none")).isEqualTo("canary");

      List<AuditEntry> history = first.history(Instant.now().minusSeconds(600), Instant.now().plusSeconds(60), 100);
      assertThat(history).extracting(AuditEntry::reason).filteredOn(r -> r.startsWith("[canary advance]"))
          .hasSize(3);
      assertThat(history).extracting(AuditEntry::reason).filteredOn(r -> r.startsWith("[canary promote]"))
          .hasSize(1);
      assertThat(history).extracting(AuditEntry::reason).filteredOn(r -> r.startsWith("[canary define]"))
          .as("the canary is defined once, by the first instance").hasSize(1);
      first.close();
      second.close();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAbortOnOneInstanceSendsEveryoneBackOnTheOther(DataSource db) throws Exception {
    CanaryRelease release = CanaryRelease.builder("checkout").step(50, Duration.ZERO, 1).build();
    try (Toggles a = instance(db); Toggles b = instance(db)) {
      Canary first = Canary.builder(release, a).build();
      await(() -> b.admin().flag("canary.checkout").isPresent(), "the second instance to see the canary");
      Canary second = Canary.builder(release, b).build();
      first.start("alice", "go");
      await(() -> second.weight() == 5000, "the second instance at 50%");
      second.abort("bob", "errors in the logs");
      await(() -> first.weight() == 0 && first.state() == CanaryState.ROLLED_BACK,
          "the first instance rolled back");
      first.close();
      second.close();
    }
  }
}
