package dev.progressive.release.internal;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import java.util.List;
import java.util.function.Predicate;

/**
 * Makes the plan's canary match the plan: started in the canary stage, promoted once the plan is past its promotion,
 * aborted when the plan is rolled back.
 */
final class CanaryEffects implements StageEffects {

  private final String release;
  private final List<Stage> stages;
  private final Canary canary;
  private final Predicate<StoredPlan> promoted;

  CanaryEffects(String release, List<Stage> stages, Canary canary, Predicate<StoredPlan> promoted) {
    this.release = release;
    this.stages = stages;
    this.canary = canary;
    this.promoted = promoted;
  }

  @Override
  public void ensure(StoredPlan s, String actor, String why) {
    CanaryState c = canary.state();
    if (s.state() == ReleaseState.ROLLED_BACK) {
      if (!c.isFinal()) {
        canary.abort(PlanDriver.DRIVER, "release plan '" + release + "' was rolled back");
      }
      return;
    }
    if (s.stage() < 0 || s.state() == ReleaseState.PENDING) {
      return;
    }
    boolean past = s.state() == ReleaseState.COMPLETED || promoted.test(s);
    if (past && !c.isFinal()) {
      canary.promote(PlanDriver.DRIVER, "release plan '" + release + "' is past its promotion", true);
    } else if (!past && s.stage() < stages.size() && stages.get(s.stage()).kind() == StageKind.CANARY
        && c == CanaryState.PENDING && s.state() == ReleaseState.RUNNING) {
      canary.start(PlanDriver.DRIVER, "release plan '" + release + "' entered stage '"
          + stages.get(s.stage()).name() + "'");
    }
  }

  @Override
  public String what() {
    return "canary '" + canary.release().name() + "'";
  }
}
