package dev.progressive.release.internal;

import dev.progressive.canary.Canary;
import dev.progressive.canary.Cohort;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import java.time.Clock;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Routes the calls of a plan that drives a canary by the plan's state in force, and counts in the current stage's
 * window what its gates need: calls served by the old implementation, and the explicit calls of the new one (an
 * explicit canary cohort, or any call that reaches it in a dark or preview stage), successful and failed.
 */
final class PlanRouter {

  private final String release;
  private final List<Stage> stages;
  private final Canary canary;
  /** The flag a guarded feature rollout drives instead of a canary; null for a canary plan. */
  private final String rolloutFlag;
  private final Supplier<StoredPlan> inForce;
  private final Supplier<StageWindow> window;
  private final Predicate<StoredPlan> promoted;
  private final Clock clock;

  PlanRouter(String release, List<Stage> stages, Canary canary, String rolloutFlag, Supplier<StoredPlan> inForce,
      Supplier<StageWindow> window, Predicate<StoredPlan> promoted, Clock clock) {
    this.release = release;
    this.stages = stages;
    this.canary = canary;
    this.rolloutFlag = rolloutFlag;
    this.inForce = inForce;
    this.window = window;
    this.promoted = promoted;
    this.clock = clock;
  }

  /** The side for a key by the plan's state in force, with the caller's explicit cohort (null when none). */
  Cohort decide(String key, Cohort explicit) {
    requireCanary("decide");
    StoredPlan s = inForce.get();
    switch (s.state()) {
      case PENDING:
      case ROLLED_BACK:
        return Cohort.BASELINE;
      case COMPLETED:
        return explicit != null ? explicit : Cohort.CANARY;
      default:
        if (promoted.test(s)) {
          return explicit != null ? explicit : Cohort.CANARY;
        }
        return canary.decide(key, explicit);
    }
  }

  /** Routes, runs and records one call: the old implementation is the canary's baseline, the new its canary. */
  <T> T call(String key, Cohort explicit, Supplier<T> oldImpl, Supplier<T> newImpl) {
    requireCanary("call");
    Cohort side = decide(key, explicit);
    StageWindow w = window.get();
    Supplier<T> old = () -> {
      w.oldServed(clock.millis());
      return oldImpl.get();
    };
    Supplier<T> neu = newImpl;
    if (side == Cohort.CANARY && (explicit == Cohort.CANARY || darkStage(inForce.get()))) {
      neu = () -> {
        T value;
        try {
          value = newImpl.get();
        } catch (RuntimeException e) {
          w.explicitFailure();   // the canary records it and falls back to the old implementation
          throw e;
        }
        w.explicitSuccess();
        return value;
      };
    }
    return canary.call(key, side, old, neu);
  }

  /** Whether the plan is in a dark or preview stage, where only explicit cohorts (header, allow-list) reach the new. */
  private boolean darkStage(StoredPlan s) {
    if (s.stage() < 0 || s.state().isFinal() || s.state() == ReleaseState.PENDING) {
      return false;
    }
    if (s.stage() >= stages.size()) {
      return false;
    }
    StageKind kind = stages.get(s.stage()).kind();
    return kind == StageKind.DARK || kind == StageKind.PREVIEW;
  }

  /** Records a call that the caller routed by itself with {@link #decide}. */
  void record(Cohort explicit, Cohort served, boolean success) {
    requireCanary("record");
    StageWindow w = window.get();
    if (served == Cohort.BASELINE) {
      w.oldServed(clock.millis());
    } else if (explicit == Cohort.CANARY || darkStage(inForce.get())) {
      if (success) {
        w.explicitSuccess();
      } else {
        w.explicitFailure();
      }
    }
  }

  private void requireCanary(String what) {
    if (canary == null) {
      throw new IllegalStateException("release '" + release + "' rolls out flag '" + rolloutFlag + "', which "
          + "routes by itself: " + what + " applies to a plan that drives a canary; record the calls served per "
          + "variant with Toggles.variantRecording()");
    }
  }
}
