package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.FleetStore;
import dev.progressive.canary.JdbcFleetStore;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.testing.Await;
import dev.progressive.testing.ManualScheduler;
import dev.progressive.testing.MutableClock;
import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.toggles.store.JdbcFlagStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A guarded feature rollout on two instances, each with its own {@link JdbcFlagStore} and {@link JdbcFleetStore}
 * (its own connections, as separate processes have), on one real PostgreSQL, on a controlled clock: promoted when the
 * variants are alike, rolled back when the new one fails four times as often.
 */
@ExtendWith(PostgresExtension.class)
class FeatureRolloutFleetIT {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final List<RolloutInstance> instances = new ArrayList<>();

  @AfterEach
  void close() {
    instances.forEach(RolloutInstance::close);
  }

  private RolloutInstance instance(DataSource db, String prefix, String id) {
    JdbcFlagStore flags = Rig.jdbcFlags(db, prefix);
    FleetStore fleet = JdbcFleetStore.builder(db).tablePrefix(prefix).build();
    RolloutInstance i = new RolloutInstance(id, flags,
        t -> RolloutInstance.rollout(t, id, clock, scheduler::every, fleet));
    instances.add(i);
    return i;
  }

  /** Both serve, a minute passes, and both hear what the driver wrote, until the plan is final or an hour passed. */
  private void run(RolloutInstance a, RolloutInstance b, int callsPerMinute) throws InterruptedException {
    for (int minute = 0; minute < 60 && !a.plan.status().state().isFinal(); minute++) {
      a.serve(callsPerMinute);
      b.serve(callsPerMinute);
      scheduler.advance(MINUTE);
      long version = Math.max(a.plan.status().version(), b.plan.status().version());
      Await.until(() -> a.plan.status().version() >= version && b.plan.status().version() >= version,
          "both instances at plan version " + version);
    }
  }

  @Test
  void aRolloutOfEqualVariantsIsPromotedOnTwoInstancesOfOneDatabase(DataSource db) throws Exception {
    RolloutInstance a = instance(db, "fr1_", "a");
    RolloutInstance b = instance(db, "fr1_", "b");
    a.plan.start("alice", "new checkout deployed");
    Await.until(() -> b.percentOnNew() > 5, "b routing by the first step's weights");

    run(a, b, 20_000);

    Await.until(() -> b.plan.status().state() == ReleaseState.COMPLETED, "b hearing the completion");
    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.COMPLETED);
    Await.until(() -> a.percentOnNew() == 100.0 && b.percentOnNew() == 100.0, "everyone on the new variant");
    List<ReleaseTransition> all = new ArrayList<>(a.transitions);
    all.addAll(b.transitions);
    assertThat(all.stream().filter(t -> t.action() == ReleaseAction.ADVANCE).map(ReleaseTransition::toStage))
        .containsExactly("rollout-50", "rollout-100");
    List<String> audit = Rig.audit(db, "fr1_", RolloutInstance.FLAG);
    assertThat(audit).as("the store's own audit of the flag: each step's weights, with the evidence").hasSize(3);
    assertThat(audit.get(0)).startsWith("alice: ").contains("'new' at 10%");
    assertThat(audit.get(1)).startsWith("release-driver: ").contains("'new' at 50%").contains("verdict PASS")
        .contains("2 instances");
    assertThat(audit.get(2)).contains("'new' at 100%");
  }

  @Test
  void aRolloutWhoseNewVariantFailsFourTimesAsOftenIsRolledBackOnBothInstances(DataSource db) throws Exception {
    RolloutInstance a = instance(db, "fr2_", "a");
    RolloutInstance b = instance(db, "fr2_", "b");
    a.newFailsEvery = 5;
    b.newFailsEvery = 5;
    a.plan.start("alice", "new checkout deployed");
    Await.until(() -> b.percentOnNew() > 5, "b routing by the first step's weights");

    run(a, b, 20_000);

    Await.until(() -> b.plan.status().state() == ReleaseState.ROLLED_BACK, "b hearing the rollback");
    assertThat(a.plan.status().stage()).isEqualTo("rollout-10");
    assertThat(a.plan.status().evidence()).contains("verdict FAIL");
    Await.until(() -> a.percentOnNew() == 0 && b.percentOnNew() == 0, "everyone back on the old variant");
    List<String> audit = Rig.audit(db, "fr2_", RolloutInstance.FLAG);
    assertThat(audit).hasSize(2);
    assertThat(audit.get(1)).startsWith("release-driver: ").contains("'new' at 0%").contains("verdict FAIL");
  }
}
