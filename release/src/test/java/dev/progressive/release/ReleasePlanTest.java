package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.Verdict;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.toggles.store.AuditEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every stage's gate passing and failing, the actions, and rollback, on a controlled clock. */
class ReleasePlanTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final Rig rig = new Rig();

  @AfterEach
  void close() {
    rig.close();
  }

  private Rig.Node node(String id, java.util.function.Function<Rig.Node, ReleasePlan.Builder> plan) {
    return rig.node(id, n -> n.plan(plan.apply(n)));
  }

  private static List<ReleaseAction> actions(Rig.Node n) {
    return n.transitions.stream().map(ReleaseTransition::action).toList();
  }

  // ------------------------------------------------------------------ dark

  @Test
  void aManualDarkStageSendsOnlyExplicitCohortsToTheNewOneAndWaitsForAnOperator() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark()).stage(Stage.canary()));
    a.plan.start("alice", "v2 deployed");

    assertThat(a.calls(20, null)).as("nobody without a cohort reaches the new one").isZero();
    assertThat(a.calls(5, Cohort.CANARY)).as("testers do").isEqualTo(5);
    rig.advance(MINUTE.multipliedBy(5));
    assertThat(a.plan.status().stage()).as("a manual gate never passes by itself").isEqualTo("dark");
    assertThat(a.plan.gate().evidence()).contains("5 successful explicit calls");

    a.plan.advance("alice", "testers are happy", false);

    assertThat(a.plan.status().stage()).isEqualTo("canary");
    assertThat(actions(a)).containsExactly(ReleaseAction.START, ReleaseAction.ADVANCE);
  }

  @Test
  void aDarkGatePassesAfterItsMinimumOfSuccessfulExplicitCallsAcrossTheFleet() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(6)).stage(Stage.canary()));
    Rig.Node b = node("b", n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(6)).stage(Stage.canary()));
    a.plan.start("alice", "v2 deployed");
    a.calls(3, Cohort.CANARY);
    b.calls(2, Cohort.CANARY);
    rig.advance(MINUTE);
    assertThat(a.plan.status().stage()).isEqualTo("dark");
    assertThatThrownBy(() -> b.plan.advance("bob", "go", false))
        .isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'dark'").hasMessageContaining("5 of 6 successful explicit calls");

    b.calls(1, Cohort.CANARY);
    rig.advance(MINUTE.multipliedBy(2));          // each instance's counts reach the driver at its next look

    assertThat(a.plan.status().stage()).isEqualTo("canary");
    assertThat(a.plan.status().evidence()).contains("6 of 6");
    assertThat(a.canary.state()).as("the canary stage's entry started the canary").isEqualTo(CanaryState.PROGRESSING);
  }

  @Test
  void aForcedAdvanceIsAuditedAsSuch() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(100)).stage(Stage.canary()));
    a.plan.start("alice", "v2 deployed");

    a.plan.advance("alice", "the testers are on holiday", true);

    assertThat(actions(a)).containsExactly(ReleaseAction.START, ReleaseAction.FORCE_ADVANCE);
    assertThat(a.plan.status().evidence()).contains("forced by alice");
    List<AuditEntry> history = a.plan.history(Instant.EPOCH, Instant.MAX, 10);
    assertThat(history.get(history.size() - 1).reason()).contains("[release force_advance]")
        .contains("the testers are on holiday").contains("forced by alice");
    assertThat(a.registry.get("progressive.release.transitions").tag("release", "p").tag("action", "force_advance")
        .counter().count()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ verify

  private ReleasePlan.Builder verifyPlan(Rig.Node n) {
    return n.builder("p").stage(Stage.verify(n.runner, "pricing").minComparisons(20).minMatchRate(0.9)
        .window(Duration.ofMinutes(5)).failAboveMismatchRate(0.3).noise(ComparisonOutcome.CANDIDATE_ERROR))
        .stage(Stage.canary());
  }

  @Test
  void aVerifyGatePassesWithEnoughMatchingComparisonsOverItsWindow() throws Exception {
    Rig.Node a = node("a", this::verifyPlan);
    Rig.Node b = node("b", this::verifyPlan);
    a.plan.start("alice", "v2 deployed");
    a.compare(12);
    b.compare(9);
    b.candidateOffset = 1;
    b.compare(1);

    rig.advance(MINUTE);
    assertThat(a.plan.status().stage()).as("the window is not over").isEqualTo("verify");
    assertThat(a.plan.gate().evidence()).contains("22 comparisons").contains("21 matches").contains("1 mismatches");

    rig.advance(MINUTE.multipliedBy(4));

    assertThat(a.plan.status().stage()).isEqualTo("canary");
    assertThat(a.plan.status().evidence()).contains("match rate 0.9545");
  }

  @Test
  void aVerifyGateFailsThePlanAboveItsMismatchLimit() throws Exception {
    Rig.Node a = node("a", this::verifyPlan);
    a.plan.start("alice", "v2 deployed");
    a.compare(10);
    a.candidateOffset = 1;
    a.compare(10);

    rig.advance(MINUTE);

    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(a.plan.status().evidence()).contains("10 mismatches");
    assertThat(actions(a)).containsExactly(ReleaseAction.START, ReleaseAction.ROLLBACK);
    assertThat(a.canary.state()).as("rolled back with the plan").isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(a.plan.decide("k", Cohort.CANARY)).as("testers too are back on the old one").isEqualTo(Cohort.BASELINE);
  }

  @Test
  void aVerifyGateIgnoresNoiseAndWaitsBelowItsMatchRate() throws Exception {
    Rig.Node a = node("a", this::verifyPlan);
    a.plan.start("alice", "v2 deployed");
    a.comparatorThrows = true;
    a.compare(50);
    a.comparatorThrows = false;
    a.compare(17);
    a.candidateOffset = 1;
    a.compare(3);

    rig.advance(MINUTE.multipliedBy(6));

    assertThat(a.plan.status().stage()).as("20 counted, match rate 0.85 < 0.9, mismatch rate 0.15 <= 0.3")
        .isEqualTo("verify");
    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.RUNNING);
    assertThat(a.plan.gate().result()).isEqualTo(GateStatus.Result.WAIT);
    assertThat(a.plan.gate().evidence()).contains("20 comparisons").contains("50 noise");
  }

  // ------------------------------------------------------------------ canary

  @Test
  void aCanaryStagePassesWhenTheCanaryIsPromoted() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.canary()).stage(Stage.approval()));
    a.plan.start("alice", "go");
    rig.advance(MINUTE);
    assertThat(a.canary.state()).isEqualTo(CanaryState.PROGRESSING);
    assertThat(a.plan.status().stage()).isEqualTo("canary");
    assertThatThrownBy(() -> a.plan.advance("alice", "now", false)).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'canary'").hasMessageContaining("PROGRESSING");

    rig.verdict = Verdict.Result.PASS;
    rig.advance(MINUTE.multipliedBy(2));

    assertThat(a.canary.state()).isEqualTo(CanaryState.PROMOTED);
    assertThat(a.plan.status().stage()).isEqualTo("approval");
    assertThat(a.plan.decide("anyone", null)).isEqualTo(Cohort.CANARY);
  }

  @Test
  void aCanaryStageFailsThePlanWhenTheCanaryRollsBack() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.canary()).stage(Stage.approval()));
    a.plan.start("alice", "go");
    rig.verdict = Verdict.Result.FAIL;

    rig.advance(MINUTE.multipliedBy(3));

    assertThat(a.canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(a.plan.status().evidence()).contains("canary 'pricing' ROLLED_BACK");
  }

  // ------------------------------------------------------------------ approval

  @Test
  void anApprovalStageWaitsForAPersonAndAuditsWhoAndWhy() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark()).stage(Stage.approval()).stage(Stage.canary()));
    a.plan.start("alice", "go");
    assertThatThrownBy(() -> a.plan.approve("bob", "ok")).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'dark'").hasMessageContaining("no approval is pending")
        .satisfies(e -> assertThat(((ReleaseActionException) e).status().stage()).isEqualTo("dark"));
    a.plan.advance("alice", "testers done", false);
    rig.advance(MINUTE.multipliedBy(10));
    assertThat(a.plan.status().stage()).isEqualTo("approval");
    assertThatThrownBy(() -> a.plan.advance("alice", "skip", false)).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'approval' waits for approve");

    a.plan.approve("bob", "change board agreed");

    assertThat(a.plan.status().stage()).isEqualTo("canary");
    assertThat(a.plan.status().evidence()).isEqualTo("approved by bob: change board agreed");
    AuditEntry last = a.plan.history(Instant.EPOCH, Instant.MAX, 10).stream().reduce((x, y) -> y).orElseThrow();
    assertThat(last.actor()).isEqualTo("bob");
    assertThat(last.reason()).contains("[release approve]").contains("change board agreed");
  }

  // ------------------------------------------------------------------ blue-green and retire

  private ReleasePlan.Builder blueGreen(Rig.Node n) {
    return n.builder("bg").stage(Stage.preview())
        .stage(Stage.verify(n.runner, "pricing").minComparisons(10).minMatchRate(1.0).name("analysis"))
        .stage(Stage.switchover().keepOld(Duration.ofMinutes(30)))
        .stage(Stage.retire().quietPeriod(Duration.ofHours(1)));
  }

  @Test
  void aBlueGreenPlanRunsFromPreviewToRetireAndSaysTheOldCanBeRemoved() throws Exception {
    Rig.Node a = node("a", this::blueGreen);
    Rig.Node b = node("b", this::blueGreen);
    a.plan.start("alice", "green deployed");
    assertThat(b.calls(10, null)).isZero();
    assertThat(b.calls(3, Cohort.CANARY)).isEqualTo(3);
    a.plan.advance("alice", "preview looks right", false);
    a.compare(5);
    b.compare(5);
    rig.advance(MINUTE.multipliedBy(2));
    assertThat(a.plan.status().stage()).isEqualTo("switch");

    assertThat(a.calls(10, null)).as("one switch: everyone on green").isEqualTo(10);
    assertThat(b.calls(10, null)).isEqualTo(10);
    assertThat(a.canary.state()).isEqualTo(CanaryState.PROMOTED);
    rig.advance(Duration.ofMinutes(29));
    assertThat(a.plan.status().stage()).as("the old is kept ready for 30 minutes").isEqualTo("switch");
    rig.advance(Duration.ofMinutes(1));
    assertThat(a.plan.status().stage()).isEqualTo("retire");

    rig.advance(Duration.ofMinutes(30));
    b.calls(1, Cohort.BASELINE);          // someone still reaches the old path
    rig.advance(Duration.ofMinutes(59));
    assertThat(a.plan.status().state()).as("quiet for 59 of 60 minutes since b's call").isEqualTo(ReleaseState.RUNNING);
    assertThat(a.plan.gate().evidence()).contains("served the old implementation 1 times");
    rig.advance(Duration.ofMinutes(2));

    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.COMPLETED);
    assertThat(b.plan.status().oldImplementationRemovable()).isTrue();
    assertThat(a.plan.status().evidence()).contains("the old implementation can be removed");
    List<ReleaseAction> all = rig.nodes.stream().flatMap(n -> n.transitions.stream()).map(ReleaseTransition::action)
        .toList();
    assertThat(all).containsExactlyInAnyOrder(ReleaseAction.START, ReleaseAction.ADVANCE, ReleaseAction.ADVANCE,
        ReleaseAction.ADVANCE, ReleaseAction.COMPLETE);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.registry.get("progressive.release.stage").tag("release", "bg").tag("stage", "completed").gauge()
          .value()).as(n.id).isEqualTo(1);
      assertThat(n.registry.get("progressive.release.stage").tag("release", "bg").tag("stage", "retire").gauge()
          .value()).as(n.id).isZero();
    }
  }

  @Test
  void aRollbackDuringTheKeepPeriodIsInstantOnEveryInstance() throws Exception {
    Rig.Node a = node("a", this::blueGreen);
    Rig.Node b = node("b", this::blueGreen);
    a.plan.start("alice", "green deployed");
    a.plan.advance("alice", "preview ok", false);
    a.plan.advance("alice", "analysis skipped", true);
    assertThat(b.plan.decide("k", null)).isEqualTo(Cohort.CANARY);

    b.plan.abort("bob", "green leaks memory");

    assertThat(a.plan.decide("k", null)).isEqualTo(Cohort.BASELINE);
    assertThat(a.calls(10, null)).isZero();
    assertThat(b.calls(10, Cohort.CANARY)).isZero();
    assertThat(a.plan.status().evidence()).isEqualTo("aborted by bob");
  }

  // ------------------------------------------------------------------ rollback from each stage

  private ReleasePlan.Builder everyStage(Rig.Node n) {
    return n.builder("all").stage(Stage.dark())
        .stage(Stage.verify(n.runner, "pricing").minComparisons(10))
        .stage(Stage.approval())
        .stage(Stage.canary())
        .stage(Stage.retire().quietPeriod(Duration.ofHours(1)));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void anAbortFromAnyStageReturnsEveryInstanceToTheOldImplementation(int stage) {
    Rig.Node a = node("a", this::everyStage);
    Rig.Node b = node("b", this::everyStage);
    a.plan.start("alice", "go");
    for (int i = 0; i < stage; i++) {
      a.plan.advance("alice", "to the next", true);
    }
    assertThat(b.plan.status().stageIndex()).isEqualTo(stage);

    b.plan.abort("bob", "stop");

    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
      assertThat(n.plan.decide("anyone", null)).isEqualTo(Cohort.BASELINE);
      assertThat(n.plan.decide("tester", Cohort.CANARY)).isEqualTo(Cohort.BASELINE);
      assertThat(n.canary.state()).isNotIn(CanaryState.PROGRESSING, CanaryState.PAUSED);
    }
    assertThat(a.plan.status().stage()).as("the stage it was rolled back from").isEqualTo(
        List.of("dark", "verify", "approval", "canary", "retire").get(stage));
    assertThatThrownBy(() -> a.plan.abort("alice", "again")).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("final");
  }

  // ------------------------------------------------------------------ pause, resume, conflicts

  @Test
  void aPausedPlanChecksNoGateUntilResumed() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(1)).stage(Stage.canary()));
    a.plan.start("alice", "go");
    a.plan.pause("alice", "incident elsewhere");
    a.calls(3, Cohort.CANARY);
    rig.advance(MINUTE.multipliedBy(3));
    assertThat(a.plan.status().stage()).isEqualTo("dark");
    assertThatThrownBy(() -> a.plan.pause("bob", "again")).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage 'dark' (PAUSED)");

    a.plan.resume("alice", "incident over");
    rig.advance(MINUTE);

    assertThat(a.plan.status().stage()).isEqualTo("canary");
  }

  @Test
  void pausingInTheCanaryStagePausesTheCanaryAndResumingResumesIt() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.canary()).stage(Stage.approval()));
    a.plan.start("alice", "go");
    assertThat(a.canary.state()).isEqualTo(CanaryState.PROGRESSING);

    a.plan.pause("alice", "incident");
    rig.verdict = Verdict.Result.PASS;
    rig.advance(MINUTE.multipliedBy(3));

    assertThat(a.canary.state()).isEqualTo(CanaryState.PAUSED);
    assertThat(a.plan.status().stage()).isEqualTo("canary");
    a.plan.resume("alice", "incident over");
    rig.advance(MINUTE.multipliedBy(3));
    assertThat(a.canary.state()).isEqualTo(CanaryState.PROMOTED);
    assertThat(a.plan.status().stage()).isEqualTo("approval");
  }

  @Test
  void callsThatTheCallerRoutesItselfCountForTheGates() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(2)).stage(Stage.canary()));
    a.plan.start("alice", "go");
    a.plan.record(Cohort.CANARY, a.plan.decide("t1", Cohort.CANARY), true);
    a.plan.record(Cohort.CANARY, Cohort.CANARY, false);
    rig.advance(MINUTE);
    assertThat(a.plan.gate().evidence()).contains("1 of 2");
    a.plan.record(Cohort.CANARY, Cohort.CANARY, true);
    rig.advance(MINUTE);
    assertThat(a.plan.status().stage()).isEqualTo("canary");
  }

  @Test
  void twoOperatorsActingAtOnceOneWinsAndTheOtherIsToldTheCurrentState() throws Exception {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.approval()).stage(Stage.canary()));
    Rig.Node b = node("b", n -> n.builder("p").stage(Stage.approval()).stage(Stage.canary()));
    a.plan.start("alice", "go");
    for (int round = 0; round < 20; round++) {
      java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.atomic.AtomicInteger won = new java.util.concurrent.atomic.AtomicInteger();
      java.util.List<RuntimeException> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
      Runnable pause = () -> {
        try {
          barrier.await();
          b.plan.pause("bob", "b pauses");
          won.incrementAndGet();
        } catch (ReleaseActionException | ReleaseConflictException e) {
          lost.add(e);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      Thread t = new Thread(pause);
      t.start();
      try {
        barrier.await();
        a.plan.pause("alice", "a pauses");
        won.incrementAndGet();
      } catch (ReleaseActionException | ReleaseConflictException e) {
        lost.add(e);
      }
      t.join();

      assertThat(won.get()).as("round " + round).isEqualTo(1);
      assertThat(lost).hasSize(1);
      if (lost.get(0) instanceof ReleaseConflictException c) {
        assertThat(c.storeVersion()).as("the version that won")
            .isEqualTo(b.plan.status().version());
        assertThat(c.getMessage()).contains("pause lost to a change made meanwhile");
      } else {
        assertThat(((ReleaseActionException) lost.get(0)).status().state()).isEqualTo(ReleaseState.PAUSED);
      }
      assertThat(a.plan.status().state()).isEqualTo(ReleaseState.PAUSED);
      assertThat(b.plan.status().state()).isEqualTo(ReleaseState.PAUSED);
      a.plan.resume("alice", "next round");
    }
  }

  // ------------------------------------------------------------------ one driver

  @Test
  void oneInstanceDrivesAndAnotherTakesOverWithinTwoIntervalsWhenItStops() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(1).name("d1"))
        .stage(Stage.dark().minSuccessfulCalls(1).name("d2")).stage(Stage.canary()));
    Rig.Node b = node("b", n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(1).name("d1"))
        .stage(Stage.dark().minSuccessfulCalls(1).name("d2")).stage(Stage.canary()));
    a.plan.start("alice", "go");
    rig.advance(MINUTE);
    assertThat(a.plan.driving() ^ b.plan.driving()).as("exactly one drives").isTrue();
    Rig.Node driver = a.plan.driving() ? a : b;
    Rig.Node other = driver == a ? b : a;
    other.calls(1, Cohort.CANARY);
    rig.advance(MINUTE.multipliedBy(2));
    assertThat(a.plan.status().stage()).isEqualTo("d2");

    driver.plan.close();                        // the driver dies
    other.calls(1, Cohort.CANARY);
    rig.advance(MINUTE.multipliedBy(2));

    assertThat(other.plan.driving()).isTrue();
    assertThat(other.plan.status().stage()).isEqualTo("canary");
    List<ReleaseAction> all = rig.nodes.stream().flatMap(n -> n.transitions.stream())
        .map(ReleaseTransition::action).toList();
    assertThat(all).as("no stage skipped or repeated").containsExactly(ReleaseAction.START, ReleaseAction.ADVANCE,
        ReleaseAction.ADVANCE);
  }

  // ------------------------------------------------------------------ build refuses nonsense

  @Test
  void buildRefusesPlansThatMakeNoSenseNamingTheStage() {
    Rig.Node n = rig.node("a", x -> { });
    assertThatThrownBy(() -> n.builder("p").build()).hasMessageContaining("needs at least one stage");
    assertThatThrownBy(() -> n.builder("p").stage(Stage.dark()).build())
        .hasMessageContaining("no canary or switch stage");
    assertThatThrownBy(() -> n.builder("p").stage(Stage.canary()).stage(Stage.dark()).build())
        .hasMessageContaining("stage 2 'dark' (dark) comes after stage 'canary'");
    assertThatThrownBy(() -> n.builder("p").stage(Stage.canary()).stage(Stage.switchover()).build())
        .hasMessageContaining("stage 2 'switch' (switch) promotes a second time");
    assertThatThrownBy(() -> n.builder("p").stage(Stage.canary()).stage(Stage.retire()).stage(Stage.approval())
        .build()).hasMessageContaining("stage 2 'retire' (retire) must be the last stage")
        .isInstanceOfSatisfying(InvalidReleasePlanException.class, e -> assertThat(e.stageIndex()).isEqualTo(1));
    assertThatThrownBy(() -> n.builder("p").stage(Stage.dark()).stage(Stage.dark()).stage(Stage.canary()).build())
        .hasMessageContaining("stage 2 'dark' (dark) has the name of an earlier stage");
    assertThatThrownBy(() -> n.builder("p").stage(Stage.verify(n.runner, "nope")).stage(Stage.canary()).build())
        .hasMessageContaining("stage 1 'verify' (verify) names experiment 'nope'").hasMessageContaining("'pricing'");
    assertThatThrownBy(() -> Stage.dark().keepOld(MINUTE)).hasMessageContaining("keepOld does not apply to a dark");
    assertThatThrownBy(() -> Stage.verify(n.runner, "pricing").noise(ComparisonOutcome.MISMATCH))
        .hasMessageContaining("MISMATCH cannot be noise");
  }

  @Test
  void aPlanRedefinedWithFewerStagesWhileRunningSaysSoInsteadOfFailingObscurely() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark()).stage(Stage.approval()).stage(Stage.canary()));
    a.plan.start("alice", "go");
    a.plan.advance("alice", "on", false);
    a.plan.approve("bob", "ok");
    Rig.Node b = node("b", n -> n.builder("p").stage(Stage.canary()));

    assertThatThrownBy(() -> b.plan.pause("bob", "hold")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stored state is at stage index 2, but the plan has 1 stages");
    assertThat(a.plan.status().state()).as("nothing written").isEqualTo(ReleaseState.RUNNING);
    assertThat(b.plan.decide("k", Cohort.CANARY)).as("routing still answers").isNotNull();
    b.plan.abort("bob", "redefined by mistake");
    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
  }

  @Test
  void buildRefusesACanaryStageWhoseCanaryNeverPromotes() {
    try (Rig dry = new Rig(true)) {
      Rig.Node n = dry.node("a", x -> { });
      assertThatThrownBy(() -> n.builder("p").stage(Stage.canary()).build())
          .hasMessageContaining("stage 1 'canary' (canary) can never pass").hasMessageContaining("dry-run");
    }
  }
}
