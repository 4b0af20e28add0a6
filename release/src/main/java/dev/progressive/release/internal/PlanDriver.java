package dev.progressive.release.internal;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.FleetStore;
import dev.progressive.release.GateStatus;
import dev.progressive.release.ReleaseAction;
import dev.progressive.release.ReleaseActionException;
import dev.progressive.release.ReleaseConflictException;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.ReleaseStatus;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.VersionConflictException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one release plan: its {@link PlanRouter} routes by the state in force and counts this instance's calls in the
 * current stage; at every interval the driver publishes them to the fleet store, and the instance holding the plan's
 * driver lease checks the gate and alone makes the automatic transitions. Operators' actions are checked against the
 * stage and written by compare-and-set from any instance. What the plan drives is brought in line by its
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
  private final List<Stage> stages;
  private final int promoting;
  private final Canary canary;
  private final FleetStore fleet;
  private final String fleetKey;
  private final Clock clock;
  private final String instance;
  private final long freshMillis;
  private final PlanStateStore store;
  private final DriverLease lease;
  private final ReleaseMetrics metrics;
  private final List<Consumer<ReleaseTransition>> listeners = new CopyOnWriteArrayList<>();
  private final Object lookLock = new Object();
  private volatile StageWindow window;
  private volatile GateStatus lastGate = new GateStatus(GateStatus.Result.WAIT, "not checked yet");
  private volatile boolean driving;
  /** Makes the canary or the flag match the plan's state. */
  private final StageEffects effects;
  /** A feature rollout's recorder, weights and registration; null for a plan that drives a canary. */
  private final RolloutRecorder rollout;
  /** Routes and counts the calls of a plan that drives a canary. */
  private final PlanRouter router;
  private final FlagWeights weights;
  private final AutoCloseable recording;

  public PlanDriver(Setup s) {
    this.release = s.release();
    this.stages = List.copyOf(s.stages());
    int p = -1;
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i).kind() == StageKind.CANARY || stages.get(i).kind() == StageKind.SWITCH
          || (stages.get(i).kind() == StageKind.FEATURE_ROLLOUT && stages.get(i).percent() == 100)) {
        p = i;
      }
    }
    this.promoting = p;
    this.canary = s.canary();
    this.fleet = s.fleet();
    this.fleetKey = "release:" + release;
    this.clock = s.clock();
    this.instance = s.instance();
    this.freshMillis = s.interval().multipliedBy(2).toMillis();
    this.window = newWindow(StoredPlan.initial());
    // a stage's counts start when this instance first hears of the stage
    this.store = new PlanStateStore(release, s.toggles(), this::definition, DRIVER, this::window);
    this.lease = new DriverLease(fleet, fleetKey, s.instance(), s.interval().plus(s.interval().dividedBy(2)));
    this.metrics = new ReleaseMetrics(release, stages.stream().map(Stage::name).toList(), s.registry(),
        () -> stageTag(store.inForce()));
    if (stages.stream().anyMatch(st -> st.kind() == StageKind.FEATURE_ROLLOUT)) {
      this.weights = new FlagWeights(release, stages, s.toggles());
      Stage first = stages.stream().filter(st -> st.kind() == StageKind.FEATURE_ROLLOUT).findFirst().orElseThrow();
      this.rollout = new RolloutRecorder(stages, store::inForce, first.newVariant(), first.oldVariant());
      this.recording = s.toggles().variantRecording().register(first.flagKey(), rollout);
      this.effects = weights;
    } else {
      this.weights = null;
      this.rollout = null;
      this.recording = null;
      this.effects = new CanaryEffects(release, stages, canary, this::promoted);
    }
    this.router = new PlanRouter(release, stages, canary, weights == null ? null : weights.flagKey(), store::inForce,
        this::window, this::promoted, clock);
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

  private boolean promoted(StoredPlan s) {
    if (s.stage() < 0 || promoting < 0) {
      return false;
    }
    Stage at = stages.get(Math.min(s.stage(), stages.size() - 1));
    return s.stage() > promoting || at.kind() == StageKind.SWITCH
        || (at.kind() == StageKind.FEATURE_ROLLOUT && at.percent() == 100);
  }

  private StageWindow window() {
    return window(store == null ? StoredPlan.initial() : store.inForce());
  }

  private StageWindow window(StoredPlan s) {
    StageWindow w = window;
    if (!w.stage().sameStage(s)) {
      synchronized (this) {
        w = window;
        if (!w.stage().sameStage(s)) {
          w = newWindow(s);
          window = w;
        }
      }
    }
    return w;
  }

  private StageWindow newWindow(StoredPlan s) {
    Stage stage = s.stage() >= 0 && s.stage() < stages.size() ? stages.get(s.stage()) : null;
    if (stage != null && stage.kind() == StageKind.VERIFY) {
      return new StageWindow(s, stage.comparisons());
    }
    return new StageWindow(s, null);
  }

  // ------------------------------------------------------------------ state

  public ReleaseStatus status() {
    return status(store.inForce());
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
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private ReleaseStatus status(StoredPlan s) {
    return new ReleaseStatus(release, s.state(), s.stage(), stageName(s), Instant.ofEpochMilli(s.stageStartedAt()),
        s.evidence(), s.version());
  }

  private String stageName(StoredPlan s) {
    return s.stage() >= 0 && s.stage() < stages.size() ? stages.get(s.stage()).name() : "none";
  }

  private String stageTag(StoredPlan s) {
    return switch (s.state()) {
      case PENDING -> "pending";
      case COMPLETED -> "completed";
      case ROLLED_BACK -> "rolled_back";
      default -> stageName(s);
    };
  }

  private String definition(StoredPlan s) {
    boolean newInForce = s.state() == ReleaseState.COMPLETED
        || (s.state() != ReleaseState.ROLLED_BACK && promoted(s));
    return s.definition(release, stageName(s), newInForce);
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
   * stage's entry (or the rollback) is in effect and checks the gate, advancing or rolling back.
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
        StageWindow w = window();
        if (w.stage().sameStage(s)) {
          try {
            fleet.publish(key(s), new FleetStore.WindowRow(instance, StageWindow.FORMAT,
                w.counts().encode(), now));
          } catch (Exception e) {
            log.warn("release '{}': this instance's counts cannot be published: {}", release, e.toString());
          }
        }
        if (rollout != null) {
          try {
            rollout.publish(fleet, variantsKey(s), s, instance, now);
          } catch (Exception e) {
            log.warn("release '{}': this instance's calls per variant cannot be published: {}", release,
                e.toString());
          }
        }
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
      ensureEffects(s, DRIVER, "the plan is at stage '" + stageName(s) + "' (" + s.state() + ")"
          + (s.evidence().isEmpty() ? "" : " | evidence: " + s.evidence()));
      if (s.state() != ReleaseState.RUNNING) {
        return;
      }
      Stage stage = stageOf(s);
      GateStatus gate = gate(s);
      lastGate = gate;
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
          next(s, ReleaseAction.ADVANCE, DRIVER, "stage '" + stage.name() + "' passed its gate", gate.evidence());
        } else {
          write(s, s.next(ReleaseState.ROLLED_BACK, s.stage(), s.stageStartedAt(), gate.evidence()),
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
  }

  private FleetStore.WindowKey key(StoredPlan s) {
    return new FleetStore.WindowKey(fleetKey, s.stage(), s.stageStartedAt());
  }

  /** Where a rollout step's windows per variant are published: a key no canary name and no plan's counts can take. */
  private FleetStore.WindowKey variantsKey(StoredPlan s) {
    return new FleetStore.WindowKey(fleetKey + ":variants", s.stage(), s.stageStartedAt());
  }

  /** The current stage's gate, checked now from the fleet's published counts. */
  public GateStatus gate() {
    return gate(store.inForce());
  }

  private GateStatus gate(StoredPlan s) {
    if (s.stage() < 0) {
      return new GateStatus(GateStatus.Result.WAIT, "the plan has not started");
    }
    Stage stage = stageOf(s);
    if (stage.kind() == StageKind.FEATURE_ROLLOUT) {
      return RolloutGate.check(stage, fleet, variantsKey(s), s.stageStartedAt(), clock.millis());
    }
    StageWindow.Counts total = StageWindow.Counts.none();
    List<StageWindow.Counts> fresh = new ArrayList<>();
    long now = clock.millis();
    if (needsCounts(stage)) {
      try {
        for (FleetStore.WindowRow row : fleet.windows(key(s))) {
          if (row.format() != StageWindow.FORMAT) {
            continue;
          }
          StageWindow.Counts c = StageWindow.Counts.decode(row.payload());
          total = total.plus(c);
          if (now - row.publishedAtMillis() <= freshMillis) {
            fresh.add(c);
          }
        }
      } catch (Exception e) {
        return new GateStatus(GateStatus.Result.WAIT, "the fleet's counts could not be read: " + e);
      }
    }
    return Gates.check(stage, s.stageStartedAt(), total, fresh, canary, now);
  }

  private static boolean needsCounts(Stage stage) {
    return switch (stage.kind()) {
      case DARK, PREVIEW, VERIFY, RETIRE -> true;
      default -> false;
    };
  }

  /** Brings the canary or the flag in line with the plan's state; when it cannot now, the next look retries. */
  private void ensureEffects(StoredPlan s, String actor, String why) {
    try {
      effects.ensure(s, actor, why);
    } catch (RuntimeException e) {
      log.info("release '{}': {} could not be brought in line now (retried at the next look): {}", release,
          effects.what(), e.getMessage());
    }
  }

  // ------------------------------------------------------------------ actions

  /** Starts the plan at its first stage. Only from PENDING. */
  public ReleaseStatus start(String actor, String reason) {
    StoredPlan s = store.read();
    if (s.state() != ReleaseState.PENDING) {
      throw refused("start", s, "only a pending plan can be started");
    }
    return write(s, s.next(ReleaseState.RUNNING, 0, clock.millis(), ""), ReleaseAction.START, actor, reason, "");
  }

  /** Moves to the next stage when the gate passed, or with {@code force} whatever the gate says (audited as such). */
  public ReleaseStatus advance(String actor, String reason, boolean force) {
    StoredPlan s = store.read();
    if (s.state() != ReleaseState.RUNNING) {
      throw refused("advance", s, "only a running plan advances");
    }
    Stage stage = stageOf(s);
    if (stage.kind() == StageKind.APPROVAL && !force) {
      throw refused("advance", s, "stage '" + stage.name() + "' waits for approve, with a reason");
    }
    GateStatus gate = gate(s);
    lastGate = gate;
    boolean passed = gate.result() == GateStatus.Result.PASS
        || (stage.manualGate() && stage.kind() != StageKind.APPROVAL && gate.result() != GateStatus.Result.FAIL);
    if (!passed && !force) {
      throw refused("advance", s, "the gate of stage '" + stage.name() + "' has not passed (" + gate.result() + ": "
          + gate.evidence() + "); advance with force to pass it anyway");
    }
    if (passed) {
      return next(s, ReleaseAction.ADVANCE, actor, reason, gate.evidence());
    }
    return next(s, ReleaseAction.FORCE_ADVANCE, actor, reason, "forced by " + actor + " past a gate at "
        + gate.result() + ": " + gate.evidence());
  }

  /** Approves a pending approval stage. */
  public ReleaseStatus approve(String actor, String reason) {
    StoredPlan s = store.read();
    if (s.state() != ReleaseState.RUNNING || stageOf(s).kind() != StageKind.APPROVAL) {
      throw refused("approve", s, "no approval is pending");
    }
    return next(s, ReleaseAction.APPROVE, actor, reason, "approved by " + actor + ": " + reason);
  }

  /** Holds the plan in its stage: routing stays, no gate is checked. Only from RUNNING. */
  public ReleaseStatus pause(String actor, String reason) {
    StoredPlan s = store.read();
    if (s.state() != ReleaseState.RUNNING) {
      throw refused("pause", s, "only a running plan can be paused");
    }
    boolean canaryStage = stageOf(s).kind() == StageKind.CANARY;
    ReleaseStatus done = write(s, s.next(ReleaseState.PAUSED, s.stage(), s.stageStartedAt(), s.evidence()),
        ReleaseAction.PAUSE, actor, reason, "");
    if (canaryStage && canary.state() == CanaryState.PROGRESSING) {
      quietly(() -> canary.pause(actor, "release plan '" + release + "' paused: " + reason));
    }
    return done;
  }

  /** Resumes a paused plan in its stage. Only from PAUSED. */
  public ReleaseStatus resume(String actor, String reason) {
    StoredPlan s = store.read();
    if (s.state() != ReleaseState.PAUSED) {
      throw refused("resume", s, "only a paused plan can be resumed");
    }
    boolean canaryStage = stageOf(s).kind() == StageKind.CANARY;
    ReleaseStatus done = write(s, s.next(ReleaseState.RUNNING, s.stage(), s.stageStartedAt(), s.evidence()),
        ReleaseAction.RESUME, actor, reason, "");
    if (canaryStage && canary.state() == CanaryState.PAUSED) {
      quietly(() -> canary.resume(actor, "release plan '" + release + "' resumed: " + reason));
    }
    return done;
  }

  /** Rolls back from any stage: everyone on the old implementation at once. From any state that is not final. */
  public ReleaseStatus abort(String actor, String reason) {
    StoredPlan s = store.read();
    if (s.state().isFinal()) {
      throw refused("abort", s, "the plan is final");
    }
    return write(s, s.next(ReleaseState.ROLLED_BACK, s.stage(), s.stageStartedAt(), "aborted by " + actor),
        ReleaseAction.ABORT, actor, reason, "aborted by " + actor);
  }

  private ReleaseStatus next(StoredPlan s, ReleaseAction action, String actor, String reason, String evidence) {
    int next = s.stage() + 1;
    if (next >= stages.size()) {
      return write(s, s.next(ReleaseState.COMPLETED, s.stage(), s.stageStartedAt(), evidence),
          action == ReleaseAction.ADVANCE ? ReleaseAction.COMPLETE : action, actor, reason, evidence);
    }
    return write(s, s.next(ReleaseState.RUNNING, next, clock.millis(), evidence), action, actor, reason, evidence);
  }

  /** The stage a stored state is at, or a clear error when the plan lost stages while it was running. */
  private Stage stageOf(StoredPlan s) {
    if (s.stage() < 0 || s.stage() >= stages.size()) {
      throw new IllegalStateException("release '" + release + "': the stored state is at stage index " + s.stage()
          + ", but the plan has " + stages.size() + " stages: it was redefined while running; abort it or define "
          + "it again under a new name");
    }
    return stages.get(s.stage());
  }

  private ReleaseActionException refused(String action, StoredPlan s, String why) {
    return new ReleaseActionException("release '" + release + "': cannot " + action + " at stage '" + stageName(s)
        + "' (" + s.state() + "): " + why, status(s));
  }

  private ReleaseStatus write(StoredPlan from, StoredPlan to, ReleaseAction action, String actor, String reason,
      String evidence) {
    String audit = "[release " + action.tag() + "] '" + stageName(from) + "' -> '" + stageName(to) + "' ("
        + to.state() + "): " + reason + (evidence.isEmpty() ? "" : " | evidence: " + evidence);
    StoredPlan stored;
    try {
      stored = store.compareAndSet(from, to, actor, audit);
    } catch (VersionConflictException e) {
      ReleaseStatus current = status(store.inForce());
      throw new ReleaseConflictException("release '" + release + "': " + action.tag() + " lost to a change made "
          + "meanwhile (version " + e.currentVersion() + " in the store, not " + from.version() + "); as last heard "
          + "here, the plan is at stage '" + current.stage() + "' (" + current.state() + ")", current,
          e.currentVersion(), e);
    }
    metrics.transition(action);
    Instant at = clock.instant();
    ReleaseTransition t = new ReleaseTransition(release, from.state(), stored.state(), stageName(from),
        stageName(stored), action, actor, reason, evidence, at);
    if (stored.state() == ReleaseState.COMPLETED) {
      log.info("release '{}' completed: the old implementation can be removed ({})", release, evidence);
    } else {
      log.info("release '{}': {} by {}: '{}' -> '{}' ({}): {}{}", release, action.tag(), actor, stageName(from),
          stageName(stored), stored.state(), reason, evidence.isEmpty() ? "" : " | " + evidence);
    }
    ensureEffects(stored, actor, audit);
    if (!from.sameStage(stored) || stored.state().isFinal()) {
      quietly(() -> fleet.retainOnly(fleetKey, stored.state().isFinal() ? Optional.empty()
          : Optional.of(key(stored))));
      if (rollout != null) {
        quietly(() -> fleet.retainOnly(fleetKey + ":variants", stored.state().isFinal() ? Optional.empty()
            : Optional.of(variantsKey(stored))));
      }
    }
    for (Consumer<ReleaseTransition> l : listeners) {
      try {
        l.accept(t);
      } catch (RuntimeException e) {
        log.warn("release '{}': a transition listener failed", release, e);
      }
    }
    return status(stored);
  }

  private interface Quiet {
    void run() throws Exception;
  }

  private void quietly(Quiet r) {
    try {
      r.run();
    } catch (Exception e) {
      log.info("release '{}': {}", release, e.getMessage());
    }
  }

  public void close() {
    if (recording != null) {
      quietly(recording::close);
    }
    store.close();
    metrics.close();
  }
}
