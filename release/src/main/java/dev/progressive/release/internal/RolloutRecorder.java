package dev.progressive.release.internal;

import dev.progressive.canary.FleetStore;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import dev.progressive.toggles.VariantRecorder;
import java.util.List;
import java.util.function.Supplier;

/**
 * The variant recorder a feature-rollout plan registers for its flag: counts the calls served with the new and the
 * old variant in the rollout step in force on this instance (other variants, and calls outside a running rollout
 * step, are not counted), and publishes the step's window to the fleet store at every look.
 */
final class RolloutRecorder implements VariantRecorder {

  private final List<Stage> stages;
  private final Supplier<StoredPlan> inForce;
  private final String newVariant;
  private final String oldVariant;
  private volatile VariantWindow window = new VariantWindow(StoredPlan.initial());

  RolloutRecorder(List<Stage> stages, Supplier<StoredPlan> inForce, String newVariant, String oldVariant) {
    this.stages = stages;
    this.inForce = inForce;
    this.newVariant = newVariant;
    this.oldVariant = oldVariant;
  }

  @Override
  public void record(String flagKey, String variant, boolean success, long durationNanos) {
    boolean isNew = newVariant.equals(variant);
    if (!isNew && !oldVariant.equals(variant)) {
      return;
    }
    StoredPlan s = inForce.get();
    if (!judged(s)) {
      return;
    }
    window(s).record(isNew, success, durationNanos);
  }

  /** Publishes this instance's window of the step in force, when it is a running rollout step. */
  void publish(FleetStore fleet, FleetStore.WindowKey key, StoredPlan s, String instance, long now) throws Exception {
    if (!judged(s)) {
      return;
    }
    fleet.publish(key, new FleetStore.WindowRow(instance, VariantWindow.FORMAT, window(s).encode(), now));
  }

  private boolean judged(StoredPlan s) {
    return s.state() == ReleaseState.RUNNING && s.stage() >= 0 && s.stage() < stages.size()
        && stages.get(s.stage()).kind() == StageKind.FEATURE_ROLLOUT;
  }

  private VariantWindow window(StoredPlan s) {
    VariantWindow w = window;
    if (!w.stage().sameStage(s)) {
      synchronized (this) {
        w = window;
        if (!w.stage().sameStage(s)) {
          w = new VariantWindow(s);
          window = w;
        }
      }
    }
    return w;
  }
}
