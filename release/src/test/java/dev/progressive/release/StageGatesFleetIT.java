package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.testing.postgres.PostgresExtension;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gates of the stages before the promotion (dark with a minimum of calls, with a manual gate and with an error
 * rate limit, preview, verify) passing and failing on two instances, each with its own stores on one real PostgreSQL, on a controlled clock. Each
 * gate that counts is fed by both instances so that neither's data alone decides it: a gate counts the fleet's data.
 * Promotion, approval, switch and retire gates are in {@link PromotionGatesFleetIT}.
 */
@ExtendWith(PostgresExtension.class)
class StageGatesFleetIT {

  /** The instances of the test, closed after it. */
  @AutoClose
  private Rig rig;

  private static void gateOnBoth(Rig rig, GateStatus.Result result, String... evidence) {
    for (Rig.Node n : rig.nodes) {
      GateStatus gate = n.plan.gate();
      assertThat(gate.result()).as(n.id + "'s view of the gate: " + gate.evidence()).isEqualTo(result);
      assertThat(gate.evidence()).as(n.id).contains(evidence);
    }
  }

  // ------------------------------------------------------------------ dark

  @Test
  void aDarkGateCountsTheWholeFleetsSuccessfulExplicitCallsAndPassesAtItsMinimum(DataSource db) throws Exception {
    rig = Rig.startedOnTwo(db, "dark1_", n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(6))
        .stage(Stage.canary()));
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    for (Rig.Node n : rig.nodes) {
      assertThat(n.calls(20, null)).as(n.id + ": nobody without a cohort reaches the new one").isZero();
    }
    assertThat(a.calls(3, Cohort.CANARY)).as("testers with the header do").isEqualTo(3);
    assertThat(b.calls(1, Cohort.CANARY)).isEqualTo(1);
    assertThat(b.allowListedCall()).as("and allow-listed ones").isTrue();
    assertThat(a.plan.call("t", Cohort.CANARY, () -> 0, () -> {
      throw new IllegalStateException("v2 fails");
    })).as("a failing call falls back to the old one").isZero();

    rig.ticks(2);                                   // each instance's counts reach the driver at its next look

    gateOnBoth(rig, GateStatus.Result.WAIT, "5 of 6 successful explicit calls");
    assertThatThrownBy(() -> b.plan.advance("bob", "go", false)).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'dark'").hasMessageContaining("5 of 6 successful explicit calls")
        .hasMessageContaining("advance with force");
    rig.ticks(5);
    assertThat(a.plan.status().stage()).as("a gate not met keeps waiting").isEqualTo("dark");

    b.calls(1, Cohort.CANARY);
    rig.ticks(2);

    rig.awaitStage("canary");
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().evidence()).as(n.id).isEqualTo("6 of 6 successful explicit calls to the new "
          + "implementation; 1 of 7 explicit calls failed");
    }
    assertThat(rig.lastTransition()).startsWith("release-driver: [release advance] 'dark' -> 'canary'")
        .contains("stage 'dark' passed its gate | evidence: 6 of 6 successful explicit calls");
    rig.awaitCanary(CanaryState.PROGRESSING);
  }

  @Test
  void aManualDarkGateNeverPassesByItselfAndAnOperatorOnEitherInstanceAdvancesIt(DataSource db) throws Exception {
    rig = Rig.startedOnTwo(db, "dark2_", n -> n.builder("p").stage(Stage.dark()).stage(Stage.canary()));
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    a.calls(3, Cohort.CANARY);
    b.calls(2, Cohort.CANARY);

    rig.ticks(30);

    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().stage()).as(n.id + ": a manual gate waits for an operator").isEqualTo("dark");
      assertThat(n.plan.status().state()).isEqualTo(ReleaseState.RUNNING);
    }
    gateOnBoth(rig, GateStatus.Result.WAIT, "5 successful explicit calls", "waiting for an operator to advance");
    assertThat(rig.nodes.stream().flatMap(n -> n.transitions.stream()).map(t -> t.action()))
        .containsExactly(ReleaseAction.START);

    b.plan.advance("bob", "the testers are happy", false);      // a manual gate passes by this call, no force

    rig.awaitStage("canary");
    rig.awaitCanary(CanaryState.PROGRESSING);
    assertThat(rig.lastTransition()).startsWith("bob: [release advance] 'dark' -> 'canary'")
        .contains("the testers are happy").contains("5 successful explicit calls")
        .endsWith("a manual gate, passed by bob's advance").doesNotContain("waiting for an operator");
  }

  @Test
  void aDarkGateFailsOnTheFleetsPooledErrorRateThoughNeitherInstanceAloneHasTheMinimumOfCalls(DataSource db)
      throws Exception {
    rig = Rig.startedOnTwo(db, "dark3_", n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(50)
        .failAboveErrorRate(0.2).minCallsToJudge(16)).stage(Stage.canary()));
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    failingTesterCalls(a, 6, 3);                    // a alone: 9 calls, under the minimum of 16
    failingTesterCalls(b, 5, 2);                    // b alone: 7; together 16 calls, 5 failed: 0.3125 > 0.2

    rig.ticksUntil(() -> a.plan.status().state().isFinal(), 3, "the dark stage's failure");

    rig.awaitState(ReleaseState.ROLLED_BACK);
    String evidence = "11 of 50 successful explicit calls to the new implementation; 5 of 16 explicit calls failed "
        + "(error rate 0.3125; fails above 0.2000 once 16 were made); reported by 2 instances: a (3 of 9 failed), b (2 "
        + "of 7 failed)";
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().stage()).as(n.id + ": the stage it failed at").isEqualTo("dark");
      assertThat(n.plan.status().evidence()).as(n.id).isEqualTo(evidence);
      assertThat(n.plan.decide("tester", Cohort.CANARY)).as(n.id + ": testers are back on the old one")
          .isEqualTo(Cohort.BASELINE);
      assertThat(n.allowListedCall()).isFalse();
    }
    assertThat(rig.lastTransition())
        .isEqualTo("release-driver: [release rollback] 'dark' -> 'dark' (ROLLED_BACK): stage 'dark' failed its gate "
            + "| evidence: " + evidence);
    rig.awaitCanary(CanaryState.ROLLED_BACK);
  }

  /** {@code ok} tester calls that the new implementation serves and {@code failing} where it throws. */
  private static void failingTesterCalls(Rig.Node n, int ok, int failing) {
    assertThat(n.calls(ok, Cohort.CANARY)).isEqualTo(ok);
    for (int i = 0; i < failing; i++) {
      assertThat(n.plan.call("t-" + i, Cohort.CANARY, () -> 0, () -> {
        throw new IllegalStateException("v2 fails");
      })).as("the old one answers instead").isZero();
    }
  }

  // ------------------------------------------------------------------ preview

  @Test
  void aPreviewGateLetsOnlyTestersReachTheNewVersionAndCountsTheirCallsOnBothInstances(DataSource db)
      throws Exception {
    rig = Rig.startedOnTwo(db, "prev1_", n -> n.builder("bg").stage(Stage.preview().minSuccessfulCalls(4))
        .stage(Stage.switchover().keepOld(Duration.ofMinutes(30))));
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    for (Rig.Node n : rig.nodes) {
      assertThat(n.calls(20, null)).as(n.id + ": the public stays on blue").isZero();
      assertThat(n.calls(20, Cohort.BASELINE)).isZero();
    }
    a.calls(2, Cohort.CANARY);
    b.calls(1, Cohort.CANARY);
    rig.ticks(2);
    gateOnBoth(rig, GateStatus.Result.WAIT, "3 of 4 successful explicit calls");
    assertThatThrownBy(() -> a.plan.advance("alice", "go", false)).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'preview'").hasMessageContaining("3 of 4");

    assertThat(b.allowListedCall()).isTrue();
    rig.ticks(2);

    rig.awaitStage("switch");
    assertThat(rig.lastTransition()).startsWith("release-driver: [release advance] 'preview' -> 'switch'")
        .contains("4 of 4 successful explicit calls");
    for (Rig.Node n : rig.nodes) {
      assertThat(n.calls(20, null)).as(n.id + ": one switch, everyone on green").isEqualTo(20);
    }
  }

  // ------------------------------------------------------------------ verify

  private static ReleasePlan.Builder verifyPlan(Rig.Node n) {
    return n.builder("p").stage(Stage.verify(n.runner, "pricing").minComparisons(20).minMatchRate(0.9)
        .window(Duration.ofMinutes(5)).failAboveMismatchRate(0.3).noise(ComparisonOutcome.CANDIDATE_ERROR))
        .stage(Stage.canary());
  }

  @Test
  void aVerifyGatePassesWithEnoughMatchingComparisonsFromTheFleetOverItsWindow(DataSource db) throws Exception {
    rig = Rig.startedOnTwo(db, "ver1_", StageGatesFleetIT::verifyPlan);
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    a.compare(12);                                  // neither instance alone has the 20 comparisons
    b.compare(9);
    b.candidateOffset = 1;
    b.compare(1);
    a.comparatorThrows = true;
    a.compare(5);                                   // noise: counted neither way

    rig.ticks(2);

    gateOnBoth(rig, GateStatus.Result.WAIT, "22 comparisons (21 matches, 1 mismatches, 5 noise or ignored)",
        "match rate 0.9545", "PT2M elapsed");
    assertThatThrownBy(() -> b.plan.advance("bob", "the numbers are fine", false))
        .isInstanceOf(ReleaseActionException.class).hasMessageContaining("stage 'verify'")
        .hasMessageContaining("22 comparisons");

    rig.ticks(3);                                   // the 5-minute window is over

    rig.awaitStage("canary");
    assertThat(rig.lastTransition()).startsWith("release-driver: [release advance] 'verify' -> 'canary'")
        .contains("experiment 'pricing': 22 comparisons").contains("match rate 0.9545");
    rig.awaitCanary(CanaryState.PROGRESSING);
  }

  @Test
  void aVerifyGateBelowItsMatchRateKeepsWaitingAndOnlyAForcedAdvanceAuditedAsSuchPassesIt(DataSource db)
      throws Exception {
    rig = Rig.startedOnTwo(db, "ver2_", StageGatesFleetIT::verifyPlan);
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    a.compare(9);
    b.compare(8);
    a.candidateOffset = 1;
    b.candidateOffset = 1;
    a.compare(2);
    b.compare(1);                                   // 17 of 20: 0.85 < 0.9, a mismatch rate of 0.15 <= 0.3

    rig.ticks(10);

    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().stage()).as(n.id).isEqualTo("verify");
      assertThat(n.plan.status().state()).isEqualTo(ReleaseState.RUNNING);
    }
    gateOnBoth(rig, GateStatus.Result.WAIT, "20 comparisons (17 matches, 3 mismatches", "match rate 0.8500");
    assertThatThrownBy(() -> a.plan.advance("alice", "close enough", false))
        .isInstanceOf(ReleaseActionException.class).hasMessageContaining("stage 'verify'")
        .hasMessageContaining("match rate 0.8500");

    b.plan.advance("bob", "the mismatches are a known rounding change", true);

    rig.awaitStage("canary");
    assertThat(rig.lastTransition()).startsWith("bob: [release force_advance] 'verify' -> 'canary'")
        .contains("the mismatches are a known rounding change").contains("forced by bob past a gate at WAIT")
        .contains("match rate 0.8500");
  }

  @Test
  void aVerifyGateFailsThePlanWhenTheFleetsMismatchRateIsAboveItsLimit(DataSource db) throws Exception {
    rig = Rig.startedOnTwo(db, "ver3_", StageGatesFleetIT::verifyPlan);
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    a.compare(10);
    a.candidateOffset = 1;
    a.compare(2);                                   // a alone: 12 comparisons, under the minimum of 20
    b.compare(2);
    b.candidateOffset = 1;
    b.compare(6);                                   // together: 8 mismatches of 20, 0.4 > 0.3

    rig.ticksUntil(() -> a.plan.status().state().isFinal(), 3, "the verify stage's failure");

    rig.awaitState(ReleaseState.ROLLED_BACK);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().stage()).as(n.id + ": the stage it failed at").isEqualTo("verify");
      assertThat(n.plan.status().evidence()).contains("20 comparisons (12 matches, 8 mismatches");
      assertThat(n.plan.decide("tester", Cohort.CANARY)).as(n.id + ": testers are back on the old one")
          .isEqualTo(Cohort.BASELINE);
      assertThat(n.allowListedCall()).isFalse();
    }
    assertThat(rig.lastTransition())
        .startsWith("release-driver: [release rollback] 'verify' -> 'verify' (ROLLED_BACK)")
        .contains("stage 'verify' failed its gate").contains("8 mismatches");
    rig.awaitCanary(CanaryState.ROLLED_BACK);
  }
}
