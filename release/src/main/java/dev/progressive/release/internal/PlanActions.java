package dev.progressive.release.internal;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.release.GateStatus;
import dev.progressive.release.ReleaseAction;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.ReleaseStatus;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import java.time.Clock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operators' actions on a plan (start, advance, approve, pause, resume, abort), from any instance: each is checked
 * against the plan's state and stage as the store has it now, refused with the stage named when it does not fit, and
 * written as one transition.
 */
final class PlanActions {

  private static final Logger log = LoggerFactory.getLogger(PlanActions.class);

  private final PlanShape shape;
  private final PlanStateStore store;
  private final PlanTransitions transitions;
  /** The current stage's gate, checked now; it also becomes the driver's last gate. */
  private final Function<StoredPlan, GateStatus> gate;
  /** The plan's canary, or null for a feature rollout. */
  private final Canary canary;
  private final Clock clock;

  PlanActions(PlanShape shape, PlanStateStore store, PlanTransitions transitions,
      Function<StoredPlan, GateStatus> gate, Canary canary, Clock clock) {
    this.shape = shape;
    this.store = store;
    this.transitions = transitions;
    this.gate = gate;
    this.canary = canary;
    this.clock = clock;
  }

  /** Starts the plan at its first stage. Only from PENDING. */
  ReleaseStatus start(String actor, String reason) {
    StoredPlan s = store.read();
    if (s.state() != ReleaseState.PENDING) {
      throw shape.refused("start", s, "only a pending plan can be started");
    }
    return transitions.write(s, s.next(ReleaseState.RUNNING, 0, clock.millis(), ""), ReleaseAction.START, actor,
        reason, "");
  }

  /** Moves to the next stage when the gate passed, or with {@code force} whatever the gate says (audited as such). */
  ReleaseStatus advance(String actor, String reason, boolean force) {
    StoredPlan s = store.read();
    if (s.state() != ReleaseState.RUNNING) {
      throw shape.refused("advance", s, "only a running plan advances");
    }
    Stage stage = shape.stageOf(s);
    if (stage.kind() == StageKind.APPROVAL && !force) {
      throw shape.refused("advance", s, "stage '" + stage.name() + "' waits for approve, with a reason");
    }
    GateStatus g = gate.apply(s);
    boolean passed = g.result() == GateStatus.Result.PASS
        || (stage.manualGate() && stage.kind() != StageKind.APPROVAL && g.result() != GateStatus.Result.FAIL);
    if (!passed && !force) {
      throw shape.refused("advance", s, "the gate of stage '" + stage.name() + "' has not passed (" + g.result()
          + ": " + g.evidence() + "); advance with force to pass it anyway");
    }
    if (passed) {
      return transitions.next(s, ReleaseAction.ADVANCE, actor, reason,
          g.result() == GateStatus.Result.PASS ? g.evidence() : Gates.advancedBy(g, actor));
    }
    return transitions.next(s, ReleaseAction.FORCE_ADVANCE, actor, reason, "forced by " + actor + " past a gate at "
        + g.result() + ": " + g.evidence());
  }

  /** Approves a pending approval stage. */
  ReleaseStatus approve(String actor, String reason) {
    StoredPlan s = store.read();
    if (s.state() != ReleaseState.RUNNING || shape.stageOf(s).kind() != StageKind.APPROVAL) {
      throw shape.refused("approve", s, "no approval is pending");
    }
    return transitions.next(s, ReleaseAction.APPROVE, actor, reason, "approved by " + actor + ": " + reason);
  }

  /** Holds the plan in its stage: routing stays, no gate is checked. Only from RUNNING. */
  ReleaseStatus pause(String actor, String reason) {
    StoredPlan s = store.read();
    if (s.state() != ReleaseState.RUNNING) {
      throw shape.refused("pause", s, "only a running plan can be paused");
    }
    boolean canaryStage = shape.stageOf(s).kind() == StageKind.CANARY;
    ReleaseStatus done = transitions.write(s, s.next(ReleaseState.PAUSED, s.stage(), s.stageStartedAt(),
        s.evidence()), ReleaseAction.PAUSE, actor, reason, "");
    if (canaryStage && canary.state() == CanaryState.PROGRESSING) {
      quietly(() -> canary.pause(actor, "release plan '" + shape.release() + "' paused: " + reason));
    }
    return done;
  }

  /** Resumes a paused plan in its stage. Only from PAUSED. */
  ReleaseStatus resume(String actor, String reason) {
    StoredPlan s = store.read();
    if (s.state() != ReleaseState.PAUSED) {
      throw shape.refused("resume", s, "only a paused plan can be resumed");
    }
    boolean canaryStage = shape.stageOf(s).kind() == StageKind.CANARY;
    ReleaseStatus done = transitions.write(s, s.next(ReleaseState.RUNNING, s.stage(), s.stageStartedAt(),
        s.evidence()), ReleaseAction.RESUME, actor, reason, "");
    if (canaryStage && canary.state() == CanaryState.PAUSED) {
      quietly(() -> canary.resume(actor, "release plan '" + shape.release() + "' resumed: " + reason));
    }
    return done;
  }

  /** Rolls back from any stage: everyone on the old implementation at once. From any state that is not final. */
  ReleaseStatus abort(String actor, String reason) {
    StoredPlan s = store.read();
    if (s.state().isFinal()) {
      throw shape.refused("abort", s, "the plan is final");
    }
    return transitions.write(s, s.next(ReleaseState.ROLLED_BACK, s.stage(), s.stageStartedAt(), "aborted by "
        + actor), ReleaseAction.ABORT, actor, reason, "aborted by " + actor);
  }

  private void quietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.info("release '{}': {}", shape.release(), e.getMessage());
    }
  }
}
