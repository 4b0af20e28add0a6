package dev.progressive.release.internal;

import dev.progressive.release.ReleaseAction;
import dev.progressive.release.ReleaseConflictException;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.ReleaseStatus;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.toggles.store.VersionConflictException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a plan's transitions: each is one compare-and-set of the plan's flag with its audit entry (actor, reason,
 * evidence), or nothing; then its meter, its log line, the effects on what the plan drives, the fleet's rows of the
 * stage it left, and its listeners. Once a plan whose retire stage removes its flags completed on that gate's pass,
 * it removes the plan's flag too.
 */
final class PlanTransitions {

  private static final Logger log = LoggerFactory.getLogger(PlanTransitions.class);

  private final PlanShape shape;
  private final PlanStateStore store;
  private final ReleaseMetrics metrics;
  private final StageEffects effects;
  private final PlanFleet fleet;
  private final Clock clock;
  private final List<Consumer<ReleaseTransition>> listeners = new CopyOnWriteArrayList<>();

  PlanTransitions(PlanShape shape, PlanStateStore store, ReleaseMetrics metrics, StageEffects effects,
      PlanFleet fleet, Clock clock) {
    this.shape = shape;
    this.store = store;
    this.metrics = metrics;
    this.effects = effects;
    this.fleet = fleet;
    this.clock = clock;
  }

  AutoCloseable onTransition(Consumer<ReleaseTransition> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** To the next stage, or COMPLETED after the last. */
  ReleaseStatus next(StoredPlan s, ReleaseAction action, String actor, String reason, String evidence) {
    int next = s.stage() + 1;
    if (next >= shape.stages().size()) {
      return write(s, s.next(ReleaseState.COMPLETED, s.stage(), s.stageStartedAt(), evidence),
          action == ReleaseAction.ADVANCE ? ReleaseAction.COMPLETE : action, actor, reason, evidence);
    }
    return write(s, s.next(ReleaseState.RUNNING, next, clock.millis(), evidence), action, actor, reason, evidence);
  }

  /**
   * Writes {@code to} if the plan is still at {@code from}'s version, then does what follows a transition.
   *
   * @throws ReleaseConflictException when another instance or an operator changed the plan meanwhile
   */
  ReleaseStatus write(StoredPlan from, StoredPlan to, ReleaseAction action, String actor, String reason,
      String evidence) {
    String release = shape.release();
    String audit = "[release " + action.tag() + "] '" + shape.stageName(from) + "' -> '" + shape.stageName(to)
        + "' (" + to.state() + "): " + reason + (evidence.isEmpty() ? "" : " | evidence: " + evidence);
    StoredPlan stored;
    try {
      stored = store.compareAndSet(from, to, actor, audit);
    } catch (VersionConflictException e) {
      ReleaseStatus current = shape.status(store.inForce());
      throw new ReleaseConflictException("release '" + release + "': " + action.tag() + " lost to a change made "
          + "meanwhile (version " + e.currentVersion() + " in the store, not " + from.version() + "); as last heard "
          + "here, the plan is at stage '" + current.stage() + "' (" + current.state() + ")", current,
          e.currentVersion(), e);
    }
    metrics.transition(action);
    Instant at = clock.instant();
    ReleaseTransition t = new ReleaseTransition(release, from.state(), stored.state(), shape.stageName(from),
        shape.stageName(stored), action, actor, reason, evidence, at);
    if (stored.state() == ReleaseState.COMPLETED) {
      log.info("release '{}' completed: the old implementation can be removed ({})", release, evidence);
    } else {
      log.info("release '{}': {} by {}: '{}' -> '{}' ({}): {}{}", release, action.tag(), actor,
          shape.stageName(from), shape.stageName(stored), stored.state(), reason,
          evidence.isEmpty() ? "" : " | " + evidence);
    }
    ensureEffects(stored, actor, audit);
    if (!from.sameStage(stored) || stored.state().isFinal()) {
      quietly(() -> fleet.dropOtherStages(stored));
    }
    for (Consumer<ReleaseTransition> l : listeners) {
      try {
        l.accept(t);
      } catch (RuntimeException e) {
        log.warn("release '{}': a transition listener failed", release, e);
      }
    }
    removeFlagsIfDue(stored);
    return shape.status(stored);
  }

  /** Brings the canary or the flag in line with the plan's state; when it cannot now, the next look retries. */
  void ensureEffects(StoredPlan s, String actor, String why) {
    try {
      effects.ensure(s, actor, why);
    } catch (RuntimeException e) {
      log.info("release '{}': {} could not be brought in line now (retried at the next look): {}", shape.release(),
          effects.what(), e.getMessage());
    }
  }

  /**
   * Removes the plan's flag when its retire stage says so and the plan completed on that stage's gate (a forced
   * advance past the retire stage proved nothing: the flag stays). Idempotent: the driver calls it at every look of a
   * completed plan, so an instance that died between the completion and the removal leaves nothing undone.
   */
  void removeFlagsIfDue(StoredPlan s) {
    if (s.state() != ReleaseState.COMPLETED || !shape.removesFlags() || !s.evidence().endsWith(Gates.OLD_REMOVABLE)
        || s.evidence().startsWith("forced by ") || store.removed()) {
      return;
    }
    try {
      store.removeCompleted(s, PlanDriver.DRIVER, "release plan '" + shape.release() + "' completed and its retire "
          + "stage removes its flags: " + s.evidence());
      log.info("release '{}': its flag '{}' was removed from the store; the plan stays completed, everyone on the new "
          + "implementation; deleting the old code stays with people", shape.release(), store.flagKey());
    } catch (VersionConflictException e) {
      log.debug("release '{}': its flag was changed or removed by another instance meanwhile", shape.release());
    } catch (RuntimeException e) {
      log.info("release '{}': its flag could not be removed now (retried at the next look): {}", shape.release(),
          e.getMessage());
    }
  }

  private interface Quiet {
    void run() throws Exception;
  }

  private void quietly(Quiet r) {
    try {
      r.run();
    } catch (Exception e) {
      log.info("release '{}': {}", shape.release(), e.getMessage());
    }
  }
}
