package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.FleetStore;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Metric;
import dev.progressive.release.event.ReleaseTransition;
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

  static final String FLAG = "checkout-ui";
  static final String DEFINITION = """
      {"flags": {"checkout-ui": {"state": "ENABLED", "variants": {"new": "new", "old": "old"},
        "defaultVariant": "old"}}}""";
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FlagStore flags = new SharedFlagStore(clock);
  private final FleetStore fleet = FleetStore.inMemory();
  private final List<Instance> instances = new ArrayList<>();

  @AfterEach
  void close() {
    instances.forEach(Instance::close);
  }

  /** One instance: its own toggles and plan on the shared stores; serves calls and records them per variant. */
  static final class Instance {
    final String id;
    final Toggles toggles;
    final ReleasePlan plan;
    final List<ReleaseTransition> transitions = new CopyOnWriteArrayList<>();
    /** One call in this many fails, per variant. */
    volatile int oldFailsEvery = 20;
    volatile int newFailsEvery = 20;
    private long served;

    Instance(String id, Supplier<FlagStore> store, ReleasePlanFactory plan) {
      this.id = id;
      this.toggles = Toggles.builder().source(InMemorySource.of(DEFINITION)).store(store.get()).build();
      this.plan = plan.build(this);
      this.plan.onTransition(transitions::add);
    }

    /** Serves {@code n} calls: each evaluates the flag for its user and records outcome and latency per variant. */
    Map<String, Integer> serve(int n) {
      int onNew = 0;
      for (int i = 0; i < n; i++) {
        long call = served++;
        String variant = toggles.stringDetails(FLAG, EvaluationContext.builder().targetingKey(id + "-user-" + call)
            .build(), "old").variant();
        boolean fails = call % ("new".equals(variant) ? newFailsEvery : oldFailsEvery) == 0;
        if ((call & 1) == 0) {
          // the caller's own timing
          toggles.variantRecording().record(FLAG, variant, !fails, 5_000_000);
        } else {
          // the wrapper, which times the work and counts a throw as an error
          try {
            toggles.variantRecording().call(FLAG, variant, () -> {
              if (fails) {
                throw new IllegalStateException("failed");
              }
              return variant;
            });
          } catch (IllegalStateException expected) {
            // the caller's error, recorded
          }
        }
        onNew += "new".equals(variant) ? 1 : 0;
      }
      return Map.of("new", onNew, "old", n - onNew);
    }

    /** The share of 2,000 fresh users that get the new variant, in percent. */
    double percentOnNew() {
      int onNew = 0;
      for (int i = 0; i < 2_000; i++) {
        String v = toggles.stringValue(FLAG, EvaluationContext.builder().targetingKey("probe-" + i).build(), "old");
        onNew += "new".equals(v) ? 1 : 0;
      }
      return onNew / 20.0;
    }

    void close() {
      plan.close();
      toggles.close();
    }
  }

  interface ReleasePlanFactory {
    ReleasePlan build(Instance i);
  }

  private Instance instance(String id) {
    Instance i = new Instance(id, () -> flags, in -> rollout(in.toggles, id).build());
    instances.add(i);
    return i;
  }

  private ReleasePlan.Builder rollout(Toggles toggles, String id) {
    return ReleasePlan.builder("checkout-ui-rollout", toggles)
        .stage(Stage.featureRollout(FLAG, "new", "old").steps(10, 50, 100)
            .metric(Metric.errorRate()).minRequestsPerVariant(1_000).minDuration(Duration.ZERO)
            .maxInconclusive(Duration.ofMinutes(30)).judge(Judge.statistical()))
        .clock(clock).scheduler(scheduler).fleet(fleet).instanceId(id).interval(MINUTE);
  }

  /** Both instances serve, then a minute passes (every look runs), until the plan is final or an hour passed. */
  private void runUntilFinal(Instance a, Instance b, int callsPerMinute) {
    for (int minute = 0; minute < 60 && !a.plan.status().state().isFinal(); minute++) {
      a.serve(callsPerMinute);
      b.serve(callsPerMinute);
      scheduler.advance(MINUTE);
    }
  }

  @Test
  void aRolloutOfEqualVariantsIsPromotedStepByStepToEveryoneOnTheNewVariant() {
    Instance a = instance("a");
    Instance b = instance("b");
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
    Instance a = instance("a");
    Instance b = instance("b");
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
  void anAbortPutsTheOldVariantBackAtOnceForEveryInstance() {
    Instance a = instance("a");
    Instance b = instance("b");
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
    Instance a = instance("a");
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
