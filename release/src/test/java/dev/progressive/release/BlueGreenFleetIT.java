package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.testing.postgres.PostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Blue-green plans end to end on two instances, each with its own stores on one real PostgreSQL, on a controlled
 * clock: dark, a preview for testers, an optional analysis, one switch to 100%, the old version kept ready (a rollback
 * then is instant on every instance) and retired once no instance has served it for the quiet period.
 */
@ExtendWith(PostgresExtension.class)
class BlueGreenFleetIT {

  /** The instances of the test, closed after it. */
  @AutoClose
  private Rig rig;

  private static final Duration KEEP_OLD = Duration.ofMinutes(30);
  private static final Duration QUIET = Duration.ofHours(1);

  /** Blue is the old implementation (the canary's baseline), green the new one. */
  private static ReleasePlan.Builder withAnalysis(Rig.Node n) {
    return n.builder("checkout-green").stage(Stage.dark())
        .stage(Stage.preview().minSuccessfulCalls(4))
        .stage(Stage.verify(n.runner, "pricing").name("analysis").minComparisons(10).minMatchRate(1.0))
        .stage(Stage.switchover().keepOld(KEEP_OLD))
        .stage(Stage.retire().quietPeriod(QUIET));
  }

  private static ReleasePlan.Builder withoutAnalysis(Rig.Node n) {
    return n.builder("checkout-green").stage(Stage.preview())
        .stage(Stage.switchover().keepOld(KEEP_OLD))
        .stage(Stage.retire().quietPeriod(QUIET));
  }

  private static double stageGauge(Rig.Node n, String stage) {
    return n.registry.get("progressive.release.stage").tag("release", "checkout-green").tag("stage", stage).gauge()
        .value();
  }

  @Test
  void darkPreviewAnalysisOneSwitchKeepOldAndRetireUntilTheOldVersionCanBeRemoved(DataSource db) throws Exception {
    rig = Rig.startedOnTwo(db, "bg1_", BlueGreenFleetIT::withAnalysis);
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();

    // dark: green is deployed, only explicit cohorts reach it; an operator ends it
    for (Rig.Node n : rig.nodes) {
      assertThat(n.calls(20, null)).as(n.id + ": dark").isZero();
      assertThat(n.calls(1, Cohort.CANARY)).as(n.id + ": smoke test").isEqualTo(1);
    }
    b.plan.advance("bob", "smoke tests passed", false);
    rig.awaitStage("preview");

    // preview: testers on green, from both instances, until 4 successful calls
    for (Rig.Node n : rig.nodes) {
      assertThat(n.calls(20, null)).as(n.id + ": preview").isZero();
    }
    a.calls(2, Cohort.CANARY);
    b.calls(1, Cohort.CANARY);
    assertThat(b.allowListedCall()).isTrue();
    rig.ticksUntil(() -> a.plan.status().stage().equals("analysis"), 3, "the preview's pass");
    rig.awaitStage("analysis");

    // analysis: blue and green compared on both instances; still nobody else on green
    a.compare(5);
    b.compare(5);
    assertThat(b.calls(20, null)).isZero();
    rig.ticksUntil(() -> a.plan.status().stage().equals("switch"), 3, "the analysis's pass");

    // one switch: everyone on green at once, blue kept ready
    rig.awaitStage("switch");
    rig.awaitCanary(CanaryState.PROMOTED);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.calls(50, null)).as(n.id + ": everyone on green").isEqualTo(50);
      assertThat(n.plan.decide("anyone", null)).isEqualTo(Cohort.CANARY);
    }
    Instant switched = a.plan.status().stageStartedAt();
    rig.ticksUntil(() -> !a.plan.status().stage().equals("switch"), 31, "the end of the keep period");
    rig.awaitStage("retire");
    assertThat(Duration.between(switched, rig.clock.instant())).as("blue kept ready for the whole period")
        .isEqualTo(KEEP_OLD);

    // retire: b still serves blue once, to a caller that asks for it; then blue is quiet everywhere
    rig.ticks(10);
    assertThat(b.calls(1, Cohort.BASELINE)).isZero();
    Instant lastOnBlue = rig.clock.instant();
    rig.ticksUntil(() -> a.plan.status().state().isFinal(), 61, "the retire stage's end");

    rig.awaitState(ReleaseState.COMPLETED);
    assertThat(Duration.between(lastOnBlue, rig.clock.instant())).as("quiet since b's call on blue")
        .isEqualTo(QUIET);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().oldImplementationRemovable()).as(n.id).isTrue();
      assertThat(n.plan.status().evidence()).as(n.id).contains("2 instances served the old implementation 1 times")
          .endsWith("the old implementation can be removed");
      assertThat(stageGauge(n, "completed")).as(n.id).isEqualTo(1);
      assertThat(stageGauge(n, "retire")).as(n.id).isZero();
      assertThat(n.calls(20, null)).as(n.id).isEqualTo(20);
    }
    List<String> history = a.history();
    assertThat(b.history()).isEqualTo(history);
    assertThat(history).hasSize(7);
    assertThat(history.get(1)).startsWith("alice: [release start] 'none' -> 'dark'");
    assertThat(history.get(2)).startsWith("bob: [release advance] 'dark' -> 'preview'")
        .contains("smoke tests passed");
    assertThat(history.get(3)).startsWith("release-driver: [release advance] 'preview' -> 'analysis'")
        .contains("4 of 4 successful explicit calls");
    assertThat(history.get(4)).startsWith("release-driver: [release advance] 'analysis' -> 'switch'")
        .contains("10 comparisons (10 matches, 0 mismatches").contains("match rate 1.0000");
    assertThat(history.get(5)).startsWith("release-driver: [release advance] 'switch' -> 'retire'")
        .contains("everyone on the new implementation for PT30M");
    assertThat(history.get(6)).startsWith("release-driver: [release complete] 'retire' -> 'retire' (COMPLETED)")
        .contains("the old implementation can be removed");
    assertThat(rig.nodes.stream().flatMap(n -> n.transitions.stream()).map(ReleaseTransition::action))
        .as("every stage entered once, on whichever instance made the transition")
        .containsExactlyInAnyOrder(ReleaseAction.START, ReleaseAction.ADVANCE, ReleaseAction.ADVANCE,
            ReleaseAction.ADVANCE, ReleaseAction.ADVANCE, ReleaseAction.COMPLETE);
  }

  @Test
  void withoutAnAnalysisARollbackDuringTheKeepPeriodIsInstantOnBothInstances(DataSource db) throws Exception {
    rig = Rig.startedOnTwo(db, "bg2_", BlueGreenFleetIT::withoutAnalysis);
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    assertThat(b.calls(3, Cohort.CANARY)).isEqualTo(3);
    a.plan.advance("alice", "preview looks right", false);
    rig.awaitStage("switch");                       // straight from the preview: the analysis is optional
    rig.awaitCanary(CanaryState.PROMOTED);
    rig.ticks(10);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.calls(20, null)).as(n.id).isEqualTo(20);
    }
    Instant before = rig.clock.instant();

    b.plan.abort("bob", "green leaks memory");

    assertThat(b.calls(20, null)).as("b, at once").isZero();
    rig.awaitState(ReleaseState.ROLLED_BACK);       // a, as soon as the store tells it: no look, no interval
    assertThat(rig.clock.instant()).isEqualTo(before);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.calls(20, null)).as(n.id + ": everyone back on blue").isZero();
      assertThat(n.calls(5, Cohort.CANARY)).as(n.id + ": testers too").isZero();
      assertThat(n.canary.state()).as(n.id + ": the switch promoted the canary; the plan routes")
          .isEqualTo(CanaryState.PROMOTED);
    }
    assertThat(rig.lastTransition())
        .isEqualTo("bob: [release abort] 'switch' -> 'switch' (ROLLED_BACK): green leaks memory"
            + " | evidence: aborted by bob");

    rig.ticks((int) KEEP_OLD.plus(QUIET).toMinutes() + 1);   // past the keep and quiet periods: nothing moves on
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().state()).as(n.id).isEqualTo(ReleaseState.ROLLED_BACK);
      assertThat(n.plan.status().oldImplementationRemovable()).isFalse();
      assertThat(n.calls(20, null)).isZero();
    }
  }
}
