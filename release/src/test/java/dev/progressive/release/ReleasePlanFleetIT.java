package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.JdbcFleetStore;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.testing.Await;
import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.testing.postgres.PostgresProxy;
import dev.progressive.testing.postgres.TestPostgres;
import dev.progressive.toggles.store.JdbcFlagStore;
import dev.progressive.toggles.store.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two instances, each with its own {@link JdbcFlagStore} and {@link JdbcFleetStore} (its own connections, as separate
 * processes have), on one real PostgreSQL, on a controlled clock: one driver, failover, concurrent actions and an
 * unreachable store.
 */
@ExtendWith(PostgresExtension.class)
class ReleasePlanFleetIT {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static Function<Rig.Node, ReleasePlan.Builder> twoDarkStages() {
    return n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(1).name("d1"))
        .stage(Stage.dark().minSuccessfulCalls(1).name("d2")).stage(Stage.canary());
  }

  @Test
  void anotherInstanceTakesOverTheDrivingWithinTwoIntervalsWithNoStageSkippedOrRepeated(DataSource db)
      throws Exception {
    try (Rig rig = Rig.onPostgres(db, "it1_")) {
      Rig.Node a = rig.node("a", n -> n.plan(twoDarkStages().apply(n)));
      Rig.Node b = rig.node("b", n -> n.plan(twoDarkStages().apply(n)));
      a.plan.start("alice", "v2 deployed");
      rig.awaitStage("d1");
      rig.advance(MINUTE);
      assertThat(a.plan.driving() ^ b.plan.driving()).as("exactly one instance drives").isTrue();
      Rig.Node driver = a.plan.driving() ? a : b;
      Rig.Node other = driver == a ? b : a;
      other.calls(1, Cohort.CANARY);
      rig.advance(MINUTE);
      rig.advance(MINUTE);
      rig.awaitStage("d2");

      driver.plan.close();                       // the driving instance dies mid-stage
      other.calls(1, Cohort.CANARY);
      rig.advance(MINUTE);
      assertThat(other.plan.driving()).as("the dead driver's lease has not expired yet").isFalse();
      rig.advance(MINUTE);

      assertThat(other.plan.driving()).as("taken over within two intervals").isTrue();
      Await.until(() -> other.plan.status().stage().equals("canary"), "the new driver's advance");
      Await.until(() -> other.canary.state() == CanaryState.PROGRESSING, "the canary started by the stage's entry");
      List<ReleaseAction> actions = rig.nodes.stream().flatMap(n -> n.transitions.stream())
          .map(ReleaseTransition::action).toList();
      assertThat(actions).containsExactly(ReleaseAction.START, ReleaseAction.ADVANCE, ReleaseAction.ADVANCE);
      assertThat(Rig.audit(db, "it1_", "release.p")).hasSize(4)
          .satisfies(r -> assertThat(r.get(0)).contains("[release define]"))
          .satisfies(r -> assertThat(r.get(1)).contains("[release start] 'none' -> 'd1'"))
          .satisfies(r -> assertThat(r.get(2)).contains("[release advance] 'd1' -> 'd2'"))
          .satisfies(r -> assertThat(r.get(3)).contains("[release advance] 'd2' -> 'canary'")
              .contains("1 of 1 successful explicit calls"));
    }
  }

  @Test
  void twoOperatorsActingAtOnceOnTwoInstancesOneWinsAndNothingIsWrittenTwice(DataSource db) throws Exception {
    try (Rig rig = Rig.onPostgres(db, "it2_")) {
      Function<Rig.Node, ReleasePlan.Builder> plan = n -> n.builder("p").stage(Stage.approval())
          .stage(Stage.canary());
      Rig.Node a = rig.node("a", n -> n.plan(plan.apply(n)));
      Rig.Node b = rig.node("b", n -> n.plan(plan.apply(n)));
      a.plan.start("alice", "go");
      rig.awaitStage("approval");

      CyclicBarrier barrier = new CyclicBarrier(2);
      List<Object> outcomes = new CopyOnWriteArrayList<>();
      Thread abort = new Thread(() -> {
        try {
          barrier.await();
          outcomes.add(b.plan.abort("bob", "not today"));
        } catch (ReleaseActionException | ReleaseConflictException e) {
          outcomes.add(e);
        } catch (Exception e) {
          outcomes.add(new AssertionError(e));
        }
      });
      abort.start();
      barrier.await();
      try {
        outcomes.add(a.plan.approve("carol", "change board agreed"));
      } catch (ReleaseActionException | ReleaseConflictException e) {
        outcomes.add(e);
      }
      abort.join();

      assertThat(outcomes).hasSize(2);
      assertThat(outcomes.stream().filter(ReleaseStatus.class::isInstance)).as("one wins").hasSize(1);
      assertThat(outcomes.stream().filter(RuntimeException.class::isInstance)).as("the other is refused").hasSize(1);
      ReleaseStatus won = (ReleaseStatus) outcomes.stream().filter(ReleaseStatus.class::isInstance).findFirst()
          .orElseThrow();
      for (Rig.Node n : rig.nodes) {
        Await.until(() -> n.plan.status().version() == won.version(), n.id + " hears the winner");
        assertThat(n.plan.status().state()).isEqualTo(won.state());
      }
      assertThat(Rig.audit(db, "it2_", "release.p")).as("define, start and one action").hasSize(3);
    }
  }

  @Test
  void whileTheStoreIsUnreachableRoutingKeepsTheLastStateAndActionsFailHavingWrittenNothing(
      TestPostgres.Database database, DataSource db) throws Exception {
    try (PostgresProxy proxy = PostgresProxy.to(database)) {
      DataSource cut = proxy.dataSource();
      List<DataSource> perNode = List.of(db, cut);
      int[] next = {0};
      try (Rig rig = new Rig(() -> Rig.jdbcFlags(perNode.get(next[0]), "it3_"),
          () -> JdbcFleetStore.builder(perNode.get(next[0]++)).tablePrefix("it3_").build())) {
        Function<Rig.Node, ReleasePlan.Builder> plan = n -> n.builder("bg").stage(Stage.preview())
            .stage(Stage.switchover().keepOld(Duration.ofMinutes(30)))
            .stage(Stage.retire().quietPeriod(Duration.ofHours(1)));
        Rig.Node a = rig.node("a", n -> n.plan(plan.apply(n)));
        Rig.Node b = rig.node("b", n -> n.plan(plan.apply(n)));
        a.plan.start("alice", "green deployed");
        a.plan.advance("alice", "preview ok", false);
        rig.awaitStage("switch");
        assertThat(b.plan.decide("k", null)).isEqualTo(Cohort.CANARY);

        proxy.cut();
        assertThatThrownBy(() -> b.plan.abort("bob", "green misbehaves"))
            .isInstanceOf(StoreUnavailableException.class);
        assertThat(b.plan.decide("k", null)).as("routing keeps the last state").isEqualTo(Cohort.CANARY);
        assertThat(b.calls(5, null)).isEqualTo(5);
        rig.advance(MINUTE);
        assertThat(b.plan.status().state()).isEqualTo(ReleaseState.RUNNING);

        proxy.restore();
        assertThat(a.plan.status().stage()).isEqualTo("switch");
        assertThat(Rig.audit(db, "it3_", "release.bg")).as("nothing half-written: define, start, advance").hasSize(3);
        Await.until(() -> {
          try {
            b.plan.abort("bob", "green misbehaves");
            return true;
          } catch (StoreUnavailableException e) {
            return false;                        // the store's circuit breaker lets a call through shortly
          }
        }, "the abort, once the store is back");
        for (Rig.Node n : rig.nodes) {
          Await.until(() -> n.plan.decide("k", null) == Cohort.BASELINE, n.id + " back on the old implementation");
        }
      }
    }
  }
}
