package dev.progressive.spring.release;

import dev.progressive.canary.Canary;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowReport;
import dev.progressive.release.ComparisonSource;
import dev.progressive.release.InvalidReleasePlanException;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.Stage;
import dev.progressive.spring.canary.CanaryBeanRegistrar;
import dev.progressive.spring.canary.ProgressiveCanaryProperties;
import dev.progressive.spring.release.ProgressiveReleaseProperties.Kind;
import dev.progressive.spring.release.ProgressiveReleaseProperties.StageDefinition;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.FlagView;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Turns one {@code progressive.releases.<name>} entry into a {@link ReleasePlan}: resolves its canary, its
 * experiments, its HTTP shadow routes and its rolled-out flag by name, and fails with the property path in front of
 * what was wrong (an unknown canary, experiment, route, flag or variant, a setting that does not fit its stage, a plan
 * that
 * {@link ReleasePlan.Builder#build()} refuses, mapped back to the stage's property).
 */
final class PropertyPlans {

  /**
   * What a plan is built with: the canaries, the runner and the HTTP shadow the names resolve to (runner and shadow
   * null when the application has none), the experiments that are declared but built only at their first call
   * ({@code @ParallelRun} methods and {@code progressive.parallel-run.experiments}), and the application's meter
   * registry (null when it has no single one), which is the one the shadow auto-configuration builds the shadow with.
   */
  record Context(Toggles toggles, Map<String, Canary> canaries, ParallelRunner runner,
      Map<String, Boolean> autoStartedCanaries, Set<String> experimentsBuiltLater, HttpShadow shadow,
      MeterRegistry registry) {}

  /** The library's default rollout steps, which {@code Stage.Builder.steps} documents: one stage each. */
  private static final int DEFAULT_ROLLOUT_STEPS = 4;

  /** How {@code ReleasePlan.Builder.build()} names a stage at fault: {@code release plan 'p': stage 2 'dark'}. */

  private PropertyPlans() {}

  static String property(String name) {
    return ReleaseRegistry.PREFIX + name;
  }

  /** The plan of one entry, checked, with the fleet, scheduler and meters that {@code wiring} adds. */
  static ReleasePlan build(String name, ProgressiveReleaseProperties.Plan plan, Context context,
      Consumer<ReleasePlan.Builder> wiring) {
    String property = property(name);
    List<StageDefinition> stages = plan.getStages();
    boolean rollout = stages.stream().anyMatch(d -> d != null && d.getKind() == Kind.FEATURE_ROLLOUT);
    Canary canary = canary(property, plan, context, rollout);
    ReleasePlan.Builder builder;
    try {
      builder = canary == null ? ReleasePlan.builder(name, context.toggles())
          : ReleasePlan.builder(name, context.toggles(), canary);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
    }
    builder.experimentsBuiltLater(context.experimentsBuiltLater());
    if (plan.getInterval() != null) {
      try {
        builder.interval(plan.getInterval());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(property + ".interval: " + e.getMessage(), e);
      }
    }
    if (stages.isEmpty()) {
      throw new IllegalArgumentException(property + ".stages is empty: a plan needs at least one stage, e.g. "
          + property + ".stages[0].kind=dark");
    }
    // the property index of each of the library's stages: a feature rollout is one stage per step
    List<Integer> definitionOf = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      String at = property + ".stages[" + i + "]";
      StageDefinition d = stages.get(i);
      Stage.Builder stage = stage(at, d, context);
      try {
        builder.stage(stage);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // a rollout step the judge could never pass: too few requests for its metrics at its alpha
        String setting = e.getMessage().contains("minRequestsPerVariant") ? ".min-requests-per-variant" : "";
        throw new IllegalArgumentException(at + setting + ": " + e.getMessage(), e);
      }
      int made = d.getKind() != Kind.FEATURE_ROLLOUT ? 1
          : d.getSteps().isEmpty() ? DEFAULT_ROLLOUT_STEPS : d.getSteps().size();
      for (int k = 0; k < made; k++) {
        definitionOf.add(i);
      }
    }
    wiring.accept(builder);
    try {
      return builder.build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      int stage = e instanceof InvalidReleasePlanException invalid ? invalid.stageIndex() : -1;
      String at = stage >= 0 && stage < definitionOf.size()
          ? property + ".stages[" + definitionOf.get(stage) + "]" : property + ".stages";
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  /** The plan's canary; null for a guarded feature rollout, which names none. */
  private static Canary canary(String property, ProgressiveReleaseProperties.Plan plan, Context context,
      boolean rollout) {
    if (plan.getCanary() == null || plan.getCanary().isBlank()) {
      if (rollout) {
        return null;
      }
      throw new IllegalArgumentException(property + ".canary is required: the name of the canary the plan drives "
          + "(only a guarded feature rollout, of feature-rollout and approval stages, has none); the known canaries "
          + "are " + context.canaries().keySet());
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
    return canary;
  }

  /** One stage; errors name the property, such as {@code progressive.releases.p.stages[1].min-match-rate}. */
  static Stage.Builder stage(String property, StageDefinition d, Context context) {
    if (d == null || d.getKind() == null) {
      throw new IllegalArgumentException(property + ".kind is required: dark, preview, verify, canary, approval, "
          + "switch, retire or feature-rollout");
    }
    Stage.Builder b = switch (d.getKind()) {
      case DARK -> Stage.dark();
      case PREVIEW -> Stage.preview();
      case VERIFY -> verify(property, d, context);
      case CANARY -> Stage.canary();
      case APPROVAL -> Stage.approval();
      case SWITCH -> Stage.switchover();
      case RETIRE -> Stage.retire();
      case FEATURE_ROLLOUT -> featureRollout(property, d, context.toggles());
    };
    String kind = d.getKind().name().toLowerCase(Locale.ROOT).replace('_', '-');
    if (d.getKind() != Kind.VERIFY) {
      notFor(property, "experiment", d.getExperiment(), kind);
      notFor(property, "shadow-route", d.getShadowRoute(), kind);
    }
    if (d.getKind() != Kind.FEATURE_ROLLOUT) {
      notFor(property, "flag", d.getFlag(), kind);
      notFor(property, "new-variant", d.getNewVariant(), kind);
      notFor(property, "old-variant", d.getOldVariant(), kind);
    }
    set(property, "name", d.getName(), b::name);
    set(property, "min-successful-calls", d.getMinSuccessfulCalls(), b::minSuccessfulCalls);
    set(property, "fail-above-error-rate", d.getFailAboveErrorRate(), b::failAboveErrorRate);
    set(property, "min-calls-to-judge", d.getMinCallsToJudge(), b::minCallsToJudge);
    set(property, "min-comparisons", d.getMinComparisons(), b::minComparisons);
    set(property, "min-match-rate", d.getMinMatchRate(), b::minMatchRate);
    set(property, "window", d.getWindow(), b::window);
    set(property, "fail-above-mismatch-rate", d.getFailAboveMismatchRate(), b::failAboveMismatchRate);
    if (!d.getNoise().isEmpty()) {
      set(property, "noise", d.getNoise(), v -> b.noise(v.toArray(ComparisonOutcome[]::new)));
    }
    set(property, "keep-old", d.getKeepOld(), b::keepOld);
    set(property, "quiet-period", d.getQuietPeriod(), b::quietPeriod);
    set(property, "remove-flags", d.getRemoveFlags(), b::removeFlags);
    if (!d.getSteps().isEmpty()) {
      set(property, "steps", d.getSteps(), v -> b.steps(v.stream().mapToInt(PropertyPlans::percent).toArray()));
    }
    List<ProgressiveCanaryProperties.AnalysisMetric> metrics = d.getMetrics();
    for (int i = 0; i < metrics.size(); i++) {
      String metric = "metrics[" + i + "]";
      set(property, metric, CanaryBeanRegistrar.metric(property + "." + metric, metrics.get(i)), b::metric);
    }
    set(property, "min-duration", d.getMinDuration(), b::minDuration);
    set(property, "min-requests-per-variant", d.getMinRequestsPerVariant(), b::minRequestsPerVariant);
    set(property, "max-inconclusive", d.getMaxInconclusive(), b::maxInconclusive);
    set(property, "alpha", d.getAlpha(), b::alpha);
    return b;
  }

  /** A verify stage on an experiment of the parallel runner, or on a route of the HTTP shadow. */
  private static Stage.Builder verify(String property, StageDefinition d, Context context) {
    boolean byExperiment = d.getExperiment() != null && !d.getExperiment().isBlank();
    boolean byRoute = d.getShadowRoute() != null && !d.getShadowRoute().isBlank();
    if (byExperiment && byRoute) {
      throw new IllegalArgumentException(property + ".shadow-route: a verify stage counts the comparisons of one "
          + "source, so set either experiment ('" + d.getExperiment().strip() + "') or shadow-route ('"
          + d.getShadowRoute().strip() + "'), not both");
    }
    if (byRoute) {
      return shadowVerify(property, d.getShadowRoute().strip(), context);
    }
    if (!byExperiment) {
      throw new IllegalArgumentException(property + ".experiment is required for a verify stage, or "
          + property + ".shadow-route: the name of a parallel-run experiment, or of a route of the HTTP shadow "
          + "(progressive.parallel-run.shadow.routes[i].name)");
    }
    ParallelRunner runner = context.runner();
    if (runner == null) {
      throw new IllegalArgumentException(property + ".experiment: there is no ParallelRunner (parallel runs are "
          + "off), so a verify stage cannot count comparisons");
    }
    String experiment = d.getExperiment().strip();
    if (runner.experiment(experiment).isEmpty() && !context.experimentsBuiltLater().contains(experiment)) {
      Set<String> known = new TreeSet<>(context.experimentsBuiltLater());
      runner.experiments().stream().map(Experiment::name).forEach(known::add);
      throw new IllegalArgumentException(property + ".experiment names experiment '" + experiment + "', which the "
          + "application does not declare; the known experiments (built on the parallel runner, named by "
          + "@ParallelRun methods or in progressive.parallel-run.experiments) are " + known);
    }
    return Stage.verify(runner, experiment);
  }

  /**
   * A verify stage on a route of the application's HTTP shadow, read from the registry the shadow counts in: the
   * application's single {@code MeterRegistry}, which the shadow auto-configuration builds the shadow with.
   */
  private static Stage.Builder shadowVerify(String property, String route, Context context) {
    String at = property + ".shadow-route";
    HttpShadow shadow = context.shadow();
    if (shadow == null) {
      throw new IllegalArgumentException(at + " names HTTP shadow route '" + route + "', but the application has no "
          + "HTTP shadow: it has one in a servlet application with progressive.parallel-run.shadow.candidate and "
          + "progressive.parallel-run.shadow.routes set, or with one HttpShadow bean of its own");
    }
    List<String> routes = shadow.report().endpoints().stream().map(ShadowReport.Endpoint::name).toList();
    if (!routes.contains(route)) {
      throw new IllegalArgumentException(at + " names HTTP shadow route '" + route + "', which the HTTP shadow does "
          + "not have; its routes (progressive.parallel-run.shadow.routes[i].name) are " + routes);
    }
    MeterRegistry registry = context.registry();
    if (registry == null) {
      throw new IllegalArgumentException(at + " names HTTP shadow route '" + route + "', but the application has "
          + "no single MeterRegistry bean, so the shadow counts its comparisons in a registry of its own that the "
          + "plan cannot read: declare one MeterRegistry (Spring Boot's actuator does)");
    }
    ComparisonSource source = ComparisonSource.httpShadow(shadow, route, registry);
    try {
      source.check();
    } catch (IllegalStateException e) {
      // an HttpShadow bean of the application's own, built with another registry (or none)
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
    return Stage.verify(source);
  }

  /** A feature rollout of a flag the toggles define, between two of its variants. */
  private static Stage.Builder featureRollout(String property, StageDefinition d, Toggles toggles) {
    String flag = required(property, "flag", d.getFlag(), "the flag whose fractional weights the plan writes");
    String newVariant = required(property, "new-variant", d.getNewVariant(), "the variant being rolled out");
    String oldVariant = required(property, "old-variant", d.getOldVariant(), "the variant it replaces");
    Optional<FlagView> view = toggles.admin().flag(flag);
    if (view.isEmpty()) {
      List<String> flags = toggles.admin().flags().stream().map(FlagView::key)
          .filter(k -> !k.startsWith("canary.") && !k.startsWith("release.")).sorted().toList();
      throw new IllegalArgumentException(property + ".flag names flag '" + flag + "', which the toggles do not "
          + "define; they define " + (flags.size() > 20 ? flags.subList(0, 20) + " and " + (flags.size() - 20)
          + " more" : flags));
    }
    for (String[] variant : List.of(new String[] {"new-variant", newVariant}, new String[] {"old-variant",
        oldVariant})) {
      if (!view.get().variants().contains(variant[1])) {
        throw new IllegalArgumentException(property + "." + variant[0] + " names variant '" + variant[1]
            + "', which flag '" + flag + "' does not have; it has " + view.get().variants());
      }
    }
    try {
      return Stage.featureRollout(flag, newVariant, oldVariant);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(property + ".new-variant: " + e.getMessage(), e);
    }
  }

  private static String required(String property, String setting, String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(property + "." + setting + " is required for a feature-rollout stage: "
          + what);
    }
    return value.strip();
  }

  private static int percent(Integer step) {
    if (step == null) {
      throw new IllegalArgumentException("a rollout step is a percent in 1 to 100, was empty");
    }
    return step;
  }

  private static void notFor(String property, String setting, String value, String kind) {
    if (value != null) {
      throw new IllegalArgumentException(property + "." + setting + ": " + setting + " does not apply to a " + kind
          + " stage");
    }
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
