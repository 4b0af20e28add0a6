package dev.progressive.release.internal;

import dev.progressive.release.ReleaseState;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps a feature-rollout plan's flag at the weights its state asks for: the new variant at the rollout step's
 * percent while the plan is at one (and at the last step it reached while at a later stage), 100% once completed,
 * and the old variant at 100% once rolled back. Each change is one compare-and-set on the flag's version through
 * {@code FlagAdmin}, with the plan's actor and a reason that carries the transition's evidence; a flag already at
 * the weights is not written.
 */
final class FlagWeights implements StageEffects {

  private final String release;
  private final List<Stage> stages;
  private final Toggles toggles;
  private final String flagKey;
  private final String newVariant;
  private final String oldVariant;

  FlagWeights(String release, List<Stage> stages, Toggles toggles) {
    this.release = release;
    this.stages = stages;
    this.toggles = toggles;
    Stage first = stages.stream().filter(s -> s.kind() == StageKind.FEATURE_ROLLOUT).findFirst().orElseThrow();
    this.flagKey = first.flagKey();
    this.newVariant = first.newVariant();
    this.oldVariant = first.oldVariant();
  }

  String flagKey() {
    return flagKey;
  }

  /** The new variant's percent that the stored state asks for, or empty when it asks for nothing (pending). */
  Optional<Integer> percentFor(StoredPlan s) {
    if (s.state() == ReleaseState.ROLLED_BACK) {
      return Optional.of(0);
    }
    if (s.state() == ReleaseState.COMPLETED) {
      return Optional.of(100);
    }
    if (s.state() == ReleaseState.PENDING || s.stage() < 0) {
      return Optional.empty();
    }
    for (int i = Math.min(s.stage(), stages.size() - 1); i >= 0; i--) {
      if (stages.get(i).kind() == StageKind.FEATURE_ROLLOUT) {
        return Optional.of(stages.get(i).percent());
      }
    }
    return Optional.of(0); // an approval before the first step: nobody on the new variant yet
  }

  /**
   * Writes the weights the state asks for, unless the flag has them already.
   *
   * @param actor who made the transition
   * @param why the transition and its evidence, for the flag's audit
   * @return whether the flag was written
   */
  @Override
  public void ensure(StoredPlan s, String actor, String why) {
    write(s, actor, why);
  }

  @Override
  public String what() {
    return "flag '" + flagKey + "'";
  }

  boolean write(StoredPlan s, String actor, String why) {
    Optional<Integer> percent = percentFor(s);
    if (percent.isEmpty()) {
      return false;
    }
    Map<String, Integer> weights = new LinkedHashMap<>();
    weights.put(newVariant, percent.get());
    weights.put(oldVariant, 100 - percent.get());
    FlagView view = toggles.admin().flag(flagKey).orElseThrow(() -> new IllegalStateException("release '"
        + release + "': flag '" + flagKey + "' is not defined, so its rollout cannot be written"));
    Map<String, Integer> current = view.override().weights();
    if (weights.equals(current)) {
      return false;
    }
    toggles.admin().setWeights(flagKey, weights, ChangeRequest.of(actor, "[release " + release + "] '" + newVariant
        + "' at " + percent.get() + "%: " + why, view.version()));
    return true;
  }
}
