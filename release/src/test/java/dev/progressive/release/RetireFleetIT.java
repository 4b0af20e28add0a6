package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Cohort;
import dev.progressive.canary.JdbcFleetStore;
import dev.progressive.testing.Await;
import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.toggles.store.JdbcFlagStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The retire stage's removal of the plan's flag on a real PostgreSQL, with two instances on their own stores and a
 * third started after the removal: the store's audit keeps the removal, and every instance stays on the new
 * implementation.
 */
@ExtendWith(PostgresExtension.class)
class RetireFleetIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PREFIX = "rf_";

  private static Rig rig(DataSource db) {
    return new Rig(() -> JdbcFlagStore.builder(db).tablePrefix(PREFIX).pollInterval(Duration.ofMillis(200)).build(),
        () -> JdbcFleetStore.builder(db).tablePrefix(PREFIX).build());
  }

  /** Waits for an instance to hear of a change through the store (LISTEN/NOTIFY or polling). */
  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(condition, WAIT, what);
  }

  private static ReleasePlan.Builder blueGreen(Rig.Node n) {
    return n.builder("bg").stage(Stage.preview()).stage(Stage.switchover().keepOld(Duration.ofMinutes(30)))
        .stage(Stage.retire().quietPeriod(Duration.ofHours(1)).removeFlags(true));
  }

  @Test
  void theRemovalIsAuditedInTheStoreAndNoInstanceGoesBackToTheOldImplementation(DataSource db) throws Exception {
    try (Rig rig = rig(db)) {
      Rig.Node a = rig.node("a", n -> n.plan(blueGreen(n)));
      Rig.Node b = rig.node("b", n -> n.plan(blueGreen(n)));
      a.plan.start("alice", "green deployed");
      a.plan.advance("alice", "preview ok", false);
      await(() -> b.plan.status().stage().equals("switch"), "b at the switch");
      rig.advance(Duration.ofMinutes(31));
      await(() -> b.plan.status().stage().equals("retire"), "b at retire");
      rig.advance(Duration.ofMinutes(10));
      b.calls(1, Cohort.BASELINE);          // a tester still reaches the old path
      rig.advance(Duration.ofMinutes(59));
      assertThat(a.toggles.admin().flag("release.bg")).as("not before the quiet period").isPresent();

      rig.advance(Duration.ofMinutes(3));

      for (Rig.Node n : rig.nodes) {
        await(() -> n.toggles.admin().flag("release.bg").isEmpty(), n.id + " hears the removal");
        await(() -> n.plan.status().evidence().contains("its flag was removed"), n.id + " reads it");
        assertThat(n.plan.status().state()).isEqualTo(ReleaseState.COMPLETED);
        assertThat(n.calls(5, null)).as(n.id).isEqualTo(5);
      }
      try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT action, actor, "
          + "reason, after_json FROM " + PREFIX + "flag_audit WHERE flag_key = 'release.bg' ORDER BY id DESC")) {
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("remove-override");
          assertThat(rs.getString(2)).isEqualTo(ReleasePlan.DRIVER);
          assertThat(rs.getString(3)).startsWith("[release remove-flags]");
          assertThat(rs.getString(4)).isNull();
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(3)).as("the completion before it").startsWith("[release complete]");
        }
      }

      Rig.Node late = rig.node("late", n -> n.plan(blueGreen(n)));

      assertThat(late.plan.status().state()).isEqualTo(ReleaseState.COMPLETED);
      assertThat(late.plan.decide("anyone", null)).isEqualTo(Cohort.CANARY);
      assertThat(late.toggles.admin().flag("release.bg")).as("not defined again").isEmpty();
      assertThat(a.plan.decide("anyone", null)).isEqualTo(Cohort.CANARY);
    }
  }
}
