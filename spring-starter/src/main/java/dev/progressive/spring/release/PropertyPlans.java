package dev.progressive.spring.release;

import dev.progressive.canary.Canary;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.Stage;
import dev.progressive.spring.release.ProgressiveReleaseProperties.StageDefinition;
import dev.progressive.toggles.Toggles;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns one {@code progressive.releases.<name>} entry into a {@link ReleasePlan.Builder}: resolves its canary and its
 * experiments by name, and fails with the property path in front of what was wrong (an unknown canary or experiment,
 * a setting that does not fit its stage, a plan that {@link ReleasePlan.Builder#build()} refuses).
 */
final class PropertyPlans {

  /** What a plan is built with: the canaries and the runner the names resolve to. */
  record Context(Toggles toggles, Map<String, Canary> canaries, ParallelRunner runner, Map<String, Boolean> autoStartedCanaries) {}

  private PropertyPlans() {}

  static String property(String name) {
    return ReleaseRegistry.PREFIX + name;
  }

  /** The stages and canary of one plan, checked; the caller adds the fleet, scheduler and meters, then builds. */
  static ReleasePlan build(String name, ProgressiveReleaseProperties.Plan plan, Context context,
      Consumer<ReleasePlan.Builder> wiring) {
    String property = property(name);
    if (plan.getCanary() == null || plan.getCanary().isBlank()) {
      throw new IllegalArgumentException(property + ".canary is required: the name of the canary the plan drives; "
          + "the known canaries are " + context.canaries().keySet());
    }
    Canary canary = context.canaries().get(plan.getCanary().strip());
    if (canary == null) {
      throw new IllegalArgumentException(property + ".canary names canary '" + plan.getCanary().strip()
          + "', which the application does not have; the known canaries are " + context.canaries().keySet());
    }
    if (Boolean.TRUE.equals(context.autoStartedCanaries().get(canary.release().name()))) {
      throw new IllegalArgumentException(property + ".canary names canary '" + canary.release().name()
          + "', which starts by itself (progressive.canary.canaries." + canary.release().name() + ".auto-start=true)"
          + ": the plan starts its canary at its canary stage, so set that auto-start to false");
    }
    ReleasePlan.Builder builder;
    try {
      builder = ReleasePlan.builder(name, context.toggles(), canary);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
    }
    if (plan.getInterval() != null) {
      try {
        builder.interval(plan.getInterval());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(property + ".interval: " + e.getMessage(), e);
      }
    }
    List<StageDefinition> stages = plan.getStages();
    if (stages.isEmpty()) {
      throw new IllegalArgumentException(property + ".stages is empty: a plan needs at least one stage, e.g. "
          + property + ".stages[0].kind=dark");
    }
    for (int i = 0; i < stages.size(); i++) {
      builder.stage(stage(property + ".stages[" + i + "]", stages.get(i), context.runner()));
    }
    wiring.accept(builder);
    try {
      return builder.build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new IllegalArgumentException(property + ".stages: " + e.getMessage(), e);
    }
  }

  /** One stage; errors name the property, such as {@code progressive.releases.p.stages[1].min-match-rate}. */
  static Stage stage(String property, StageDefinition d, ParallelRunner runner) {
    if (d == null || d.getKind() == null) {
      throw new IllegalArgumentException(property + ".kind is required: dark, preview, verify, canary, approval, "
          + "switch or retire");
    }
    Stage.Builder b = switch (d.getKind()) {
      case DARK -> Stage.dark();
      case PREVIEW -> Stage.preview();
      case VERIFY -> {
        if (d.getExperiment() == null || d.getExperiment().isBlank()) {
          throw new IllegalArgumentException(property + ".experiment is required for a verify stage: the name of a "
              + "parallel-run experiment");
        }
        if (runner == null) {
          throw new IllegalArgumentException(property + ".experiment: there is no ParallelRunner (parallel runs are "
              + "off), so a verify stage cannot count comparisons");
        }
        String experiment = d.getExperiment().strip();
        if (runner.experiment(experiment).isEmpty()) {
          throw new IllegalArgumentException(property + ".experiment names experiment '" + experiment + "', which "
              + "the parallel runner does not know; it knows " + runner.experiments().stream()
              .map(e -> "'" + e.name() + "'").toList());
        }
        yield Stage.verify(runner, experiment);
      }
      case CANARY -> Stage.canary();
      case APPROVAL -> Stage.approval();
      case SWITCH -> Stage.switchover();
      case RETIRE -> Stage.retire();
    };
    set(property, "name", d.getName(), b::name);
    set(property, "min-successful-calls", d.getMinSuccessfulCalls(), b::minSuccessfulCalls);
    if (d.getKind() != ProgressiveReleaseProperties.Kind.VERIFY) {
      set(property, "experiment", d.getExperiment(), v -> {
        throw new IllegalStateException("experiment does not apply to a "
            + d.getKind().name().toLowerCase(Locale.ROOT) + " stage");
      });
    }
    set(property, "min-comparisons", d.getMinComparisons(), b::minComparisons);
    set(property, "min-match-rate", d.getMinMatchRate(), b::minMatchRate);
    set(property, "window", d.getWindow(), b::window);
    set(property, "fail-above-mismatch-rate", d.getFailAboveMismatchRate(), b::failAboveMismatchRate);
    if (!d.getNoise().isEmpty()) {
      set(property, "noise", d.getNoise(), v -> b.noise(v.toArray(ComparisonOutcome[]::new)));
    }
    set(property, "keep-old", d.getKeepOld(), b::keepOld);
    set(property, "quiet-period", d.getQuietPeriod(), b::quietPeriod);
    return b.build();
  }

  private static <T> void set(String property, String setting, T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(property + "." + setting + ": " + e.getMessage(), e);
    }
  }
}
