package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.Verdict.Result;
import dev.progressive.canary.event.CanaryTransition;
import dev.progressive.canary.event.VerdictReported;
import dev.progressive.testing.ManualScheduler;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.InMemoryFlagStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every state transition of the controller, automatic and manual, on a fake clock and a manual scheduler. */
class CanaryLifecycleTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final MutableClock clock = new MutableClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ScriptedJudge judge = new ScriptedJudge();
  private final List<CanaryTransition> transitions = new ArrayList<>();
  private final List<VerdictReported> verdicts = new ArrayList<>();
  private final Toggles toggles = Toggles.builder().store(new InMemoryFlagStore(clock, 1000)).clock(clock).build();
  private Canary canary;

  private Canary canary(boolean dryRun) {
    CanaryRelease release = CanaryRelease.builder("pricing")
        .step(1, Duration.ofMinutes(5), 10)
        .step(10, Duration.ofMinutes(5), 10)
        .step(50, Duration.ofMinutes(5), 10)
        .maxInconclusive(Duration.ofMinutes(10))
        .analysisInterval(MINUTE)
        .dryRun(dryRun)
        .build();
    canary = Canary.builder(release, toggles).clock(clock).scheduler(scheduler::every).meterRegistry(registry)
        .judge(judge).build();
    canary.onTransition(transitions::add);
    canary.onVerdict(verdicts::add);
    return canary;
  }

  @AfterEach
  void tearDown() {
    if (canary != null) {
      canary.close();
    }
    toggles.close();
  }

  private double weightGauge() {
    return registry.get("progressive.canary.weight").tag("canary", "pricing").gauge().value();
  }

  private double verdictCount(String verdict) {
    return registry.get("progressive.canary.verdicts").tags("canary", "pricing", "verdict", verdict).counter()
        .count();
  }

  @Test
  void passAtTheEndOfEachStepAdvancesUntilPromoted() {
    canary(false);
    judge.otherwise(Result.PASS);
    assertThat(canary.state()).isEqualTo(CanaryState.PENDING);
    canary.start("alice", "v2 deployed");
    assertThat(canary.state()).isEqualTo(CanaryState.PROGRESSING);
    assertThat(canary.weight()).isEqualTo(100);
    assertThat(weightGauge()).isEqualTo(1.0);

    scheduler.advance(MINUTE);
    assertThat(canary.step()).isEqualTo(1);
    assertThat(canary.weight()).isEqualTo(1000);
    scheduler.advance(MINUTE);
    assertThat(canary.weight()).isEqualTo(5000);
    scheduler.advance(MINUTE);
    assertThat(canary.state()).isEqualTo(CanaryState.PROMOTED);
    assertThat(canary.weight()).isEqualTo(10_000);
    assertThat(weightGauge()).isEqualTo(100.0);
    scheduler.advance(MINUTE);
    assertThat(judge.looks).as("a promoted canary is no longer judged").hasSize(3);

    assertThat(transitions).extracting(CanaryTransition::action)
        .containsExactly(CanaryAction.START, CanaryAction.ADVANCE, CanaryAction.ADVANCE, CanaryAction.PROMOTE);
    assertThat(transitions.get(1).actor()).isEqualTo(Canary.CONTROLLER);
    assertThat(transitions.get(1).verdict().result()).isEqualTo(Result.PASS);
    assertThat(verdictCount("pass")).isEqualTo(3);
    assertThat(transitionCount("advance", "progressing")).isEqualTo(2);
    assertThat(transitionCount("promote", "promoted")).isEqualTo(1);
    assertThat(transitionCount("start", "progressing")).isEqualTo(1);

    List<AuditEntry> history = canary.history(T0.minusSeconds(1), clock.instant().plusSeconds(1), 100);
    assertThat(history).extracting(AuditEntry::actor)
        .containsExactly(Canary.CONTROLLER, "alice", Canary.CONTROLLER, Canary.CONTROLLER, Canary.CONTROLLER);
    assertThat(history.get(1).reason()).isEqualTo("[canary start] v2 deployed");
    assertThat(history.get(4).reason()).startsWith("[canary promote] PASS (scripted)");
  }

  @Test
  void eachStepsWindowStartsWhenTheStepStarts() {
    canary(false);
    judge.then(Result.INCONCLUSIVE, Result.PASS).otherwise(Result.INCONCLUSIVE);
    canary.start("alice", "go");
    scheduler.advance(MINUTE);
    scheduler.advance(MINUTE);
    scheduler.advance(MINUTE);
    assertThat(judge.looks).extracting(Judge.Look::stepIndex).containsExactly(0, 0, 1);
    assertThat(judge.looks.get(2).stepStartedAt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    assertThat(judge.looks.get(2).elapsed()).isEqualTo(MINUTE);
  }

  @Test
  void failRollsBackAtOnce() {
    canary(false);
    judge.then(Result.PASS, Result.INCONCLUSIVE, Result.FAIL);
    canary.start("alice", "go");
    scheduler.advance(Duration.ofMinutes(3));
    assertThat(canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(canary.weight()).isZero();
    assertThat(weightGauge()).isZero();
    CanaryTransition last = transitions.get(transitions.size() - 1);
    assertThat(last.action()).isEqualTo(CanaryAction.ROLLBACK);
    assertThat(last.from()).isEqualTo(CanaryState.PROGRESSING);
    assertThat(last.fromWeight()).isEqualTo(1000);
    assertThat(canary.lastVerdictSummary()).isEqualTo("FAIL (scripted)");
    assertThat(verdictCount("fail")).isEqualTo(1);
    assertThat(verdictCount("inconclusive")).isEqualTo(1);
    assertThat(transitionCount("rollback", "rolled_back")).isEqualTo(1);
  }

  private double transitionCount(String action, String state) {
    var counter = registry.find("progressive.canary.transitions").tags("canary", "pricing", "action", action,
        "state", state).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void inconclusiveHoldsThenRollsBackWhenItLastsTooLong() {
    canary(false);
    judge.otherwise(Result.INCONCLUSIVE);
    canary.start("alice", "go");
    canary.record(Cohort.BASELINE, Duration.ofMillis(20), CallOutcome.SUCCESS);
    canary.record(Cohort.CANARY, Duration.ofMillis(20), CallOutcome.SUCCESS);
    // min duration 5 min + max inconclusive 10 min: held at 15 min, rolled back after
    scheduler.advance(Duration.ofMinutes(15));
    assertThat(canary.state()).isEqualTo(CanaryState.PROGRESSING);
    assertThat(canary.weight()).isEqualTo(100);
    assertThat(verdicts).hasSize(15).allMatch(v -> v.wouldDo() == CanaryAction.HOLD);
    scheduler.advance(MINUTE);
    assertThat(canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(transitions.get(transitions.size() - 1).reason()).startsWith("inconclusive for longer than PT15M");
  }

  @Test
  void anInstanceThatServedNothingWaitsOneMoreMaxInconclusiveBeforeRollingBack() {
    canary(false);
    judge.otherwise(Result.INCONCLUSIVE);
    canary.start("alice", "go");
    // no request on either side: min duration 5 min + twice max inconclusive 10 min
    scheduler.advance(Duration.ofMinutes(25));
    assertThat(canary.state()).isEqualTo(CanaryState.PROGRESSING);
    assertThat(verdicts).allMatch(v -> v.wouldDo() == CanaryAction.HOLD);
    scheduler.advance(MINUTE);
    assertThat(canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(transitions.get(transitions.size() - 1).reason()).startsWith("inconclusive for longer than PT25M");
  }

  @Test
  void anIdleInstanceLeavesTheDecisionToTheInstanceThatServedTheTraffic() {
    InMemoryFlagStore store = new InMemoryFlagStore(clock, 1000);
    CanaryRelease release = CanaryRelease.builder("pricing").step(10, Duration.ofMinutes(5), 1)
        .step(50, Duration.ofMinutes(5), 1).maxInconclusive(Duration.ofMinutes(10)).build();
    try (Toggles a = Toggles.builder().store(store).clock(clock).build()) {
      // the busy instance's judge passes what it saw; the idle one can only say INCONCLUSIVE
      Canary busy = Canary.builder(release, a).clock(clock).judge(new ScriptedJudge().otherwise(Result.PASS))
          .build();
      busy.start("alice", "go");
      Toggles b = Toggles.builder().store(store).clock(clock).build();
      Canary idle = Canary.builder(release, b).clock(clock).judge(new ScriptedJudge().otherwise(Result.INCONCLUSIVE))
          .build();
      busy.record(Cohort.BASELINE, Duration.ofMillis(20), CallOutcome.SUCCESS);
      busy.record(Cohort.CANARY, Duration.ofMillis(20), CallOutcome.SUCCESS);
      // past min duration + max inconclusive, the idle instance looks first: it holds instead of rolling back
      clock.advance(Duration.ofMinutes(16));
      assertThat(idle.analyze()).get().extracting(Verdict::result).isEqualTo(Result.INCONCLUSIVE);
      assertThat(idle.state()).isEqualTo(CanaryState.PROGRESSING);
      busy.analyze();
      assertThat(busy.state()).isEqualTo(CanaryState.PROGRESSING);
      assertThat(busy.step()).as("the busy instance's PASS advanced the step").isEqualTo(1);
      busy.close();
      idle.close();
      b.close();
    }
  }

  @Test
  void dryRunJudgesAndReportsButNeverChangesTheWeight() {
    canary(true);
    judge.then(Result.PASS, Result.FAIL).otherwise(Result.INCONCLUSIVE);
    canary.start("alice", "go");
    scheduler.advance(Duration.ofMinutes(30));
    assertThat(canary.state()).isEqualTo(CanaryState.PROGRESSING);
    assertThat(canary.weight()).isEqualTo(100);
    assertThat(transitions).extracting(CanaryTransition::action).containsExactly(CanaryAction.START);
    assertThat(verdicts.get(0).wouldDo()).isEqualTo(CanaryAction.ADVANCE);
    assertThat(verdicts.get(1).wouldDo()).isEqualTo(CanaryAction.ROLLBACK);
    assertThat(verdicts.get(29).wouldDo()).isEqualTo(CanaryAction.ROLLBACK);
    assertThat(verdicts).allMatch(VerdictReported::dryRun);
    assertThat(verdictCount("pass")).isEqualTo(1);
    // ops can still move it by hand
    canary.promote("alice", "looks good", false);
    assertThat(canary.weight()).isEqualTo(1000);
  }

  @Test
  void pauseHoldsAndStopsJudgingResumeStartsANewWindow() {
    canary(false);
    judge.otherwise(Result.INCONCLUSIVE);
    canary.start("alice", "go");
    scheduler.advance(MINUTE);
    canary.pause("bob", "incident elsewhere");
    assertThat(canary.state()).isEqualTo(CanaryState.PAUSED);
    scheduler.advance(Duration.ofHours(2));
    assertThat(canary.state()).as("a paused canary is never rolled back for time").isEqualTo(CanaryState.PAUSED);
    assertThat(judge.looks).hasSize(1);
    assertThat(canary.weight()).isEqualTo(100);
    canary.resume("bob", "incident over");
    assertThat(canary.state()).isEqualTo(CanaryState.PROGRESSING);
    scheduler.advance(MINUTE);
    assertThat(judge.looks).hasSize(2);
    assertThat(judge.looks.get(1).stepStartedAt()).isEqualTo(T0.plus(Duration.ofMinutes(121)));
    assertThat(transitions).extracting(CanaryTransition::action).containsExactly(CanaryAction.START, CanaryAction.PAUSE, CanaryAction.RESUME);
    assertThat(transitions.get(1).actor()).isEqualTo("bob");
    assertThat(transitions.get(1).reason()).isEqualTo("incident elsewhere");
  }

  @Test
  void manualPromoteOneStepOrFully() {
    canary(false);
    canary.promote("alice", "from pending, one step is the first step", false);
    assertThat(canary.state()).isEqualTo(CanaryState.PROGRESSING);
    assertThat(canary.weight()).isEqualTo(100);
    canary.promote("alice", "one more", false);
    assertThat(canary.weight()).isEqualTo(1000);
    canary.pause("alice", "hold");
    canary.promote("alice", "promote a paused canary", false);
    assertThat(canary.state()).isEqualTo(CanaryState.PROGRESSING);
    assertThat(canary.weight()).isEqualTo(5000);
    canary.promote("alice", "all in", true);
    assertThat(canary.state()).isEqualTo(CanaryState.PROMOTED);
    assertThat(canary.weight()).isEqualTo(10_000);
    assertThatThrownBy(() -> canary.abort("alice", "too late")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in state PROMOTED");
  }

  @Test
  void abortFromPendingPausedOrProgressing() {
    canary(false);
    canary.abort("alice", "never mind");
    assertThat(canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThatThrownBy(() -> canary.start("alice", "again")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> canary.resume("alice", "again")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> canary.pause("alice", "again")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> canary.promote("alice", "again", true)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void abortWhilePaused() {
    canary(false);
    canary.start("alice", "go");
    canary.pause("alice", "hold");
    canary.abort("alice", "bad reports");
    assertThat(canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(transitions.get(2).from()).isEqualTo(CanaryState.PAUSED);
    assertThat(transitions.get(2).toWeight()).isZero();
  }

  @Test
  void aFailingMetricSourceIsInconclusiveNeverPass() {
    CanaryRelease release = CanaryRelease.builder("pricing").step(10, Duration.ZERO, 1).build();
    canary = Canary.builder(release, toggles).clock(clock).scheduler(scheduler::every).meterRegistry(registry)
        .metricSource((name, from, to) -> {
          throw new java.io.IOException("down");
        }).build();
    canary.onVerdict(verdicts::add);
    canary.start("alice", "go");
    scheduler.advance(Duration.ofMinutes(3));
    assertThat(verdicts).hasSize(3).allMatch(v -> v.verdict().result() == Result.INCONCLUSIVE);
    assertThat(verdicts.get(0).verdict().summary()).contains("metric source could not be read").contains("down");
    assertThat(canary.state()).isEqualTo(CanaryState.PROGRESSING);
  }

  @Test
  void twoInstancesOnOneStoreAdvanceAStepOnce() {
    InMemoryFlagStore store = new InMemoryFlagStore(clock, 1000);
    CanaryRelease release = CanaryRelease.builder("pricing").step(1, Duration.ZERO, 1).step(10, Duration.ZERO, 1)
        .build();
    try (Toggles a = Toggles.builder().store(store).clock(clock).build()) {
      Canary first = Canary.builder(release, a).clock(clock).judge(new ScriptedJudge().otherwise(Result.PASS))
          .build();
      first.start("alice", "go");
      // b loads the store after the start: both instances now see step 0 at the same version
      Toggles b = Toggles.builder().store(store).clock(clock).build();
      Canary second = Canary.builder(release, b).clock(clock).judge(new ScriptedJudge().otherwise(Result.PASS))
          .build();
      List<CanaryTransition> made = new ArrayList<>();
      first.onTransition(made::add);
      second.onTransition(made::add);
      first.analyze();
      second.analyze();
      assertThat(made).as("exactly one instance advanced").hasSize(1);
      assertThat(store.history("canary.pricing", T0.minusSeconds(1), T0.plusSeconds(1), 100))
          .extracting(AuditEntry::action).hasSize(3);
      assertThat(first.step() + second.step()).as("the winner is at step 1, the other still reads step 0")
          .isEqualTo(1);
      first.close();
      second.close();
      b.close();
    }
  }
}
