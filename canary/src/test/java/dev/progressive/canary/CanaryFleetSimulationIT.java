package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.FleetSimulator.Summary;
import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.toggles.store.JdbcFlagStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fleet simulation on the real PostgreSQL: every instance has its own {@link JdbcFlagStore} (with its LISTEN
 * connection) and its own {@link JdbcFleetStore}, as separate processes would. The build runs N = 3, two rollouts;
 * {@code -Dcanary.fleet.simulation=full} runs N = 10, 10 rollouts, and reports the most connections the database saw.
 */
@ExtendWith(PostgresExtension.class)
class CanaryFleetSimulationIT {

  private static final boolean FULL = "full".equals(System.getProperty("canary.fleet.simulation"));

  @Test
  void aFleetOnPostgresJudgesAsOne(DataSource db) {
    int instances = FULL ? 10 : 3;
    int rollouts = FULL ? 10 : 2;
    AtomicInteger peak = new AtomicInteger();
    System.out.println(Summary.header());
    for (FleetSimulator.Scenario scenario : new FleetSimulator.Scenario[] {FleetSimulator.EQUAL,
        FleetSimulator.ERRORS_X4}) {
      Summary s = FleetSimulator.run(scenario, instances, 100, "PostgreSQL", () -> FleetSimulator.each(
          i -> JdbcFlagStore.builder(db).tablePrefix("sim_").pollInterval(Duration.ofSeconds(5)).build(),
          i -> JdbcFleetStore.builder(db).tablePrefix("sim_").build(),
          () -> peak.accumulateAndGet(connections(db), Math::max)), rollouts);
      System.out.println(s.row());
      assertThat(s.doubleTransitions()).isZero();
      if (scenario == FleetSimulator.ERRORS_X4) {
        assertThat(s.promoted()).isZero();
      }
    }
    System.out.println("most connections to the database at once: " + peak.get() + " (" + instances
        + " instances)");
    assertThat(peak.get()).isGreaterThanOrEqualTo(instances);
  }

  private static int connections(DataSource db) {
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")) {
      rs.next();
      return rs.getInt(1) - 1;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
