package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.JdbcFleetStore;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Metric;
import dev.progressive.canary.Verdict;
import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.Mode;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.testing.Await;
import dev.progressive.testing.ManualScheduler;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.JdbcFlagStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Instances of one service in one JVM: each with its own toggles, canary, parallel runner and plan, all on one flag
 * store and one fleet store (or, {@link #onPostgres on PostgreSQL}, stores of their own on one database), on one
 * controlled clock and scheduler.
 */
final class Rig implements AutoCloseable {

  static final Duration INTERVAL = Duration.ofMinutes(1);
  /** A key on every instance's canary allow-list: a tester who reaches the new implementation without a header. */
  static final String ALLOW_LISTED = "allow-listed-tester";

  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  private final Supplier<FlagStore> flags;
  private final Supplier<FleetStore> fleet;
  /** What the scripted judge answers at every look. */
  volatile Verdict.Result verdict = Verdict.Result.INCONCLUSIVE;
  final List<Node> nodes = new ArrayList<>();
  private final boolean dryRun;

  Rig() {
    this(false);
  }

  Rig(boolean dryRun) {
    FlagStore shared = new SharedFlagStore(clock);
    FleetStore sharedFleet = FleetStore.inMemory();
    this.flags = () -> shared;
    this.fleet = () -> sharedFleet;
    this.dryRun = dryRun;
  }

  /** Instances with stores of their own (their own connections, as separate processes have) on one database. */
  Rig(Supplier<FlagStore> flags, Supplier<FleetStore> fleet) {
    this.flags = flags;
    this.fleet = fleet;
    this.dryRun = false;
  }

  /**
   * Instances with stores of their own (their own connections, as separate processes have) on one real PostgreSQL
   * database: a {@link JdbcFlagStore} and a {@link JdbcFleetStore} each, their tables named with {@code prefix}.
   */
  static Rig onPostgres(DataSource db, String prefix) {
    return new Rig(() -> jdbcFlags(db, prefix), () -> JdbcFleetStore.builder(db).tablePrefix(prefix).build());
  }

  /** One instance's flag store on the database: polling and circuit breaker quick enough for a test. */
  static JdbcFlagStore jdbcFlags(DataSource db, String prefix) {
    return JdbcFlagStore.builder(db).tablePrefix(prefix).pollInterval(Duration.ofMillis(200))
        .retryWait(Duration.ofMillis(20)).circuitOpenWait(Duration.ofMillis(200)).build();
  }

  /** A flag's audit as the database holds it, oldest first: "actor: reason" (the store's record, not an instance's). */
  static List<String> audit(DataSource db, String prefix, String flagKey) throws SQLException {
    List<String> entries = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT actor, reason FROM " + prefix + "flag_audit WHERE "
            + "flag_key = ? ORDER BY id")) {
      ps.setString(1, flagKey);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          entries.add(rs.getString(1) + ": " + rs.getString(2));
        }
      }
    }
    return entries;
  }

  CanaryRelease release() {
    return CanaryRelease.builder("pricing").step(50, Duration.ZERO, 1).metric(Metric.errorRate())
        .analysisInterval(INTERVAL).dryRun(dryRun).build();
  }

  Judge judge() {
    return look -> new Verdict(verdict, List.of(), look.window().baseline().requests(),
        look.window().canary().requests(), verdict + " (scripted)", look.now());
  }

  /** A new instance whose plan is built by {@code plan} from a builder with the instance's parts set. */
  Node node(String id, Consumer<Node> plan) {
    Node n = new Node(this, id);
    plan.accept(n);
    nodes.add(n);
    return n;
  }

  /**
   * Two instances on PostgreSQL ({@link #onPostgres}), {@link #a()} and {@link #b()}, with the same plan; a starts it,
   * and both have heard of the start. Closed again if that fails.
   */
  static Rig startedOnTwo(DataSource db, String prefix, Function<Node, ReleasePlan.Builder> plan)
      throws InterruptedException {
    Rig rig = onPostgres(db, prefix);
    try {
      Node a = rig.node("a", n -> n.plan(plan.apply(n)));
      rig.node("b", n -> n.plan(plan.apply(n)));
      a.plan.start("alice", "v2 deployed");
      rig.awaitAgreement();
      return rig;
    } catch (InterruptedException | RuntimeException | Error e) {
      rig.close();
      throw e;
    }
  }

  /** The first instance. */
  Node a() {
    return nodes.get(0);
  }

  /** The second instance. */
  Node b() {
    return nodes.get(1);
  }

  /** The plan's last transition in the store's history, which every instance reads alike through its own store. */
  String lastTransition() {
    List<String> first = nodes.get(0).history();
    for (Node n : nodes) {
      assertThat(n.history()).as(n.id + "'s read of the history").isEqualTo(first);
    }
    return first.get(first.size() - 1);
  }

  /** Moves the clock, running every look that falls due. */
  void advance(Duration d) {
    scheduler.advance(d);
  }

  /**
   * {@code n} intervals, one at a time: every look due runs, then every instance hears the newest plan state any of
   * them has before the next interval, so that each one's calls count in the stage the driver is at.
   */
  void ticks(int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      advance(INTERVAL);
      awaitAgreement();
    }
  }

  /** Intervals one at a time until {@code done}, at most {@code max}; fails naming {@code what} if it never is. */
  void ticksUntil(BooleanSupplier done, int max, String what) throws InterruptedException {
    for (int i = 0; i < max && !done.getAsBoolean(); i++) {
      ticks(1);
    }
    if (!done.getAsBoolean()) {
      throw new AssertionError(what + " did not happen within " + max + " intervals");
    }
  }

  /** Waits until every instance has heard the newest plan state that any of them has. */
  void awaitAgreement() throws InterruptedException {
    long newest = nodes.stream().mapToLong(n -> n.plan.status().version()).max().orElse(0);
    for (Node n : nodes) {
      Await.until(() -> n.plan.status().version() >= newest, n.id + " at plan version " + newest);
    }
  }

  /** Waits until every instance's plan is at the stage. */
  void awaitStage(String stage) throws InterruptedException {
    for (Node n : nodes) {
      Await.until(() -> n.plan.status().stage().equals(stage), n.id + " at stage " + stage);
    }
  }

  /** Waits until every instance's plan is in the state. */
  void awaitState(ReleaseState state) throws InterruptedException {
    for (Node n : nodes) {
      Await.until(() -> n.plan.status().state() == state, n.id + " " + state);
    }
  }

  /** Waits until every instance's canary is in the state. */
  void awaitCanary(CanaryState state) throws InterruptedException {
    for (Node n : nodes) {
      Await.until(() -> n.canary.state() == state, n.id + "'s canary " + state);
    }
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      if (n.plan != null) {
        n.plan.close();
      }
      n.canary.close();
      n.runner.close();
      n.toggles.close();
    }
  }

  static final class Node {
    final Rig rig;
    final String id;
    final Toggles toggles;
    final FleetStore fleet;
    final Canary canary;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ParallelRunner runner;
    final Experiment<Integer, Integer, Integer> experiment;
    /** What the new implementation answers in the experiment: the input plus this. */
    volatile int candidateOffset;
    /** Whether the comparator throws: the comparison is then a CANDIDATE_ERROR. */
    volatile boolean comparatorThrows;
    final List<ReleaseTransition> transitions = new CopyOnWriteArrayList<>();
    ReleasePlan plan;

    Node(Rig rig, String id) {
      this.rig = rig;
      this.id = id;
      this.toggles = Toggles.builder().store(rig.flags.get()).clock(rig.clock).build();
      this.fleet = rig.fleet.get();
      this.canary = Canary.builder(rig.release(), toggles).clock(rig.clock).scheduler(rig.scheduler::every)
          .fleet(fleet).instanceId(id).judge(rig.judge()).allow(ALLOW_LISTED, Cohort.CANARY).build();
      this.runner = ParallelRunner.builder().name(id).clock(rig.clock).build();
      this.experiment = Experiment.<Integer, Integer, Integer>builder("pricing", runner).mode(Mode.SEQUENTIAL)
          .control(x -> x)
          .candidate("v2", x -> x + candidateOffset)
          .comparator((c, v) -> {
            if (comparatorThrows) {
              throw new IllegalStateException("the comparator failed");
            }
            return c.equals(v);
          })
          .build();
    }

    ReleasePlan.Builder builder(String name) {
      return ReleasePlan.builder(name, toggles, canary).clock(rig.clock).scheduler(rig.scheduler::every).fleet(fleet)
          .instanceId(id).meterRegistry(registry);
    }

    void plan(ReleasePlan.Builder b) {
      plan = b.build();
      plan.onTransition(transitions::add);
    }

    /** Runs the experiment {@code n} times. */
    void compare(int n) throws Exception {
      for (int i = 0; i < n; i++) {
        experiment.run(i);
      }
    }

    /** {@code n} calls with an explicit cohort, through the plan; returns how many the new implementation served. */
    int calls(int n, Cohort explicit) {
      int onNew = 0;
      for (int i = 0; i < n; i++) {
        onNew += plan.call("user-" + i, explicit, () -> 0, () -> 1);
      }
      return onNew;
    }

    /** One call of the allow-listed tester, without a header; whether the new implementation served it. */
    boolean allowListedCall() {
      return plan.call(ALLOW_LISTED, null, () -> false, () -> true);
    }

    /** The plan's transitions as this instance reads them from its store, oldest first: "actor: reason". */
    List<String> history() {
      return plan.history(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"), 100)
          .stream().map(e -> e.actor() + ": " + e.reason()).toList();
    }
  }
}
