package dev.progressive.release;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Metric;
import dev.progressive.canary.Verdict;
import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.Mode;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.testing.ManualScheduler;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.FlagStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Instances of one service in one JVM: each with its own toggles, canary, parallel runner and plan, all on one flag
 * store and one fleet store, on one controlled clock and scheduler.
 */
final class Rig implements AutoCloseable {

  static final Duration INTERVAL = Duration.ofMinutes(1);

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

  /** Moves the clock, running every look that falls due. */
  void advance(Duration d) {
    scheduler.advance(d);
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
          .fleet(fleet).instanceId(id).judge(rig.judge()).build();
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
    int calls(int n, dev.progressive.canary.Cohort explicit) {
      int onNew = 0;
      for (int i = 0; i < n; i++) {
        onNew += plan.call("user-" + i, explicit, () -> 0, () -> 1);
      }
      return onNew;
    }
  }
}
