package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.Verdict;
import dev.progressive.testing.postgres.PostgresExtension;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gates of the canary, approval, switch (keep-old) and retire stages passing and failing on two instances, each
 * with its own stores on one real PostgreSQL, on a controlled clock. Dark, preview and verify are in
 * {@link StageGatesFleetIT}.
 */
@ExtendWith(PostgresExtension.class)
class PromotionGatesFleetIT {

  /** The instances of the test, closed after it. */
  @AutoClose
  private Rig rig;

  // ------------------------------------------------------------------ canary

  private static ReleasePlan.Builder canaryPlan(Rig.Node n) {
    return n.builder("p").stage(Stage.canary()).stage(Stage.approval());
  }

  /** Both instances serve {@code n} calls without a cohort; how many the new implementation served. */
  private static int serve(Rig rig, int n) {
    return rig.nodes.stream().mapToInt(node -> node.calls(n, null)).sum();
  }

  @Test
  void aCanaryStagePassesWhenTheCanaryIsPromotedAndEveryInstanceThenSendsEveryoneToTheNewOne(DataSource db)
      throws Exception {
    rig = Rig.startedOnTwo(db, "can1_", PromotionGatesFleetIT::canaryPlan);
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    rig.awaitCanary(CanaryState.PROGRESSING);        // the stage's entry started it
    assertThat(serve(rig, 200)).as("the canary's 50% step, on both instances").isBetween(100, 300);
    rig.ticks(1);
    assertThat(b.plan.gate().result()).isEqualTo(GateStatus.Result.WAIT);
    assertThatThrownBy(() -> b.plan.advance("bob", "looks good", false))
        .isInstanceOf(ReleaseActionException.class).hasMessageContaining("stage 'canary'")
        .hasMessageContaining("PROGRESSING");

    rig.verdict = Verdict.Result.PASS;
    rig.ticksUntil(() -> a.plan.status().stage().equals("approval"), 4, "the canary stage's pass");

    rig.awaitStage("approval");
    rig.awaitCanary(CanaryState.PROMOTED);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.decide("anyone", null)).as(n.id).isEqualTo(Cohort.CANARY);
      assertThat(n.calls(50, null)).isEqualTo(50);
    }
    assertThat(rig.lastTransition()).startsWith("release-driver: [release advance] 'canary' -> 'approval'")
        .contains("canary 'pricing' PROMOTED").contains("PASS (scripted)");
  }

  @Test
  void aCanaryStageFailsThePlanWhenTheJudgeSaysFailAndEveryInstanceGoesBackToTheOldOne(DataSource db)
      throws Exception {
    rig = Rig.startedOnTwo(db, "can2_", PromotionGatesFleetIT::canaryPlan);
    Rig.Node a = rig.a();
    rig.awaitCanary(CanaryState.PROGRESSING);
    serve(rig, 200);

    rig.verdict = Verdict.Result.FAIL;
    rig.ticksUntil(() -> a.plan.status().state().isFinal(), 4, "the canary stage's failure");

    rig.awaitState(ReleaseState.ROLLED_BACK);
    rig.awaitCanary(CanaryState.ROLLED_BACK);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().stage()).as(n.id).isEqualTo("canary");
      assertThat(n.calls(50, null)).as(n.id + ": nobody on the new one").isZero();
      assertThat(n.calls(5, Cohort.CANARY)).as(n.id + ": testers neither").isZero();
      assertThat(n.allowListedCall()).isFalse();
    }
    assertThat(rig.lastTransition())
        .startsWith("release-driver: [release rollback] 'canary' -> 'canary' (ROLLED_BACK)")
        .contains("stage 'canary' failed its gate").contains("canary 'pricing' ROLLED_BACK")
        .contains("FAIL (scripted)");
  }

  // ------------------------------------------------------------------ approval

  @Test
  void anApprovalStageWaitsForAPersonOnAnyInstanceAndTheHistoryKeepsWhoAndWhy(DataSource db) throws Exception {
    rig = Rig.startedOnTwo(db, "app1_", n -> n.builder("p").stage(Stage.dark())
        .stage(Stage.approval().name("change-board")).stage(Stage.canary()));
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    assertThatThrownBy(() -> b.plan.approve("bob", "ok")).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'dark'").hasMessageContaining("no approval is pending");
    a.plan.advance("alice", "testers done", false);
    rig.awaitStage("change-board");

    rig.ticks(30);

    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().stage()).as(n.id + ": waits for a person").isEqualTo("change-board");
      assertThat(n.plan.gate().evidence()).isEqualTo("waiting for a person to approve");
      assertThat(n.plan.decide("anyone", null)).as("routing as the stage before it").isEqualTo(Cohort.BASELINE);
    }
    assertThatThrownBy(() -> a.plan.advance("alice", "skip it", false))
        .isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'change-board' waits for approve");

    b.plan.approve("bob", "change board agreed on 2026-12-01");

    rig.awaitStage("canary");
    rig.awaitCanary(CanaryState.PROGRESSING);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().evidence()).as(n.id)
          .isEqualTo("approved by bob: change board agreed on 2026-12-01");
    }
    assertThat(rig.lastTransition()).startsWith("bob: [release approve] 'change-board' -> 'canary'")
        .contains("change board agreed on 2026-12-01 | evidence: approved by bob");
    assertThatThrownBy(() -> a.plan.approve("carol", "me too")).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'canary'").hasMessageContaining("no approval is pending");
  }

  // ------------------------------------------------------------------ switch and retire

  @Test
  void aSwitchStageKeepsTheOldOneReadyForItsPeriodThenPasses(DataSource db) throws Exception {
    rig = Rig.startedOnTwo(db, "sw1_", n -> n.builder("bg").stage(Stage.preview())
        .stage(Stage.switchover().keepOld(Duration.ofMinutes(30)))
        .stage(Stage.retire().quietPeriod(Duration.ofHours(1))));
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    a.plan.advance("alice", "preview looks right", false);
    rig.awaitStage("switch");
    rig.awaitCanary(CanaryState.PROMOTED);           // one switch to 100%
    for (Rig.Node n : rig.nodes) {
      assertThat(n.calls(50, null)).as(n.id).isEqualTo(50);
    }

    rig.ticks(29);

    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().stage()).as(n.id + ": the old one is kept ready").isEqualTo("switch");
      assertThat(n.plan.gate().evidence()).contains("for PT29M; the old one is kept ready for PT30M");
    }
    assertThatThrownBy(() -> b.plan.advance("bob", "enough", false)).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'switch'").hasMessageContaining("kept ready for PT30M");

    rig.ticks(1);

    rig.awaitStage("retire");
    assertThat(rig.lastTransition()).startsWith("release-driver: [release advance] 'switch' -> 'retire'")
        .contains("everyone on the new implementation for PT30M");
  }

  @Test
  void aRetireStageWaitsUntilEveryInstanceLeftTheOldPathAloneForItsQuietPeriod(DataSource db) throws Exception {
    rig = Rig.startedOnTwo(db, "ret1_", n -> n.builder("bg").stage(Stage.preview())
        .stage(Stage.switchover().keepOld(Duration.ZERO))
        .stage(Stage.retire().quietPeriod(Duration.ofHours(1))));
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    a.plan.advance("alice", "preview looks right", false);
    rig.awaitStage("switch");
    a.plan.advance("alice", "nothing to keep", false);
    rig.awaitStage("retire");

    rig.ticks(30);
    assertThat(b.calls(1, Cohort.BASELINE)).as("someone still reaches blue, on b only").isZero();
    a.calls(100, null);                            // a serves only green
    rig.ticks(59);

    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().state()).as(n.id + ": quiet for 59 of 60 minutes since b's call")
          .isEqualTo(ReleaseState.RUNNING);
      assertThat(n.plan.gate().evidence()).contains("2 instances served the old implementation 1 times")
          .contains("quiet for PT59M of PT1H");
    }
    assertThatThrownBy(() -> a.plan.advance("alice", "it is quiet enough", false))
        .isInstanceOf(ReleaseActionException.class).hasMessageContaining("stage 'retire'")
        .hasMessageContaining("quiet for PT59M");

    rig.ticks(1);

    rig.awaitState(ReleaseState.COMPLETED);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().oldImplementationRemovable()).as(n.id).isTrue();
      assertThat(n.plan.status().evidence()).contains("quiet for PT1H of PT1H")
          .endsWith("the old implementation can be removed");
    }
    assertThat(rig.lastTransition()).startsWith("release-driver: [release complete] 'retire' -> 'retire' "
        + "(COMPLETED)").contains("the old implementation can be removed");
  }
}
