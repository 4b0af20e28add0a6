package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.Cohort;
import dev.progressive.toggles.store.AuditEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retire stage's option to remove the plan's flag from the store once the old implementation can be removed: only
 * after the quiet period, audited, with routing on the new implementation on every instance, including one started
 * after the removal; and nothing removed without the option.
 */
class RetireTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final String FLAG = "release.bg";

  private final Rig rig = new Rig();

  @AfterEach
  void close() {
    rig.close();
  }

  private static ReleasePlan.Builder blueGreen(Rig.Node n, boolean removeFlags) {
    return n.builder("bg").stage(Stage.preview())
        .stage(Stage.switchover().keepOld(Duration.ofMinutes(30)))
        .stage(Stage.retire().quietPeriod(Duration.ofHours(1)).removeFlags(removeFlags));
  }

  private Rig.Node node(String id, boolean removeFlags) {
    return rig.node(id, n -> n.plan(blueGreen(n, removeFlags)));
  }

  /** Starts the plan on {@code a} and brings it to the retire stage, someone reaching the old path on {@code b}. */
  private void toRetire(Rig.Node a, Rig.Node b) {
    a.plan.start("alice", "green deployed");
    a.plan.advance("alice", "preview looks right", false);
    rig.advance(Duration.ofMinutes(30));
    assertThat(a.plan.status().stage()).isEqualTo("retire");
    rig.advance(Duration.ofMinutes(10));
    b.calls(1, Cohort.BASELINE);          // a tester still reaches the old path
  }

  private static boolean stored(Rig.Node n) {
    return n.toggles.admin().flag(FLAG).isPresent();
  }

  @Test
  void theFlagIsRemovedOnlyAfterTheQuietPeriodAuditedAndEveryoneStaysOnTheNewImplementation() {
    Rig.Node a = node("a", true);
    Rig.Node b = node("b", true);
    toRetire(a, b);

    rig.advance(Duration.ofMinutes(59));
    assertThat(a.plan.status().state()).as("quiet for 59 of 60 minutes").isEqualTo(ReleaseState.RUNNING);
    assertThat(stored(a)).as("nothing removed before the quiet period").isTrue();
    rig.advance(Duration.ofMinutes(2));

    assertThat(stored(a)).isFalse();
    assertThat(stored(b)).isFalse();
    for (Rig.Node n : rig.nodes) {
      assertThat(n.plan.status().state()).as(n.id).isEqualTo(ReleaseState.COMPLETED);
      assertThat(n.plan.status().oldImplementationRemovable()).isTrue();
      assertThat(n.plan.status().evidence()).as(n.id).contains("its flag was removed by release-driver")
          .contains("the old implementation can be removed");
      assertThat(n.plan.decide("anyone", null)).as(n.id).isEqualTo(Cohort.CANARY);
      assertThat(n.calls(10, null)).as(n.id + ": everyone on the new implementation").isEqualTo(10);
      assertThat(n.registry.get("progressive.release.stage").tag("release", "bg").tag("stage", "completed")
          .gauge().value()).isEqualTo(1);
    }
    List<AuditEntry> history = a.plan.history(Instant.EPOCH, Instant.MAX, 100);
    AuditEntry removal = history.get(history.size() - 1);
    assertThat(removal.actor()).isEqualTo(ReleasePlan.DRIVER);
    assertThat(removal.action()).isEqualTo("remove-override");
    assertThat(removal.reason()).startsWith("[release remove-flags]").contains("the old implementation can be removed");
    assertThat(removal.after()).as("the flag no longer exists").isNull();
    assertThat(history.get(history.size() - 2).reason()).as("the completion came first").contains("[release complete]");
    assertThat(a.toggles.admin().flag("canary.pricing")).as("the canary's flag stays: it has no way to go")
        .isPresent();

    rig.advance(Duration.ofHours(2));
    assertThat(stored(a)).as("later looks do not define it again").isFalse();
    assertThat(a.plan.history(Instant.EPOCH, Instant.MAX, 100)).hasSize(history.size());
    assertThatThrownBy(() -> b.plan.abort("bob", "too late")).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("the plan is final");
  }

  @Test
  void anInstanceStartedAfterTheRemovalKnowsThePlanAsCompletedAndRoutesToTheNewImplementation() {
    Rig.Node a = node("a", true);
    Rig.Node b = node("b", true);
    toRetire(a, b);
    rig.advance(Duration.ofMinutes(61));
    assertThat(stored(a)).isFalse();

    Rig.Node late = node("late", true);

    assertThat(stored(late)).as("not defined again at PENDING").isFalse();
    assertThat(late.plan.status().state()).isEqualTo(ReleaseState.COMPLETED);
    assertThat(late.plan.status().stage()).isEqualTo("retire");
    assertThat(late.plan.decide("anyone", null)).isEqualTo(Cohort.CANARY);
    assertThat(late.calls(10, null)).isEqualTo(10);
    assertThat(a.plan.decide("anyone", null)).as("and nobody else hears of a new definition").isEqualTo(Cohort.CANARY);
    assertThatThrownBy(() -> late.plan.start("carol", "again")).isInstanceOf(ReleaseActionException.class)
        .hasMessageContaining("only a pending plan can be started");
  }

  @Test
  void withoutTheOptionNothingIsRemoved() {
    Rig.Node a = node("a", false);
    Rig.Node b = node("b", false);
    toRetire(a, b);

    rig.advance(Duration.ofHours(3));

    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.COMPLETED);
    assertThat(a.plan.status().evidence()).contains("the old implementation can be removed");
    assertThat(stored(a)).isTrue();
    assertThat(stored(b)).isTrue();
    assertThat(a.plan.history(Instant.EPOCH, Instant.MAX, 100)).noneMatch(e -> e.reason().contains("remove-flags"));
  }

  @Test
  void aForcedAdvancePastTheRetireGateProvesNothingAndRemovesNothing() {
    Rig.Node a = node("a", true);
    Rig.Node b = node("b", true);
    toRetire(a, b);

    a.plan.advance("alice", "we are sure", true);
    rig.advance(MINUTE.multipliedBy(5));

    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.COMPLETED);
    assertThat(a.plan.status().evidence()).startsWith("forced by alice");
    assertThat(stored(a)).as("the quiet period was not seen: the flag stays").isTrue();
    assertThat(b.plan.decide("anyone", null)).isEqualTo(Cohort.CANARY);
  }

  @Test
  void theOptionBelongsToTheRetireStage() {
    assertThatThrownBy(() -> Stage.switchover().removeFlags(true))
        .hasMessageContaining("removeFlags does not apply to a switch stage");
    assertThat(Stage.retire().build().removeFlags()).isFalse();
    assertThat(Stage.retire().removeFlags(true).build().removeFlags()).isTrue();
  }
}
