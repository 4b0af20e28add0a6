package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.progressive.canary.event.CanaryTransition;
import dev.progressive.testing.Await;
import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.testing.postgres.PostgresProxy;
import dev.progressive.testing.postgres.TestPostgres;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.JdbcFlagStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several instances, each with its own {@link JdbcFlagStore} and {@link JdbcFleetStore} (its own connections, as
 * separate processes have), on one real PostgreSQL, on controlled clocks: one judgement per look for the fleet.
 */
@ExtendWith(PostgresExtension.class)
class CanaryFleetIT {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration MS_20 = Duration.ofMillis(20);

  private static JdbcFlagStore flags(DataSource db, String prefix) {
    return JdbcFlagStore.builder(db).tablePrefix(prefix).pollInterval(Duration.ofMillis(200))
        .retryWait(Duration.ofMillis(20)).build();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(condition, WAIT, what);
  }

  private static boolean flagStored(DataSource db, String prefix) {
    try (Connection c = db.getConnection();
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM " + prefix
            + "flag_overrides WHERE flag_key = 'canary.pricing'")) {
      rs.next();
      return rs.getInt(1) == 1;
    } catch (java.sql.SQLException e) {
      return false;
    }
  }

  private static CanaryRelease release(long minRequests) {
    return CanaryRelease.builder("pricing")
        .step(5, Duration.ofMinutes(2), minRequests)
        .step(25, Duration.ofMinutes(2), minRequests)
        .step(50, Duration.ofMinutes(2), minRequests)
        .analysisInterval(MINUTE)
        .build();
  }

  private static void awaitAll(Fleet fleet, int step, CanaryState state) throws InterruptedException {
    for (Fleet.Member m : fleet.members) {
      await(() -> m.canary.state() == state && m.canary.step() == step, m.id + " at " + state + " step " + step);
    }
  }

  @Test
  void threeInstancesJudgeTheirPooledWindowsOncePerLookUntilPromoted(DataSource db) throws Exception {
    CanaryRelease release = release(30);
    FleetStore shared = JdbcFleetStore.builder(db).tablePrefix("it1_").build();
    MinimumsJudge[] judges = {new MinimumsJudge(), new MinimumsJudge(), new MinimumsJudge()};
    try (Fleet fleet = new Fleet(null, shared)) {
      Fleet.Member a = fleet.add("a", Duration.ZERO, release, judges[0], flags(db, "it1_"),
          JdbcFleetStore.builder(db).tablePrefix("it1_").build(), b -> {});
      for (String id : List.of("b", "c")) {
        await(() -> flagStored(db, "it1_"), "the canary\'s flag in the database");
        fleet.add(id, Duration.ofSeconds(id.equals("b") ? -5 : 5), release, judges[id.equals("b") ? 1 : 2],
            flags(db, "it1_"), JdbcFleetStore.builder(db).tablePrefix("it1_").build(), b -> {});
      }
      a.canary.start("alice", "v2 deployed");
      awaitAll(fleet, 0, CanaryState.PROGRESSING);
      a.look();
      for (int step = 0; step < 3; step++) {
        for (Fleet.Member m : fleet.members) {
          m.serve(Cohort.BASELINE, 10, 0, MS_20);
          m.serve(Cohort.CANARY, 10, 0, MS_20);
        }
        fleet.advance(MINUTE);
        a.look();
        fleet.advance(MINUTE);
        fleet.members.get(2).look();
        fleet.members.get(1).look();
        a.look();
        if (step < 2) {
          awaitAll(fleet, step + 1, CanaryState.PROGRESSING);
        }
      }
      awaitAll(fleet, -1, CanaryState.PROMOTED);
      assertThat(judges[1].looks).as("b never judged").isEmpty();
      assertThat(judges[2].looks).as("c never judged").isEmpty();
      List<Judge.Look> passing = judges[0].looks.stream().filter(Judge.Look::enoughData).toList();
      assertThat(passing).hasSize(3).allSatisfy(l -> {
        assertThat(l.window().baseline().requests()).isEqualTo(30);
        assertThat(l.window().canary().requests()).isEqualTo(30);
      });
      assertThat(fleet.transitions).extracting(CanaryTransition::action).containsExactly(CanaryAction.START,
          CanaryAction.ADVANCE, CanaryAction.ADVANCE, CanaryAction.PROMOTE);
      List<AuditEntry> audit = a.canary.history(Instant.EPOCH, Instant.now().plus(Duration.ofDays(1)), 100);
      assertThat(audit).extracting(AuditEntry::reason).filteredOn(r -> r.startsWith("[canary advance]")).hasSize(2);
      assertThat(shared.windows(new FleetStore.WindowKey("pricing", 2, 0))).isEmpty();
      try (Connection c = db.getConnection();
          var rs = c.createStatement().executeQuery("SELECT count(*) FROM it1_canary_windows")) {
        rs.next();
        assertThat(rs.getInt(1)).as("the promoted canary's windows are deleted").isZero();
      }
    }
  }

  @Test
  void theLeaseMovesWhenItsHolderDiesAndAnUnreachableInstanceLosesNothing(TestPostgres.Database database)
      throws Exception {
    DataSource db = database.dataSource();
    CanaryRelease release = release(1_000_000);
    FleetStore shared = JdbcFleetStore.builder(db).tablePrefix("it2_").build();
    MinimumsJudge first = new MinimumsJudge();
    MinimumsJudge second = new MinimumsJudge();
    try (PostgresProxy proxy = PostgresProxy.to(database); Fleet fleet = new Fleet(null, shared)) {
      Fleet.Member a = fleet.add("a", Duration.ZERO, release, first, flags(db, "it2_"),
          JdbcFleetStore.builder(db).tablePrefix("it2_").build(), b -> {});
      await(() -> flagStored(db, "it2_"), "the canary\'s flag in the database");
      Fleet.Member b = fleet.add("b", Duration.ZERO, release, second, flags(db, "it2_"),
          JdbcFleetStore.builder(db).tablePrefix("it2_").build(), x -> {});
      Fleet.Member c = fleet.add("c", Duration.ZERO, release, new MinimumsJudge(), flags(db, "it2_"),
          JdbcFleetStore.builder(proxy.dataSource()).tablePrefix("it2_").build(), x -> {});
      a.canary.start("alice", "go");
      awaitAll(fleet, 0, CanaryState.PROGRESSING);
      a.look();
      a.serve(Cohort.CANARY, 10, 0, MS_20);
      c.serve(Cohort.CANARY, 7, 0, MS_20);
      fleet.advance(MINUTE);
      c.look();
      b.look();
      a.look();
      assertThat(first.looks.get(first.looks.size() - 1).window().canary().requests()).isEqualTo(17);

      proxy.cut();
      c.serve(Cohort.CANARY, 5, 2, MS_20);
      fleet.advance(MINUTE);
      assertThatCode(c::look).doesNotThrowAnyException();
      assertThat(c.canary.fleetStatus().publishError()).isNotEmpty();
      // a dies here: it looks no more; b takes over within two intervals
      b.look();
      assertThat(second.looks).isEmpty();
      fleet.advance(MINUTE);
      b.look();
      assertThat(second.looks).hasSize(1);
      assertThat(second.looks.get(0).window().canary().requests())
          .as("c's window is missing its new requests, not zero").isEqualTo(17);

      proxy.restore();
      fleet.advance(MINUTE);
      c.look();
      c.look();
      b.look();
      assertThat(second.looks.get(1).window().canary().requests()).as("all of c's requests, once").isEqualTo(22);
      assertThat(second.looks.get(1).window().canary().errors()).isEqualTo(2);
      assertThat(c.canary.fleetStatus().publishError()).isEmpty();
    }
  }

  @Test
  void aRowOfAnUnknownFormatIsSkippedAndTheTablesAreCreatedIfMissing(DataSource db) throws Exception {
    CanaryRelease release = release(1_000_000);
    MinimumsJudge judge = new MinimumsJudge();
    try (Fleet fleet = new Fleet(null, JdbcFleetStore.builder(db).tablePrefix("it3_").build())) {
      Fleet.Member a = fleet.add("a", Duration.ZERO, release, judge, flags(db, "it3_"),
          JdbcFleetStore.builder(db).tablePrefix("it3_").build(), b -> {});
      a.canary.start("alice", "go");
      a.serve(Cohort.CANARY, 3, 0, MS_20);
      a.look();
      try (Connection c = db.getConnection();
          PreparedStatement ps = c.prepareStatement("INSERT INTO it3_canary_windows (canary, step, step_started_at, "
              + "instance, format, payload, published_at) VALUES ('pricing', 0, ?, 'pod-v9', 9, ?, 0)")) {
        ps.setLong(1, Fleet.T0.toEpochMilli());
        ps.setBytes(2, new byte[] {42});
        ps.executeUpdate();
      }
      fleet.advance(MINUTE);
      a.look();
      assertThat(judge.looks.get(judge.looks.size() - 1).window().canary().requests()).isEqualTo(3);
      assertThat(a.canary.fleetStatus().skippedInstances()).containsExactly("pod-v9");
    }
  }
}
