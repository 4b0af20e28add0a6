package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.toggles.store.AuditEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A dark or preview stage fails when the fleet's pooled error rate of explicit calls to the new implementation is
 * above {@link Stage.Builder#failAboveErrorRate}, once {@link Stage.Builder#minCallsToJudge} were made: the driver
 * rolls the plan back with the counts and the instances as evidence. Two instances on one flag store and one fleet
 * store, on a controlled clock.
 */
class DarkStageFailureTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final Rig rig = new Rig();

  @AfterEach
  void close() {
    rig.close();
  }

  private Rig.Node node(String id, Function<Rig.Node, ReleasePlan.Builder> plan) {
    return rig.node(id, n -> n.plan(plan.apply(n)));
  }

  /** {@code ok} explicit calls that succeed and {@code failing} whose new implementation throws; returns the answers. */
  private static int testerCalls(Rig.Node n, int ok, int failing) {
    int onNew = n.calls(ok, Cohort.CANARY);
    for (int i = 0; i < failing; i++) {
      onNew += n.plan.call("tester-" + i, Cohort.CANARY, () -> 0, () -> {
        throw new IllegalStateException("v2 fails");
      });
    }
    return onNew;
  }

  private static List<ReleaseAction> actions(Rig.Node n) {
    return n.transitions.stream().map(ReleaseTransition::action).toList();
  }

  private static ReleasePlan.Builder darkPlan(Rig.Node n) {
    return n.builder("p").stage(Stage.dark().minSuccessfulCalls(100).failAboveErrorRate(0.1).minCallsToJudge(20))
        .stage(Stage.canary());
  }

  @Test
  void theFleetsPooledErrorRateFailsTheDarkStageThoughNeitherInstanceAloneHasTheMinimumOfCalls() {
    Rig.Node a = node("a", DarkStageFailureTest::darkPlan);
    Rig.Node b = node("b", DarkStageFailureTest::darkPlan);
    a.plan.start("alice", "v2 deployed dark");

    assertThat(testerCalls(a, 8, 3)).as("the old implementation answers the failed calls").isEqualTo(8);
    rig.advance(MINUTE.multipliedBy(2));

    assertThat(a.plan.status().state()).as("a's 11 calls are under the minimum of 20, whatever their rate")
        .isEqualTo(ReleaseState.RUNNING);
    assertThat(b.plan.gate().result()).isEqualTo(GateStatus.Result.WAIT);
    assertThat(b.plan.gate().evidence()).contains("8 of 100 successful explicit calls",
        "3 of 11 explicit calls failed (error rate 0.2727; fails above 0.1000 once 20 were made)",
        "reported by 2 instances: a (3 of 11 failed), b (0 of 0 failed)");

    testerCalls(b, 7, 3);
    rig.advance(MINUTE.multipliedBy(2));           // b's counts reach the driver at b's next look

    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().state()).as(n.id).isEqualTo(ReleaseState.ROLLED_BACK);
      assertThat(n.plan.status().stage()).as(n.id + ": the stage it failed at").isEqualTo("dark");
      assertThat(n.plan.decide("tester", Cohort.CANARY)).as(n.id + ": testers are back on the old one")
          .isEqualTo(Cohort.BASELINE);
      assertThat(n.allowListedCall()).isFalse();
      assertThat(n.canary.state()).as(n.id + ": the canary that never started is aborted")
          .isEqualTo(CanaryState.ROLLED_BACK);
    }
    String evidence = a.plan.status().evidence();
    assertThat(evidence).isEqualTo("15 of 100 successful explicit calls to the new implementation; 6 of 21 explicit "
        + "calls failed (error rate 0.2857; fails above 0.1000 once 20 were made); reported by 2 instances: a (3 of "
        + "11 failed), b (3 of 10 failed)");
    List<ReleaseTransition> all = rig.nodes.stream().flatMap(n -> n.transitions.stream()).toList();
    assertThat(all).extracting(ReleaseTransition::action).containsExactly(ReleaseAction.START, ReleaseAction.ROLLBACK);
    ReleaseTransition rollback = all.get(1);
    assertThat(rollback.actor()).isEqualTo(ReleasePlan.DRIVER);
    assertThat(rollback.reason()).isEqualTo("stage 'dark' failed its gate");
    assertThat(rollback.evidence()).isEqualTo(evidence);
    List<AuditEntry> history = b.plan.history(Instant.EPOCH, Instant.MAX, 10);
    assertThat(history.get(history.size() - 1).reason())
        .startsWith("[release rollback] 'dark' -> 'dark' (ROLLED_BACK): stage 'dark' failed its gate | evidence: 15 "
            + "of 100 successful explicit calls")
        .contains("6 of 21 explicit calls failed");
  }

  @Test
  void underItsErrorRateTheDarkGateStillPassesAtItsMinimumOfSuccessfulCalls() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark().minSuccessfulCalls(20).failAboveErrorRate(0.2)
        .minCallsToJudge(10)).stage(Stage.canary()));
    a.plan.start("alice", "v2 deployed dark");

    testerCalls(a, 20, 4);                          // 4 of 24 failed: 0.1667, under 0.2
    rig.advance(MINUTE);

    assertThat(a.plan.status().stage()).isEqualTo("canary");
    assertThat(a.plan.status().evidence()).startsWith("20 of 20 successful explicit calls to the new implementation; "
        + "4 of 24 explicit calls failed (error rate 0.1667; fails above 0.2000 once 10 were made); reported by 1 "
        + "instance: a (4 of 24 failed)");
    assertThat(actions(a)).containsExactly(ReleaseAction.START, ReleaseAction.ADVANCE);
  }

  @Test
  void aFailingPreviewRollsTheBlueGreenPlanBackAndAManualGateCanFailToo() {
    Rig.Node a = node("a", n -> n.builder("bg").stage(Stage.preview().failAboveErrorRate(0).minCallsToJudge(3))
        .stage(Stage.switchover()));
    a.plan.start("alice", "green deployed");

    testerCalls(a, 1, 1);
    rig.advance(MINUTE);
    assertThat(a.plan.gate().result()).as("2 calls: not judged yet").isEqualTo(GateStatus.Result.WAIT);
    assertThat(a.plan.gate().evidence()).endsWith("; waiting for an operator to advance");

    testerCalls(a, 1, 0);                           // any failure is too many, once 3 calls were made
    rig.advance(MINUTE);

    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(a.plan.status().stage()).isEqualTo("preview");
    assertThat(a.plan.status().evidence()).startsWith("2 successful explicit calls to the new implementation; 1 of 3 "
        + "explicit calls failed (error rate 0.3333; fails above 0.0000 once 3 were made)")
        .doesNotContain("waiting for an operator");
    assertThat(a.calls(10, Cohort.CANARY)).as("testers are back on blue").isZero();
  }

  @Test
  void callsTheCallerRoutedAndRecordedAsFailedCountToo() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark().failAboveErrorRate(0.5).minCallsToJudge(4))
        .stage(Stage.canary()));
    a.plan.start("alice", "v2 deployed dark");

    assertThat(a.plan.decide(Rig.ALLOW_LISTED, null)).isEqualTo(Cohort.CANARY);
    a.plan.record(null, Cohort.CANARY, false);      // an allow-listed call, routed by the caller, failed
    a.plan.record(Cohort.CANARY, Cohort.CANARY, false);
    a.plan.record(Cohort.CANARY, Cohort.CANARY, false);
    a.plan.record(Cohort.CANARY, Cohort.CANARY, true);
    a.plan.record(null, Cohort.BASELINE, false);    // the old implementation's calls are not explicit calls

    rig.advance(MINUTE);

    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(a.plan.status().evidence()).contains("1 successful explicit calls", "3 of 4 explicit calls failed");
  }

  @Test
  void anOperatorsAdvanceOfAManualGateIsAuditedAsPassedByThemNotAsWaiting() {
    Rig.Node a = node("a", n -> n.builder("p").stage(Stage.dark()).stage(Stage.canary()));
    a.plan.start("alice", "v2 deployed dark");
    testerCalls(a, 5, 1);
    rig.advance(MINUTE);
    assertThat(a.plan.gate().evidence()).isEqualTo("5 successful explicit calls to the new implementation; 1 of 6 "
        + "explicit calls failed; waiting for an operator to advance");

    a.plan.advance("bob", "the testers are happy", false);

    String evidence = "5 successful explicit calls to the new implementation; 1 of 6 explicit calls failed; a manual "
        + "gate, passed by bob's advance";
    assertThat(a.plan.status().evidence()).isEqualTo(evidence);
    assertThat(a.transitions.get(a.transitions.size() - 1).evidence()).isEqualTo(evidence);
    List<AuditEntry> history = a.plan.history(Instant.EPOCH, Instant.MAX, 10);
    assertThat(history.get(history.size() - 1).reason()).isEqualTo("[release advance] 'dark' -> 'canary' "
        + "(RUNNING): the testers are happy | evidence: " + evidence);
  }

  @Test
  void theSettingsAreCheckedAsTheyAreSet() {
    assertThatThrownBy(() -> Stage.dark().failAboveErrorRate(1.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failAboveErrorRate must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> Stage.preview().failAboveErrorRate(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failAboveErrorRate must be in [0, 1]");
    assertThatThrownBy(() -> Stage.dark().minCallsToJudge(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minCallsToJudge must be at least 1, was 0");
    assertThatThrownBy(() -> Stage.canary().failAboveErrorRate(0.1)).isInstanceOf(IllegalStateException.class)
        .hasMessage("failAboveErrorRate does not apply to a canary stage");
    assertThatThrownBy(() -> Stage.approval().minCallsToJudge(10)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("minCallsToJudge does not apply to");
    assertThatThrownBy(() -> Stage.dark().minCallsToJudge(10).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("minCallsToJudge (10) applies to failAboveErrorRate, which is not set");

    Stage dark = Stage.dark().failAboveErrorRate(0.05).build();
    assertThat(dark.failAboveErrorRate()).isEqualTo(0.05);
    assertThat(dark.minCallsToJudge()).as("the default").isEqualTo(100);
    assertThat(dark.manualGate()).isTrue();
    assertThat(Stage.preview().build().failAboveErrorRate()).as("never, by default").isEqualTo(1.0);
  }
}
