package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.testing.postgres.PostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An abort from every stage of a canary plan and of a blue-green plan, on two instances, each with its own stores on
 * one real PostgreSQL, on a controlled clock: afterwards every instance routes everyone to the old implementation,
 * testers with a header and allow-listed ones included, without waiting for a look, and the history holds who aborted
 * and why. (Rollbacks by a failing gate are in {@link StageGatesFleetIT} and {@link PromotionGatesFleetIT}.)
 */
@ExtendWith(PostgresExtension.class)
class RollbackFleetIT {

  /** The instances of the test, closed after it. */
  @AutoClose
  private Rig rig;

  /** A canary plan with a stage of every kind before and after its promotion. */
  private static ReleasePlan.Builder canaryPlan(Rig.Node n) {
    return n.builder("all").stage(Stage.dark())
        .stage(Stage.verify(n.runner, "pricing").minComparisons(10))
        .stage(Stage.approval().name("before"))
        .stage(Stage.canary())
        .stage(Stage.approval().name("after"))
        .stage(Stage.retire().quietPeriod(Duration.ofHours(1)));
  }

  private static ReleasePlan.Builder blueGreen(Rig.Node n) {
    return n.builder("bg").stage(Stage.preview())
        .stage(Stage.switchover().keepOld(Duration.ofMinutes(30)))
        .stage(Stage.retire().quietPeriod(Duration.ofHours(1)));
  }

  static Stream<Arguments> everyStage() {
    Function<Rig.Node, ReleasePlan.Builder> canary = RollbackFleetIT::canaryPlan;
    Function<Rig.Node, ReleasePlan.Builder> blueGreen = RollbackFleetIT::blueGreen;
    return Stream.of(
        Arguments.of("canary plan", canary, "dark"),
        Arguments.of("canary plan", canary, "verify"),
        Arguments.of("canary plan", canary, "before"),
        Arguments.of("canary plan", canary, "canary"),
        Arguments.of("canary plan", canary, "after"),
        Arguments.of("canary plan", canary, "retire"),
        Arguments.of("blue-green", blueGreen, "preview"),
        Arguments.of("blue-green", blueGreen, "switch"),
        Arguments.of("blue-green", blueGreen, "retire"));
  }

  @ParameterizedTest(name = "{0}, from {2}")
  @MethodSource("everyStage")
  void anAbortReturnsEveryInstanceToTheOldImplementationAtOnceAndTheHistoryKeepsWhoAndWhy(String kind,
      Function<Rig.Node, ReleasePlan.Builder> plan, String stage, DataSource db) throws Exception {
    String prefix = "rb_" + (kind.startsWith("canary") ? "c" : "bg") + "_" + stage + "_";
    rig = Rig.startedOnTwo(db, prefix, plan);
    Rig.Node a = rig.a();
    Rig.Node b = rig.b();
    while (!a.plan.status().stage().equals(stage)) {
      a.plan.advance("alice", "on to the next stage", true);
      rig.awaitAgreement();
    }
    rig.awaitStage(stage);
    boolean promoted = List.of("switch", "after", "retire").contains(stage);
    if (stage.equals("canary")) {
      rig.awaitCanary(CanaryState.PROGRESSING);
    } else if (promoted) {
      rig.awaitCanary(CanaryState.PROMOTED);
    }
    for (Rig.Node n : rig.nodes) {
      assertThat(n.calls(5, Cohort.CANARY)).as(n.id + ": testers reach the new one before").isEqualTo(5);
      assertThat(n.allowListedCall()).as(n.id).isTrue();
      assertThat(n.calls(20, null) > 0).as(n.id + ": the public reaches it before").isEqualTo(promoted
          || stage.equals("canary"));
    }
    Instant before = rig.clock.instant();

    b.plan.abort("bob", "v2 corrupts carts");

    assertThat(b.plan.status().state()).as("b, which aborted").isEqualTo(ReleaseState.ROLLED_BACK);
    rig.awaitState(ReleaseState.ROLLED_BACK);   // a hears it through the store, with no look
    assertThat(rig.clock.instant()).as("no interval passed").isEqualTo(before);
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().stage()).as(n.id + ": the stage it was rolled back from").isEqualTo(stage);
      assertThat(n.calls(20, null)).as(n.id + ": everyone on the old one").isZero();
      assertThat(n.calls(5, Cohort.CANARY)).as(n.id + ": testers with the header too").isZero();
      assertThat(n.plan.decide("tester", Cohort.CANARY)).isEqualTo(Cohort.BASELINE);
      assertThat(n.allowListedCall()).as(n.id + ": allow-listed ones too").isFalse();
    }
    List<String> history = a.history();
    assertThat(rig.lastTransition())
        .isEqualTo("bob: [release abort] '" + stage + "' -> '" + stage + "' (ROLLED_BACK): v2 corrupts carts"
            + " | evidence: aborted by bob");
    assertThat(b.registry.get("progressive.release.transitions").tag("release", a.plan.name())
        .tag("action", "abort").counter().count()).isEqualTo(1);

    rig.awaitCanary(promoted ? CanaryState.PROMOTED : CanaryState.ROLLED_BACK);
    rig.ticks(3);                                 // the driver does not bring anything back
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
      assertThat(n.calls(20, null)).as(n.id).isZero();
      assertThat(n.registry.get("progressive.release.stage").tag("release", a.plan.name())
          .tag("stage", "rolled_back").gauge().value()).as(n.id).isEqualTo(1);
    }
    assertThat(a.history()).as("nothing written after the abort").isEqualTo(history);
    assertThatThrownBy(() -> a.plan.advance("alice", "again", true)).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("stage '" + stage + "' (ROLLED_BACK)");
  }
}
