package dev.progressive.release;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryScheduler;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.FleetStore;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.release.internal.PlanDriver;
import dev.progressive.release.internal.ReleaseMetrics;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A release plan: the whole path of one new implementation, from a dark deploy to retiring the old one, as an ordered
 * list of {@link Stage stages}, driven by one instance of the fleet and seen alike by all.
 *
 * <pre>{@code
 * ReleasePlan plan = ReleasePlan.builder("pricing-v2", toggles, canary)   // canary: old = baseline, new = canary
 *     .stage(Stage.dark().minSuccessfulCalls(50))
 *     .stage(Stage.verify(runner, "pricing").minComparisons(1_000).minMatchRate(0.99))
 *     .stage(Stage.canary())
 *     .stage(Stage.approval())
 *     .stage(Stage.retire().quietPeriod(Duration.ofHours(24)))
 *     .fleet(fleetStore).instanceId(podName).scheduler(CanaryScheduler.of(executor)).meterRegistry(registry)
 *     .build();
 * plan.start("alice", "v2 is deployed");
 * Price price = plan.call(customerId, headerCohort, () -> oldPricing.price(cart), () -> newPricing.price(cart));
 * }</pre>
 *
 * <p><b>State.</b> The plan's state (state, stage, when the stage began, the last transition's evidence) is the flag
 * {@code release.<name>} in the toggles store, so every instance that shares the store routes alike. Every
 * transition is one compare-and-set on the flag's version with its audit entry (actor, reason, evidence), or nothing:
 * two instances or operators never both make one. {@link #history} reads the audit.
 *
 * <p><b>One driver.</b> At every interval each instance publishes what it counted in the current stage to the
 * {@link FleetStore} (the canary's store of windows and leases), and the one instance holding the plan's driver lease
 * (a lease row like a canary's analysis lease) pools the counts, checks the gate, and alone advances or rolls back.
 *
 * <p><b>Routing.</b> {@link #decide} and {@link #call} route by the state in force: before the start and after a
 * rollback everyone gets the old implementation (explicit cohorts included); in the stages before the promotion the
 * canary routes (weight 0 in dark and verify, so only explicit cohorts reach the new one); from a switch stage, after
 * a canary stage, and once completed, everyone gets the new one unless their explicit cohort says otherwise. A
 * rollback is one write of the flag, heard by every instance at once; while the store cannot be reached, routing keeps
 * the last state and actions fail with the store's exception, having written nothing.
 *
 * <p>Thread-safe.
 */
public final class ReleasePlan implements AutoCloseable {

  /** The actor of automatic transitions. */
  public static final String DRIVER = PlanDriver.DRIVER;

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  private final String name;
  private final List<Stage> stages;
  private final Canary canary;
  private final Toggles toggles;
  private final PlanDriver driver;
  private final AutoCloseable schedule;

  private ReleasePlan(Builder b) {
    this.name = b.name;
    this.stages = List.copyOf(b.stages);
    this.canary = b.canary;
    this.toggles = b.toggles;
    this.driver = new PlanDriver(new PlanDriver.Setup(name, stages, canary, toggles,
        b.fleet != null ? b.fleet : FleetStore.inMemory(),
        b.instanceId != null ? b.instanceId : UUID.randomUUID().toString(), b.clock, b.interval, b.registry));
    this.schedule = b.scheduler == null ? null : b.scheduler.every(b.interval, driver::lookSafely);
  }

  /**
   * Starts building a guarded feature rollout: a plan of {@link Stage#featureRollout} steps (and approvals) that
   * drives a flag's {@code fractional} weights instead of a canary. The flag routes, so {@link #decide} and
   * {@link #call} do not apply; the calls served under each variant are recorded through
   * {@link dev.progressive.toggles.VariantRecording} of these toggles, which the plan registers for its flag.
   *
   * @param name the plan's name: 1 to 100 of {@code [a-z0-9._-]}; its state is the flag {@code release.<name>}
   * @param toggles the toggles whose store holds the plan's state and the rolled-out flag
   */
  public static Builder builder(String name, Toggles toggles) {
    return new Builder(name, toggles, null);
  }

  /**
   * Starts building a plan.
   *
   * @param name the plan's name: 1 to 100 of {@code [a-z0-9._-]}; its state is the flag {@code release.<name>}
   * @param toggles the toggles whose store holds the plan's state (the canary's)
   * @param canary the canary whose baseline is the old implementation and whose canary is the new one
   */
  public static Builder builder(String name, Toggles toggles, Canary canary) {
    return new Builder(name, toggles, canary);
  }

  public String name() {
    return name;
  }

  /** The stages, in order. */
  public List<Stage> stages() {
    return stages;
  }

  /** The canary the plan drives, or null for a guarded feature rollout. */
  public Canary canary() {
    return canary;
  }

  /** The plan's state as this instance last read it. */
  public ReleaseStatus status() {
    return driver.status();
  }

  /** The current stage's gate, checked now from the fleet's published counts. */
  public GateStatus gate() {
    return driver.gate();
  }

  /** Whether this instance held the driver lease at its last look. */
  public boolean driving() {
    return driver.driving();
  }

  /** The plan's transitions, oldest first, from its flag's audit: actor, reason and evidence of each. */
  public List<AuditEntry> history(Instant from, Instant to, int limit) {
    return toggles.admin().history(driver.flagKey(), from, to, limit);
  }

  // ------------------------------------------------------------------ routing

  /** The side for a key: {@link Cohort#BASELINE} is the old implementation. See the class comment. */
  public Cohort decide(String key, Cohort explicitCohort) {
    return driver.decide(key, explicitCohort);
  }

  /**
   * Routes the key, runs the chosen implementation through the canary (which times it, records its outcome and falls
   * back to the old one when the new one throws), and counts it for the stage's gate: an explicit call to the new
   * implementation, successful or failed (it threw), or a call served by the old one.
   */
  public <T> T call(String key, Cohort explicitCohort, Supplier<T> oldImpl, Supplier<T> newImpl) {
    return driver.call(key, explicitCohort, oldImpl, newImpl);
  }

  /**
   * Counts a call that the caller routed with {@link #decide} and ran itself: served by the old implementation, or an
   * explicit call to the new one that succeeded or not (a dark or preview stage's {@code failAboveErrorRate} counts
   * the unsuccessful ones).
   */
  public void record(Cohort explicitCohort, Cohort served, boolean success) {
    driver.record(explicitCohort, Objects.requireNonNull(served, "served"), success);
  }

  // ------------------------------------------------------------------ actions

  /**
   * Starts the plan at its first stage. Only from PENDING.
   *
   * @throws ReleaseActionException when the plan is not pending (naming its stage)
   * @throws ReleaseConflictException when another change won the compare-and-set
   */
  public ReleaseStatus start(String actor, String reason) {
    return driver.start(actor, reason);
  }

  /**
   * Moves to the next stage. Without {@code force}, only when the current stage's gate passed (a manual gate passes
   * by this call); with it, whatever the gate says, audited as {@link ReleaseAction#FORCE_ADVANCE}. An approval stage
   * is left by {@link #approve} (or by a forced advance).
   *
   * @throws ReleaseActionException when the plan is not running, or the gate has not passed and force is off
   * @throws ReleaseConflictException when another change won the compare-and-set
   */
  public ReleaseStatus advance(String actor, String reason, boolean force) {
    return driver.advance(actor, reason, force);
  }

  /**
   * Approves the pending approval stage; the audit keeps the actor and the reason.
   *
   * @throws ReleaseActionException when no approval is pending
   * @throws ReleaseConflictException when another change won the compare-and-set
   */
  public ReleaseStatus approve(String actor, String reason) {
    return driver.approve(actor, reason);
  }

  /** Holds the plan in its stage (and its canary, in a canary stage). Only from RUNNING. */
  public ReleaseStatus pause(String actor, String reason) {
    return driver.pause(actor, reason);
  }

  /** Resumes a paused plan. Only from PAUSED. */
  public ReleaseStatus resume(String actor, String reason) {
    return driver.resume(actor, reason);
  }

  /** Rolls back from any stage: everyone on the old implementation at once; the canary is aborted if it can be. */
  public ReleaseStatus abort(String actor, String reason) {
    return driver.abort(actor, reason);
  }

  /** Calls the listener after every transition made by this instance. @return a handle that removes it */
  public AutoCloseable onTransition(Consumer<ReleaseTransition> listener) {
    return driver.onTransition(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops the looks and the store subscription. Routing keeps the last state. */
  @Override
  public void close() {
    if (schedule != null) {
      try {
        schedule.close();
      } catch (Exception e) {
        // the scheduler's handle only cancels a task
      }
    }
    driver.close();
  }

  /**
   * One look: publishes this instance's counts and, when it holds the driver lease, checks the gate. Called by the
   * scheduler at every interval.
   */
  void look() {
    driver.look();
  }

  @Override
  public String toString() {
    ReleaseStatus s = status();
    return "ReleasePlan[" + name + ", " + s.state() + ", stage " + s.stage() + "]";
  }

  /** Builds a {@link ReleasePlan}; {@link #build()} refuses a plan that makes no sense, naming the stage. */
  public static final class Builder {
    private final String name;
    private final Toggles toggles;
    private final Canary canary;
    private final List<Stage> stages = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private CanaryScheduler scheduler;
    private MeterRegistry registry = new CompositeMeterRegistry();
    private FleetStore fleet;
    private String instanceId;
    private Duration interval;
    private final Set<String> experimentsBuiltLater = new HashSet<>();

    private Builder(String name, Toggles toggles, Canary canary) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("a release plan's name is 1 to 100 of [a-z0-9._-], starting with a "
            + "letter or digit; was '" + name + "'");
      }
      this.name = name;
      this.toggles = Objects.requireNonNull(toggles, "toggles");
      this.canary = canary;
      this.interval = canary != null ? canary.release().analysisInterval() : Duration.ofMinutes(1);
    }

    /** Adds the next stage. */
    public Builder stage(Stage.Builder stage) {
      stages.addAll(Objects.requireNonNull(stage, "stage").buildAll());
      return this;
    }

    /** Adds the next stage. */
    public Builder stage(Stage stage) {
      stages.add(Objects.requireNonNull(stage, "stage"));
      return this;
    }

    /** The clock of stages, gates and the driver lease. Default: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Looks every {@link #interval(Duration)}. Without one, nothing advances by itself. */
    public Builder scheduler(CanaryScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * How often the driver checks the gate; the driver lease lasts 1.5 of it. Default: the canary's interval, or 1
     * minute for a feature rollout.
     */
    public Builder interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive, was " + interval);
      }
      this.interval = interval;
      return this;
    }

    /** Where the stage gauge and the transitions counter go. Default: nowhere. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The store the instances share their counts and the driver lease in: the same as the canary's
     * ({@code JdbcFleetStore}) on every instance. Default: none, and each instance drives what it counted alone.
     */
    public Builder fleet(FleetStore fleet) {
      this.fleet = Objects.requireNonNull(fleet, "fleet");
      return this;
    }

    /** This instance's id in the fleet store, unique in the fleet. Default: a random UUID. */
    public Builder instanceId(String instanceId) {
      this.instanceId = FleetStore.checkInstanceId(instanceId);
      return this;
    }

    /**
     * Names of experiments that are declared but built on their runner only later, at their first call (as the
     * Spring starter's {@code @ParallelRun} experiments are): {@link #build()} accepts a verify stage naming one
     * although the runner does not know it yet. Its gate counts the comparisons the experiment makes once it runs.
     */
    public Builder experimentsBuiltLater(Collection<String> names) {
      for (String n : Objects.requireNonNull(names, "names")) {
        experimentsBuiltLater.add(Objects.requireNonNull(n, "name"));
      }
      return this;
    }

    /**
     * Builds the plan, defining its flag at PENDING when the store has none, and starts its looks.
     *
     * @throws IllegalStateException naming the stage when the plan makes no sense (an
     *     {@link InvalidReleasePlanException}, with the stage's index, when one stage is at fault): no stages, two stages of one name,
     *     no canary or switch stage (nothing would ever promote), two of them, a dark, preview or verify stage after
     *     the promotion, a retire stage that is not last or comes before the promotion, a canary stage whose canary
     *     is in dry-run (it never promotes, so the gate cannot be met), or a verify stage whose source fails its
     *     check (an experiment the runner does not know and that is not among {@link #experimentsBuiltLater}, a route
     *     the HTTP shadow does not have)
     */
    public ReleasePlan build() {
      String plan = "release plan '" + name + "': ";
      if (stages.isEmpty()) {
        throw new IllegalStateException(plan + "needs at least one stage");
      }
      Set<String> names = new HashSet<>();
      int promoting = -1;
      for (int i = 0; i < stages.size(); i++) {
        Stage s = stages.get(i);
        String at = plan + "stage " + (i + 1) + " '" + s.name() + "' (" + s.kind().label() + ") ";
        if (!names.add(s.name())) {
          throw new InvalidReleasePlanException(i, at + "has the name of an earlier stage; name it with Stage.Builder.name");
        }
        if (ReleaseMetrics.PSEUDO_STAGES.contains(s.name()) || "none".equals(s.name())) {
          throw new InvalidReleasePlanException(i, at + "has a reserved name; reserved are " + ReleaseMetrics.PSEUDO_STAGES
              + " and none");
        }
        switch (s.kind()) {
          case DARK, PREVIEW, VERIFY -> {
            if (promoting >= 0) {
              throw new InvalidReleasePlanException(i, at + "comes after stage '" + stages.get(promoting).name()
                  + "', which sends everyone to the new implementation: it must come before");
            }
          }
          case CANARY, SWITCH -> {
            if (promoting >= 0) {
              throw new InvalidReleasePlanException(i, at + "promotes a second time, after stage '"
                  + stages.get(promoting).name() + "': a plan has one canary or switch stage");
            }
            promoting = i;
          }
          case RETIRE -> {
            if (i != stages.size() - 1) {
              throw new InvalidReleasePlanException(i, at + "must be the last stage");
            }
            if (promoting < 0) {
              throw new InvalidReleasePlanException(i, at + "comes before any canary or switch stage: there is no old "
                  + "implementation to retire yet");
            }
          }
          default -> {
          }
        }
        if (canary == null && s.kind() != StageKind.FEATURE_ROLLOUT && s.kind() != StageKind.APPROVAL) {
          throw new InvalidReleasePlanException(i, at + "needs a canary: a plan built without one is a guarded feature "
              + "rollout, of rollout and approval stages only");
        }
        if (canary != null && s.kind() == StageKind.FEATURE_ROLLOUT) {
          throw new InvalidReleasePlanException(i, at + "rolls out a flag in a plan that drives canary '"
              + canary.release().name() + "': a plan drives one canary or one flag; build a feature rollout with "
              + "ReleasePlan.builder(name, toggles)");
        }
        if (s.kind() == StageKind.FEATURE_ROLLOUT) {
          checkRollout(at, s, i);
        }
        if (s.kind() == StageKind.CANARY && canary.release().dryRun()) {
          throw new InvalidReleasePlanException(i, at + "can never pass: canary '" + canary.release().name()
              + "' is in dry-run and never promotes");
        }
        if (s.kind() == StageKind.VERIFY
            && !(s.runner() != null && experimentsBuiltLater.contains(s.experiment()))) {
          try {
            s.comparisons().check();
          } catch (IllegalStateException e) {
            throw new InvalidReleasePlanException(i, at + e.getMessage()
                + (experimentsBuiltLater.isEmpty() ? "" : ", and will know " + experimentsBuiltLater), e);
          }
        }
      }
      if (canary == null) {
        if (stages.stream().noneMatch(st -> st.kind() == StageKind.FEATURE_ROLLOUT)) {
          throw new IllegalStateException(plan + "has no rollout stage: a plan without a canary drives a flag's "
              + "rollout (Stage.featureRollout)");
        }
        Stage last = stages.stream().filter(st -> st.kind() == StageKind.FEATURE_ROLLOUT)
            .reduce((a, b) -> b).orElseThrow();
        if (last.percent() != 100) {
          throw new IllegalStateException(plan + "its last rollout stage '" + last.name() + "' is at " + last.percent()
              + "%: nothing would ever send everyone to the new variant");
        }
        var flag = toggles.admin().flag(last.flagKey());
        if (flag.isEmpty()) {
          throw new IllegalStateException(plan + "rolls out flag '" + last.flagKey() + "', which the toggles do not "
              + "define");
        }
        for (String variant : List.of(last.newVariant(), last.oldVariant())) {
          if (!flag.get().variants().contains(variant)) {
            throw new IllegalStateException(plan + "rolls out variant '" + variant + "' of flag '" + last.flagKey()
                + "', which has only the variants " + flag.get().variants());
          }
        }
        if (toggles.variantRecording().isRecorded(last.flagKey())) {
          throw new IllegalStateException(plan + "flag '" + last.flagKey() + "' has a variant recorder already "
              + "(another plan rolls it out): one rollout at a time per flag");
        }
        return new ReleasePlan(this);
      }
      if (promoting < 0) {
        throw new IllegalStateException(plan + "has no canary or switch stage: nothing would ever send everyone to "
            + "the new implementation");
      }
      return new ReleasePlan(this);
    }

    /** A rollout stage: one flag and pair of variants per plan, percents increasing. */
    private void checkRollout(String at, Stage s, int index) {
      for (int j = index - 1; j >= 0; j--) {
        Stage earlier = stages.get(j);
        if (earlier.kind() != StageKind.FEATURE_ROLLOUT) {
          continue;
        }
        if (!earlier.flagKey().equals(s.flagKey()) || !earlier.newVariant().equals(s.newVariant())
            || !earlier.oldVariant().equals(s.oldVariant())) {
          throw new InvalidReleasePlanException(index, at + "rolls out flag '" + s.flagKey() + "' from '" + s.oldVariant()
              + "' to '" + s.newVariant() + "', but stage '" + earlier.name() + "' rolls out flag '"
              + earlier.flagKey() + "' from '" + earlier.oldVariant() + "' to '" + earlier.newVariant()
              + "': a plan rolls out one flag");
        }
        if (s.percent() <= earlier.percent()) {
          throw new InvalidReleasePlanException(index, at + "is at " + s.percent() + "%, not above stage '" + earlier.name()
              + "' at " + earlier.percent() + "%: a rollout's steps increase");
        }
        return;
      }
    }
  }
}
