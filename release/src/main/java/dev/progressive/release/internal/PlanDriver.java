package dev.progressive.release.internal;

import dev.progressive.canary.Canary;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.internal.lease.FleetLease;
import dev.progressive.release.GateStatus;
import dev.progressive.release.ReleaseAction;
import dev.progressive.release.ReleaseConflictException;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.ReleaseStatus;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.toggles.Toggles;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one release plan: its {@link PlanRouter} routes by the state in force and counts this instance's calls in the
 * current stage; at every look the driver publishes them through {@link PlanFleet}, and the instance holding the
 * plan's driver lease (a {@link FleetLease}, the canary's, under {@code release:<name>}) checks the gate and alone makes the automatic transitions, written by {@link PlanTransitions}.
 * Operators' actions are {@link PlanActions}, from any instance. What the plan drives is brought in line by its
 * {@link StageEffects}: the canary's, or for a guarded feature rollout the flag's weights, whose calls per variant a
 * {@link RolloutRecorder} counts and a {@link RolloutGate} judges.
 */
public final class PlanDriver {

  /** The actor of automatic transitions. */
  public static final String DRIVER = "release-driver";

  private static final Logger log = LoggerFactory.getLogger(PlanDriver.class);

  /**
   * What the driver needs.
   *
   * @param fleet where instances publish their counts and hold the driver lease
   * @param interval how often the gate is checked; the lease lasts 1.5 intervals
   */
  public record Setup(String release, List<Stage> stages, Canary canary, Toggles toggles, FleetStore fleet,
      String instance, Clock clock, Duration interval, MeterRegistry registry) {}

  private final String release;
  private final PlanShape shape;
  private final Clock clock;
  private final PlanStateStore store;
  private final FleetLease lease;
  private final ReleaseMetrics metrics;
  private final PlanFleet fleet;
  private final PlanTransitions transitions;
  private final PlanActions actions;
  private final Object lookLock = new Object();
  private volatile StageWindow window;
  private volatile GateStatus lastGate = new GateStatus(GateStatus.Result.WAIT, "not checked yet");
  private volatile boolean driving;
  /** Routes and counts the calls of a plan that drives a canary. */
  private final PlanRouter router;
  /** A feature rollout's registration of its variant recorder; null for a plan that drives a canary. */
  private final AutoCloseable recording;

  public PlanDriver(Setup s) {
    this.release = s.release();
    this.shape = new PlanShape(release, s.stages());
    List<Stage> stages = shape.stages();
    this.clock = s.clock();
    this.window = newWindow(StoredPlan.initial());
    // a stage's counts start when this instance first hears of the stage
    this.store = new PlanStateStore(release, s.toggles(), shape::definition, DRIVER, this::window);
    this.metrics = new ReleaseMetrics(release, stages.stream().map(Stage::name).toList(), s.registry(),
        () -> shape.stageTag(store.inForce()));
    StageEffects effects;
    RolloutRecorder rollout = null;
    FlagWeights weights = null;
    if (stages.stream().anyMatch(st -> st.kind() == StageKind.FEATURE_ROLLOUT)) {
      weights = new FlagWeights(release, stages, s.toggles());
      Stage first = stages.stream().filter(st -> st.kind() == StageKind.FEATURE_ROLLOUT).findFirst().orElseThrow();
      rollout = new RolloutRecorder(stages, store::inForce, first.newVariant(), first.oldVariant());
      this.recording = s.toggles().variantRecording().register(first.flagKey(), rollout);
      effects = weights;
    } else {
      this.recording = null;
      effects = new CanaryEffects(release, stages, s.canary(), shape::promoted);
    }
    this.fleet = new PlanFleet(release, s.fleet(), s.instance(), s.interval(), s.canary(), rollout);
    this.lease = new FleetLease(s.fleet(), fleet.leaseKey(), s.instance(),
        s.interval().plus(s.interval().dividedBy(2)));
    this.transitions = new PlanTransitions(shape, store, metrics, effects, fleet, clock);
    this.actions = new PlanActions(shape, store, transitions, this::checkGate, s.canary(), clock);
    this.router = new PlanRouter(release, stages, s.canary(), weights == null ? null : weights.flagKey(),
        store::inForce, this::window, shape::promoted, clock);
  }

  // ------------------------------------------------------------------ routing

  /** The side for a key by the plan's state in force, with the caller's explicit cohort (null when none). */
  public Cohort decide(String key, Cohort explicit) {
    return router.decide(key, explicit);
  }

  /** Routes, runs and records one call: the old implementation is the canary's baseline, the new its canary. */
  public <T> T call(String key, Cohort explicit, Supplier<T> oldImpl, Supplier<T> newImpl) {
    return router.call(key, explicit, oldImpl, newImpl);
  }

  /** Records a call that the caller routed by itself with {@link #decide}. */
  public void record(Cohort explicit, Cohort served, boolean success) {
    router.record(explicit, served, success);
  }

  private StageWindow window() {
    return window(store == null ? StoredPlan.initial() : store.inForce());
  }

  /**
   * The window of the stage of {@code s}: a new one when {@code s} is another stage, never an older state's (a call
   * that read the state in force just before a newer one was applied must not replace the newer stage's window).
   */
  private StageWindow window(StoredPlan s) {
    StageWindow w = window;
    if (!w.stage().sameStage(s) && s.version() >= w.stage().version()) {
      synchronized (this) {
        w = window;
        if (!w.stage().sameStage(s) && s.version() >= w.stage().version()) {
          w = newWindow(s);
          window = w;
        }
      }
    }
    return w;
  }

  private StageWindow newWindow(StoredPlan s) {
    List<Stage> stages = shape.stages();
    Stage stage = s.stage() >= 0 && s.stage() < stages.size() ? stages.get(s.stage()) : null;
    return new StageWindow(s, stage != null && stage.kind() == StageKind.VERIFY ? stage.comparisons() : null);
  }

  // ------------------------------------------------------------------ state

  public ReleaseStatus status() {
    return shape.status(store.inForce());
  }

  /** The flag that holds the plan's state. */
  public String flagKey() {
    return store.flagKey();
  }

  /** The current stage's gate as this instance last checked it (the driver checks it at every look). */
  public GateStatus lastGate() {
    return lastGate;
  }

  /** Whether this instance held the driver lease at its last look. */
  public boolean driving() {
    return driving;
  }

  public AutoCloseable onTransition(Consumer<ReleaseTransition> listener) {
    return transitions.onTransition(listener);
  }

  /** The current stage's gate, checked now from the fleet's published counts. */
  public GateStatus gate() {
    StoredPlan s = store.inForce();
    if (s.stage() < 0) {
      return new GateStatus(GateStatus.Result.WAIT, "the plan has not started");
    }
    return fleet.gate(s, shape.stageOf(s), clock.millis());
  }

  /** The gate of the stage {@code s} is at, checked now, kept as the last gate. */
  private GateStatus checkGate(StoredPlan s) {
    GateStatus g = fleet.gate(s, shape.stageOf(s), clock.millis());
    lastGate = g;
    return g;
  }

  // ------------------------------------------------------------------ the look

  /** One look, never throwing: the scheduler's task. */
  public void lookSafely() {
    try {
      look();
    } catch (RuntimeException e) {
      log.warn("release '{}': the look failed; the plan holds its state: {}", release, e.toString());
    }
  }

  /**
   * Publishes this instance's counts of the current stage and, when it holds the driver lease, makes sure the
   * stage's entry (or the rollback) is in effect and checks the gate, advancing or rolling back; for a completed plan
   * whose retire stage removes its flags, makes sure the flag is removed.
   */
  public void look() {
    synchronized (lookLock) {
      StoredPlan s;
      try {
        s = store.read();
      } catch (RuntimeException e) {
        log.warn("release '{}': its state cannot be read; routing keeps the last state: {}", release,
            e.getMessage());
        return;
      }
      long now = clock.millis();
      if (s.stage() >= 0 && !s.state().isFinal()) {
        fleet.publish(s, window(), now);
      }
      try {
        driving = lease.holdOrTake(now);
      } catch (Exception e) {
        driving = false;
        log.warn("release '{}': the driver lease cannot be read; nobody drives until it can: {}", release,
            e.toString());
      }
      if (!driving) {
        return;
      }
      transitions.ensureEffects(s, DRIVER, "the plan is at stage '" + shape.stageName(s) + "' (" + s.state() + ")"
          + (s.evidence().isEmpty() ? "" : " | evidence: " + s.evidence()));
      if (s.state() == ReleaseState.COMPLETED) {
        transitions.removeFlagsIfDue(s);
      }
      if (s.state() != ReleaseState.RUNNING) {
        return;
      }
      decide(s);
    }
  }

  /** Checks the running stage's gate and, when it passed or failed, advances or rolls back under the lease. */
  private void decide(StoredPlan s) {
    Stage stage = shape.stageOf(s);
    GateStatus gate = checkGate(s);
    boolean pass = gate.result() == GateStatus.Result.PASS && !stage.manualGate();
    boolean fail = gate.result() == GateStatus.Result.FAIL;
    if (!pass && !fail) {
      return;
    }
    try {
      if (!lease.confirm(clock.millis())) {
        driving = false;
        log.info("release '{}': another instance took the driver lease; this one steps down", release);
        return;
      }
      if (pass) {
        transitions.next(s, ReleaseAction.ADVANCE, DRIVER, "stage '" + stage.name() + "' passed its gate",
            gate.evidence());
      } else {
        transitions.write(s, s.next(ReleaseState.ROLLED_BACK, s.stage(), s.stageStartedAt(), gate.evidence()),
            ReleaseAction.ROLLBACK, DRIVER, "stage '" + stage.name() + "' failed its gate", gate.evidence());
      }
    } catch (ReleaseConflictException e) {
      log.info("release '{}': changed by another instance or an operator during the look; now {}", release,
          e.current());
    } catch (Exception e) {
      log.warn("release '{}': the transition could not be written; the plan holds its state: {}", release,
          e.toString());
    }
  }

  // ------------------------------------------------------------------ actions

  /** Starts the plan at its first stage. Only from PENDING. */
  public ReleaseStatus start(String actor, String reason) {
    return actions.start(actor, reason);
  }

  /** Moves to the next stage when the gate passed, or with {@code force} whatever the gate says (audited as such). */
  public ReleaseStatus advance(String actor, String reason, boolean force) {
    return actions.advance(actor, reason, force);
  }

  /** Approves a pending approval stage. */
  public ReleaseStatus approve(String actor, String reason) {
    return actions.approve(actor, reason);
  }

  /** Holds the plan in its stage: routing stays, no gate is checked. Only from RUNNING. */
  public ReleaseStatus pause(String actor, String reason) {
    return actions.pause(actor, reason);
  }

  /** Resumes a paused plan in its stage. Only from PAUSED. */
  public ReleaseStatus resume(String actor, String reason) {
    return actions.resume(actor, reason);
  }

  /** Rolls back from any stage: everyone on the old implementation at once. From any state that is not final. */
  public ReleaseStatus abort(String actor, String reason) {
    return actions.abort(actor, reason);
  }

  public void close() {
    if (recording != null) {
      try {
        recording.close();
      } catch (Exception e) {
        log.info("release '{}': {}", release, e.getMessage());
      }
    }
    store.close();
    metrics.close();
  }
}
