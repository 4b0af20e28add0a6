package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.FleetStore;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Metric;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.testing.ManualScheduler;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.FlagStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A guarded feature rollout on two instances sharing one flag store and one fleet store, on a controlled clock:
 * promoted when the variants are alike, rolled back when the new variant fails four times as often.
 */
class FeatureRolloutTest {

  private static final String FLAG = RolloutInstance.FLAG;
  private static final String DEFINITION = RolloutInstance.DEFINITION;
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FlagStore flags = new SharedFlagStore(clock);
  private final FleetStore fleet = FleetStore.inMemory();
  private final List<RolloutInstance> instances = new ArrayList<>();

  @AfterEach
  void close() {
    instances.forEach(RolloutInstance::close);
  }

  private RolloutInstance instance(String id) {
    RolloutInstance i = new RolloutInstance(id, flags,
        t -> RolloutInstance.rollout(t, id, clock, scheduler::every, fleet));
    instances.add(i);
    return i;
  }

  /** Both instances serve, then a minute passes (every look runs), until the plan is final or an hour passed. */
  private void runUntilFinal(RolloutInstance a, RolloutInstance b, int callsPerMinute) {
    for (int minute = 0; minute < 60 && !a.plan.status().state().isFinal(); minute++) {
      a.serve(callsPerMinute);
      b.serve(callsPerMinute);
      scheduler.advance(MINUTE);
    }
  }

  @Test
  void aRolloutOfEqualVariantsIsPromotedStepByStepToEveryoneOnTheNewVariant() {
    RolloutInstance a = instance("a");
    RolloutInstance b = instance("b");
    assertThat(a.plan.stages()).extracting(Stage::name).containsExactly("rollout-10", "rollout-50", "rollout-100");

    a.plan.start("alice", "new checkout deployed");

    assertThat(b.percentOnNew()).as("the entry wrote the weights, and the other instance routes by them")
        .isBetween(7.0, 13.0);
    runUntilFinal(a, b, 20_000);

    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.COMPLETED);
    assertThat(b.plan.status().state()).isEqualTo(ReleaseState.COMPLETED);
    assertThat(a.percentOnNew()).isEqualTo(100.0);
    assertThat(b.percentOnNew()).isEqualTo(100.0);
    List<ReleaseTransition> driven = new ArrayList<>(a.transitions);
    driven.addAll(b.transitions);
    assertThat(driven.stream().filter(t -> t.action() == ReleaseAction.ADVANCE).map(ReleaseTransition::toStage))
        .as("each step entered once, by whichever instance drove").containsExactly("rollout-50", "rollout-100");
    assertThat(driven).filteredOn(t -> t.action() == ReleaseAction.COMPLETE).hasSize(1);
    List<AuditEntry> flagAudit = a.toggles.admin().history(FLAG, Instant.EPOCH, clock.instant().plusSeconds(1), 50);
    assertThat(flagAudit).extracting(AuditEntry::reason).anyMatch(r -> r.contains("'new' at 10%"))
        .anyMatch(r -> r.contains("'new' at 50%") && r.contains("verdict PASS"))
        .anyMatch(r -> r.contains("'new' at 100%"));
    assertThat(a.plan.history(Instant.EPOCH, clock.instant().plusSeconds(1), 50)).extracting(AuditEntry::reason)
        .anyMatch(r -> r.contains("'rollout-10' -> 'rollout-50'") && r.contains("instances")
            && r.contains("verdict PASS"));
  }

  @Test
  void aRolloutWhoseNewVariantFailsFourTimesAsOftenIsRolledBackWithEveryoneOnTheOldVariant() {
    RolloutInstance a = instance("a");
    RolloutInstance b = instance("b");
    b.newFailsEvery = 5;
    a.plan.start("alice", "new checkout deployed");

    // only b serves: a drives, and judges calls it never served from b's published window
    for (int minute = 0; minute < 10 && !a.plan.status().state().isFinal(); minute++) {
      b.serve(40_000);
      scheduler.advance(MINUTE);
    }

    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(b.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(a.plan.status().stage()).as("rolled back at the first step").isEqualTo("rollout-10");
    assertThat(a.plan.status().evidence()).contains("verdict FAIL").contains("2 instances");
    assertThat(a.transitions).extracting(ReleaseTransition::action).containsExactly(ReleaseAction.START,
        ReleaseAction.ROLLBACK);
    assertThat(b.transitions).isEmpty();
    assertThat(a.percentOnNew()).isZero();
    assertThat(b.percentOnNew()).isZero();
  }

  @Test
  void aStepThatStaysInconclusivePastItsLimitIsRolledBack() {
    RolloutInstance a = instance("a");
    a.plan.start("alice", "new checkout deployed");
    a.serve(200);                                   // far below 1,000 calls per variant: the judge cannot decide

    scheduler.advance(Duration.ofMinutes(30));
    assertThat(a.plan.status().state()).as("inconclusive for 30 minutes: still waiting")
        .isEqualTo(ReleaseState.RUNNING);
    assertThat(a.plan.gate().result()).isEqualTo(GateStatus.Result.WAIT);
    scheduler.advance(Duration.ofMinutes(2));

    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(a.plan.status().evidence()).contains("verdict INCONCLUSIVE").contains("longer than PT30M");
    assertThat(a.percentOnNew()).isZero();
  }

  @Test
  void anAbortPutsTheOldVariantBackAtOnceForEveryInstance() {
    RolloutInstance a = instance("a");
    RolloutInstance b = instance("b");
    a.plan.start("alice", "new checkout deployed");
    assertThat(a.percentOnNew()).isGreaterThan(0);

    b.plan.abort("bob", "support tickets");

    assertThat(a.percentOnNew()).isZero();
    assertThat(b.percentOnNew()).isZero();
    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(a.toggles.admin().history(FLAG, Instant.EPOCH, clock.instant().plusSeconds(1), 10))
        .extracting(AuditEntry::actor).contains("bob");
  }

  @Test
  void callsOutsideARunningStepOrOfOtherVariantsAreNotCountedAndNothingIsPublishedBeforeTheStart() throws Exception {
    RolloutInstance a = instance("a");
    a.serve(5_000);
    scheduler.advance(MINUTE);
    assertThat(fleet.windows(new FleetStore.WindowKey("release:checkout-ui-rollout:variants", 0, 0))).isEmpty();
    a.plan.start("alice", "go");
    assertThat(a.plan.gate().evidence()).contains("'old' 0 calls").contains("'new' 0 calls");
  }

  @Test
  void aPlanRefusesWhatMakesNoSenseNamingTheStage() {
    Toggles toggles = Toggles.builder().source(InMemorySource.of(DEFINITION)).store(flags).build();
    try {
      assertThatThrownBy(() -> ReleasePlan.builder("p", toggles)
          .stage(Stage.featureRollout("nope", "new", "old").steps(100)).build())
          .hasMessageContaining("flag 'nope', which the toggles do not define");
      assertThatThrownBy(() -> ReleasePlan.builder("p", toggles)
          .stage(Stage.featureRollout(FLAG, "v3", "old").steps(100)).build())
          .hasMessageContaining("variant 'v3'");
      assertThatThrownBy(() -> ReleasePlan.builder("p", toggles).stage(Stage.dark())
          .stage(Stage.featureRollout(FLAG, "new", "old").steps(100)).build())
          .hasMessageContaining("stage 1 'dark' (dark) needs a canary");
      assertThatThrownBy(() -> Stage.featureRollout(FLAG, "new", "old").steps(5, 25))
          .hasMessageContaining("last step must be 100");
      assertThatThrownBy(() -> Stage.featureRollout(FLAG, "new", "old").steps(25, 5, 100))
          .hasMessageContaining("must increase");
      assertThatThrownBy(() -> Stage.featureRollout(FLAG, "new", "new"))
          .hasMessageContaining("two different variants");
      assertThatThrownBy(() -> Stage.dark().steps(1, 100)).hasMessage("steps does not apply to a dark stage");
      ReleasePlan first = ReleasePlan.builder("p", toggles).stage(Stage.featureRollout(FLAG, "new", "old")).build();
      try {
        assertThatThrownBy(() -> ReleasePlan.builder("q", toggles).stage(Stage.featureRollout(FLAG, "new", "old"))
            .build()).hasMessageContaining("one rollout at a time per flag");
        assertThatThrownBy(() -> first.call("k", null, () -> 0, () -> 1))
            .hasMessageContaining("routes by itself");
      } finally {
        first.close();
      }
      assertThat(toggles.variantRecording().isRecorded(FLAG)).as("closing the plan unregisters it").isFalse();
    } finally {
      toggles.close();
    }
  }
}
