package dev.progressive.canary;

import dev.progressive.canary.event.CanaryTransition;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.store.FlagStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A fleet of N real {@link Canary} instances in one JVM, each with its own toggles and clock, on one shared flag store
 * and one shared {@link FleetStore}: the fleet's traffic is split evenly between the instances, every request is
 * routed by the instance's weight and recorded through {@link Canary#record}, and every instance publishes its window
 * four times a minute and looks once a minute (in a random order), as its scheduler would. Counts how rollouts end
 * and how long they take.
 */
final class FleetSimulator {

  static final Duration INTERVAL = Duration.ofMinutes(1);
  static final Duration MAX_TIME = Duration.ofHours(6);
  /** Baseline latency: log-normal, median 60 ms, sigma 0.5; 0.5% errors. */
  static final double MEDIAN_MS = 60;
  static final double SIGMA = 0.5;
  static final double BASELINE_ERRORS = 0.005;

  /**
   * What the canary does differently: its error rate, a share of its requests made slower by a factor, and a factor
   * on all its latencies.
   */
  record Scenario(String id, String description, double canaryErrors, double slowShare, double slowFactor,
      double latencyFactor) {
    Scenario(String id, String description, double canaryErrors, double slowShare, double slowFactor) {
      this(id, description, canaryErrors, slowShare, slowFactor, 1);
    }
  }

  static final Scenario EQUAL = new Scenario("equal", "canary equal to baseline", BASELINE_ERRORS, 0, 1);
  static final Scenario ERRORS_X4 = new Scenario("errors x4", "canary errors 2% vs 0.5%", 0.02, 0, 1);
  static final Scenario ERRORS_X2 = new Scenario("errors x2", "canary errors 1% vs 0.5%", 0.01, 0, 1);
  static final Scenario WITHIN = new Scenario("within allowance", "latency +3%, errors +5%", BASELINE_ERRORS * 1.05,
      0, 1, 1.03);
  static final Scenario BETWEEN = new Scenario("errors +30%", "between the allowed +10% and the margin +50%",
      BASELINE_ERRORS * 1.3, 0, 1);
  static final Scenario TAIL = new Scenario("p99 tail", "3% of canary requests 10x slower, same median",
      BASELINE_ERRORS, 0.03, 10);

  /** The release of the rollouts at 1,200 requests/s: steps 5, 25 and 50%, the default metrics. */
  static CanaryRelease release(String name) {
    return release(name, 1_200);
  }

  /**
   * The release of the rollouts at a fleet traffic, built as docs/canary.md tells a service of that traffic, with
   * {@code expectedTraffic} so that {@code build()} checks that every step can decide in time. From 600 requests/s:
   * steps 5, 25 and 50%, each at least 5 minutes, {@code maxInconclusive} 30 minutes. Below (a low-traffic service):
   * fewer and larger steps, 25 and 50%, and {@code maxInconclusive} 60 minutes; at 100 requests/s the 5% step of
   * the other would need over 2 hours to pass 99 equal canaries in 100, and {@code build()} refuses it.
   */
  static CanaryRelease release(String name, int perSecond) {
    CanaryRelease.Builder b = CanaryRelease.builder(name).analysisInterval(INTERVAL)
        .expectedTraffic(perSecond, BASELINE_ERRORS);
    if (perSecond >= 600) {
      b.step(5, Duration.ofMinutes(5), 1_000).step(25, Duration.ofMinutes(5), 1_000)
          .step(50, Duration.ofMinutes(5), 1_000).maxInconclusive(Duration.ofMinutes(30));
    } else {
      b.step(25, Duration.ofMinutes(5), 1_000).step(50, Duration.ofMinutes(5), 1_000)
          .maxInconclusive(Duration.ofMinutes(60));
    }
    return b.build();
  }

  /** Where one rollout's instances keep their state: a fresh flag store and fleet store per instance or shared. */
  interface Stores {
    FlagStore flags(int instance);

    FleetStore fleet(int instance);

    /** Called once a simulated minute, after every instance looked. */
    default void minute() {}

    default void close() {}
  }

  /** How one rollout ended. */
  record Rollout(CanaryState state, Duration took, int transitions, boolean doubleTransition, boolean timedOut) {}

  /** How the rollouts of one configuration ended. */
  record Summary(Scenario scenario, int instances, int perSecond, String store, int rollouts, int promoted,
      int rolledBack, Duration medianTime, int doubleTransitions, double meanMinutes, long maxMinutes,
      int timedOut) {
    String row() {
      return String.format(Locale.ROOT, "| %s | %s | %d | %,d | %d | %.1f%% | %.1f%% | %.1f%% | %d min | %.1f min | "
          + "%d min | %d |", scenario.id(), store, instances, perSecond, rollouts, 100.0 * promoted / rollouts,
          100.0 * rolledBack / rollouts, 100.0 * timedOut / rollouts, medianTime.toMinutes(), meanMinutes,
          maxMinutes, doubleTransitions);
    }

    static String header() {
      return "| scenario | store | instances | fleet requests/s | rollouts | promoted | rolled back | of which timed "
          + "out | median time to decide | mean | longest | double transitions |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|";
    }
  }

  static Summary run(Scenario scenario, int instances, int perSecond, String storeName,
      Supplier<Stores> stores, int rollouts) {
    return run(scenario, instances, perSecond, storeName, stores, rollouts, false);
  }

  /**
   * @param killHolder whether the instance holding the analysis lease dies at a random minute of each rollout (it
   *     serves and looks no more; the others take its traffic)
   */
  static Summary run(Scenario scenario, int instances, int perSecond, String storeName,
      Supplier<Stores> stores, int rollouts, boolean killHolder) {
    int promoted = 0;
    int rolledBack = 0;
    int doubles = 0;
    int timedOut = 0;
    long[] minutes = new long[rollouts];
    for (int r = 0; r < rollouts; r++) {
      Stores s = stores.get();
      try {
        // the same seeds for every N: the fleet draws the same requests in the same order, so that what differs
        // between fleet sizes is the fleet, not the luck of the draw
        Rollout rollout = rollout(scenario, instances, perSecond, s, 7_919L * (r + 1), killHolder);
        promoted += rollout.state() == CanaryState.PROMOTED ? 1 : 0;
        rolledBack += rollout.state() == CanaryState.ROLLED_BACK ? 1 : 0;
        doubles += rollout.doubleTransition() ? 1 : 0;
        timedOut += rollout.timedOut() ? 1 : 0;
        minutes[r] = rollout.took().toMinutes();
      } finally {
        s.close();
      }
    }
    Arrays.sort(minutes);
    return new Summary(scenario, instances, perSecond, storeName, rollouts, promoted, rolledBack,
        Duration.ofMinutes(minutes[rollouts / 2]), doubles, Arrays.stream(minutes).average().orElse(0),
        minutes[rollouts - 1], timedOut);
  }

  static Rollout rollout(Scenario scenario, int instances, int perSecond, Stores stores, long seed,
      boolean killHolder) {
    SplittableRandom random = new SplittableRandom(seed);
    CanaryRelease release = release("sim-" + scenario.id().replaceAll("[^a-z0-9]+", "-") + "-" + perSecond + "-"
        + Long.toHexString(seed), perSecond);
    try (Fleet fleet = new Fleet(null, null)) {
      for (int i = 0; i < instances; i++) {
        fleet.add("i" + i, Duration.ZERO, release, Judge.statistical(), stores.flags(i), stores.fleet(i), b -> {});
      }
      List<Fleet.Member> order = new ArrayList<>(fleet.members);
      List<Fleet.Member> alive = new ArrayList<>(fleet.members);
      // a random minute before the rollout would end: within 14 minutes for an equal canary (15 to promote), within
      // 2 for a regression (caught within 1 to 4)
      boolean regression = scenario.canaryErrors() > BASELINE_ERRORS || scenario.slowShare() > 0;
      long killAt = killHolder ? 1 + random.nextInt(regression ? 2 : 14) : -1;
      awaitAgreement(fleet.members);
      alive.get(0).canary.start("simulator", "rollout " + seed);
      long perMinute = perSecond * 60L;
      int minutes = 0;
      while (!alive.get(0).canary.state().isFinal() && minutes < MAX_TIME.toMinutes()) {
        if (minutes == killAt && alive.size() > 1) {
          alive.removeIf(m -> m.canary.fleetStatus().leaseHolder());
          order.retainAll(alive);
        }
        // Each instance ticks PUBLISHES_PER_LOOK times a minute, as its scheduler would: it publishes at every
        // tick and looks at the last one of the minute; the instances tick in a random order.
        int ticks = dev.progressive.canary.internal.CanaryController.PUBLISHES_PER_LOOK;
        for (int t = 0; t < ticks; t++) {
          long inTick = perMinute * (t + 1) / ticks - perMinute * t / ticks;
          for (int i = 0; i < alive.size(); i++) {
            long share = inTick / alive.size() + (i < inTick % alive.size() ? 1 : 0);
            serve(alive.get(i), share, scenario, random);
          }
          fleet.advance(INTERVAL.dividedBy(ticks));
          Collections.shuffle(order, new java.util.Random(random.nextLong()));
          for (Fleet.Member m : order) {
            if (t == ticks - 1) {
              m.look();
            } else {
              m.publish();
            }
          }
        }
        minutes++;
        awaitAgreement(alive);
        stores.minute();
      }
      List<CanaryTransition> automatic = fleet.transitions.stream()
          .filter(t -> t.actor().equals(Canary.CONTROLLER)).toList();
      boolean doubled = automatic.stream().map(t -> t.action() + "@" + t.step()).distinct().count()
          != automatic.size();
      boolean timedOut = !automatic.isEmpty() && automatic.get(automatic.size() - 1).action() == CanaryAction.ROLLBACK
          && automatic.get(automatic.size() - 1).reason().startsWith("inconclusive for longer than");
      return new Rollout(alive.get(0).canary.state(), Duration.ofMinutes(minutes), fleet.transitions.size(),
          doubled, timedOut);
    }
  }

  /**
   * Waits until every instance has heard of the newest state (at once on the in-memory store, by NOTIFY on
   * PostgreSQL): the instance that made the last transition has it, so when all agree, all have it.
   */
  private static void awaitAgreement(List<Fleet.Member> members) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Object signal = new Object();
    while (members.stream().map(m -> m.canary.state() + "/" + m.canary.step()).distinct().count() > 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the instances disagree for a minute: " + members.stream()
            .map(m -> m.id + "=" + m.canary.state() + "/" + m.canary.step()).toList());
      }
      synchronized (signal) {
        try {
          signal.wait(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static void serve(Fleet.Member m, long requests, Scenario scenario, SplittableRandom random) {
    double weight = m.canary.weight() / (double) CanaryRelease.BUCKETS;
    double mu = Math.log(MEDIAN_MS);
    for (long k = 0; k < requests; k++) {
      boolean canary = random.nextDouble() < weight;
      double millis = Math.exp(mu + SIGMA * gaussian(random));
      boolean error;
      if (canary) {
        millis *= scenario.latencyFactor();
        if (scenario.slowShare() > 0 && random.nextDouble() < scenario.slowShare()) {
          millis *= scenario.slowFactor();
        }
        error = random.nextDouble() < scenario.canaryErrors();
      } else {
        error = random.nextDouble() < BASELINE_ERRORS;
      }
      m.canary.record(canary ? Cohort.CANARY : Cohort.BASELINE, Duration.ofNanos((long) (millis * 1e6)),
          error ? CallOutcome.ERROR : CallOutcome.SUCCESS);
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u;
    double v;
    double s;
    do {
      u = random.nextDouble() * 2 - 1;
      v = random.nextDouble() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2 * Math.log(s) / s);
  }

  /** One shared in-memory flag store and fleet store for the whole fleet. */
  static Stores inMemory() {
    FleetStore shared = FleetStore.inMemory();
    SharedFlagStore flags = new SharedFlagStore(new MutableClock(Fleet.T0));
    return new Stores() {
      @Override
      public FlagStore flags(int instance) {
        return flags;
      }

      @Override
      public FleetStore fleet(int instance) {
        return shared;
      }
    };
  }

  /** Per instance, a store made by the given factories (its own connections); {@code minute} samples the load. */
  static Stores each(IntFunction<FlagStore> flags, IntFunction<FleetStore> fleet, Runnable minute) {
    return new Stores() {
      @Override
      public FlagStore flags(int instance) {
        return flags.apply(instance);
      }

      @Override
      public FleetStore fleet(int instance) {
        return fleet.apply(instance);
      }

      @Override
      public void minute() {
        minute.run();
      }
    };
  }
}
