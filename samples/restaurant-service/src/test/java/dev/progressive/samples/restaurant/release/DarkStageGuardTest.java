package dev.progressive.samples.restaurant.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.CanaryScheduler;
import dev.progressive.canary.Cohort;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.Stage;
import dev.progressive.toggles.Toggles;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sample's guard of the dark stage: testers' failed calls to the new implementation roll the plan back. */
class DarkStageGuardTest {

  /** No looks: the plan's gate is never checked, so only the guard moves it. */
  private static final CanaryScheduler NO_LOOKS = (period, task) -> () -> { };

  private final Toggles toggles = Toggles.builder().build();
  private final Canary canary = Canary.builder(CanaryRelease.builder("pricing-engine")
      .step(50, Duration.ZERO, 1).build(), toggles).scheduler(NO_LOOKS).build();
  private final ReleasePlan plan = ReleasePlan.builder("pricing-v2", toggles, canary)
      .stage(Stage.dark().minSuccessfulCalls(20)).stage(Stage.canary()).scheduler(NO_LOOKS).build();
  private final DarkStageGuard guard = new DarkStageGuard(plan, 20, 0.05);

  @AfterEach
  void close() {
    plan.close();
    canary.close();
    toggles.close();
  }

  @Test
  void moreFailuresThanTheLimitOnceEnoughCallsWereMadeRollThePlanBackAtDark() {
    plan.start("test", "deployed dark");
    for (int i = 0; i < 19; i++) {
      boolean fails = i % 4 == 0;   // every fourth call fails, and the old implementation answers it
      assertThat(testerCall(fails)).isEqualTo(fails ? "old" : "new");
    }
    assertThat(plan.status().state()).as("19 calls: too few to judge").isEqualTo(ReleaseState.RUNNING);

    testerCall(true);

    assertThat(plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(plan.status().stage()).isEqualTo("dark");
    assertThat(plan.history(Instant.EPOCH, Instant.now().plusSeconds(60), 10)).last()
        .satisfies(entry -> assertThat(entry.toString()).contains(DarkStageGuard.ACTOR,
            "stage 'dark' failed: 6 of 20 tester calls to the new implementation failed (30.0%), above 5.0%"));
    assertThat(plan.decide("tester", Cohort.CANARY)).as("testers are back on the old one")
        .isEqualTo(Cohort.BASELINE);
  }

  @Test
  void failuresUpToTheLimitLeaveThePlanRunning() {
    plan.start("test", "deployed dark");
    testerCall(true);
    for (int i = 0; i < 29; i++) {
      assertThat(testerCall(false)).isEqualTo("new");
    }

    assertThat(guard.calls()).isEqualTo(30);
    assertThat(guard.failures()).isEqualTo(1);
    assertThat(plan.status().state()).as("1 of 30 is 3.3%").isEqualTo(ReleaseState.RUNNING);
  }

  @Test
  void callsOutsideTheDarkStageAreNotCounted() {
    testerCall(true);   // pending: everyone is on the old one, the new one is not even called
    plan.start("test", "deployed dark");
    plan.abort("test", "changed our minds");
    testerCall(true);

    assertThat(guard.calls()).isZero();
  }

  @Test
  void aRateOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> new DarkStageGuard(plan, 20, 1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the error rate must be from 0 to 1, was 1.5");
    assertThatThrownBy(() -> new DarkStageGuard(plan, 0, 0.05))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1, was 0");
  }

  /** One tester's call through the plan, the new implementation failing or not; what answered. */
  private String testerCall(boolean fails) {
    return plan.call("tester", Cohort.CANARY, () -> "old", guard.watch(() -> {
      if (fails) {
        throw new IllegalStateException("injected");
      }
      return "new";
    }));
  }
}
