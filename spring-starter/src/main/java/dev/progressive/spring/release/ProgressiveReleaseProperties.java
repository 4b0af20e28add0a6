package dev.progressive.spring.release;

import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.spring.canary.ProgressiveCanaryProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Release plans declared in properties: one {@code ReleasePlan} per entry of {@code progressive.releases}, each over
 * one configured or declared canary, or, for a guarded feature rollout, over one flag of the toggles. See
 * docs/releases.md.
 *
 * <pre>
 * progressive.releases.pricing-v2.canary=pricing
 * progressive.releases.pricing-v2.auto-start=true
 * progressive.releases.pricing-v2.stages[0].kind=dark
 * progressive.releases.pricing-v2.stages[0].min-successful-calls=50
 * progressive.releases.pricing-v2.stages[1].kind=verify
 * progressive.releases.pricing-v2.stages[1].experiment=pricing
 * progressive.releases.pricing-v2.stages[2].kind=canary
 * progressive.releases.pricing-v2.stages[3].kind=approval
 * progressive.releases.pricing-v2.stages[4].kind=retire
 * progressive.releases.pricing-v2.stages[4].remove-flags=true
 *
 * progressive.releases.checkout-ui.stages[0].kind=feature-rollout
 * progressive.releases.checkout-ui.stages[0].flag=checkout-ui
 * progressive.releases.checkout-ui.stages[0].new-variant=new
 * progressive.releases.checkout-ui.stages[0].old-variant=old
 * progressive.releases.checkout-ui.stages[0].steps=1,5,25,100
 * progressive.releases.checkout-ui.stages[0].metrics[0].kind=error-rate
 * </pre>
 */
@ConfigurationProperties("progressive")
public class ProgressiveReleaseProperties {

  /** Release plans by name; each name is also the plan's flag {@code release.<name>}. */
  private Map<String, Plan> releases = new LinkedHashMap<>();

  public Map<String, Plan> getReleases() {
    return releases;
  }

  public void setReleases(Map<String, Plan> releases) {
    this.releases = releases;
  }

  /** One release plan. */
  public static class Plan {

    /**
     * The name of the canary the plan drives (a {@code progressive.canary.canaries} entry or a {@code Canary} bean):
     * its baseline is the old implementation, its canary the new one. Required unless the plan is a guarded feature
     * rollout (feature-rollout and approval stages only), which drives a flag and has no canary.
     */
    private String canary;

    /** Whether to start the plan at its first stage once the application has started, when it is still pending. */
    private boolean autoStart;

    /** How often the driver checks the gate; default: the canary's analysis interval, or 1 minute for a rollout. */
    private Duration interval;

    /** The stages, in order. */
    private List<StageDefinition> stages = new ArrayList<>();

    public String getCanary() {
      return canary;
    }

    public void setCanary(String canary) {
      this.canary = canary;
    }

    public boolean isAutoStart() {
      return autoStart;
    }

    public void setAutoStart(boolean autoStart) {
      this.autoStart = autoStart;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public List<StageDefinition> getStages() {
      return stages;
    }

    public void setStages(List<StageDefinition> stages) {
      this.stages = stages;
    }
  }

  /** What a stage does. */
  public enum Kind {
    /** Weight 0, explicit cohorts only; manual gate, or {@code min-successful-calls}. */
    DARK,
    /** Blue-green's preview: as dark. */
    PREVIEW,
    /** A parallel-run experiment or an HTTP shadow's route compares old and new. */
    VERIFY,
    /** The canary's steps and judge. */
    CANARY,
    /** Waits for a person to approve. */
    APPROVAL,
    /** Blue-green's one switch to 100%, the old kept ready for {@code keep-old}. */
    SWITCH,
    /**
     * Watches the old path until it is unused for {@code quiet-period}; then, with {@code remove-flags}, removes the
     * plan's flag.
     */
    RETIRE,
    /**
     * A guarded feature rollout of {@code flag}: one stage per percent of {@code steps}, each judged on the calls
     * served with {@code new-variant} against those served with {@code old-variant}; in a plan without a canary.
     */
    FEATURE_ROLLOUT
  }

  /** One stage; a setting that does not apply to the stage's kind fails startup. */
  public static class StageDefinition {

    /** The stage's kind: dark, preview, verify, canary, approval, switch, retire or feature-rollout. */
    private Kind kind;

    /**
     * The stage's name, unique in the plan; default: its kind. A feature rollout's stages are named
     * {@code <name>-<percent>}, by default {@code rollout-1}, {@code rollout-5}, ...
     */
    private String name;

    /** Dark and preview: successful explicit calls to the new implementation the gate needs; unset: a manual gate. */
    private Long minSuccessfulCalls;
    private Double failAboveErrorRate;
    private Long minCallsToJudge;

    /**
     * Verify: the name of an experiment on the application's parallel runner: one built already, one of a
     * {@code @ParallelRun} method (built at its first call), or one named in
     * {@code progressive.parallel-run.experiments}.
     */
    private String experiment;

    /**
     * Verify: the name of a route of the application's HTTP shadow (a
     * {@code progressive.parallel-run.shadow.routes[i].name}) whose comparisons the stage counts, in the registry the
     * shadow counts in; instead of {@code experiment}: a verify stage names exactly one of the two.
     */
    private String shadowRoute;

    /** Verify: the comparisons the fleet must make in the stage (default 100). */
    private Long minComparisons;

    /** Verify: the match rate the gate needs, in (0, 1] (default 0.99). */
    private Double minMatchRate;

    /** Verify: how long the stage lasts at least (default 0). */
    private Duration window;

    /** Verify: a mismatch rate above this, once min-comparisons were made, rolls the plan back (default 1: never). */
    private Double failAboveMismatchRate;

    /** Verify: comparison outcomes that are noise, counted neither way, such as timeout or rejected. */
    private List<ComparisonOutcome> noise = new ArrayList<>();

    /** Switch: how long the old implementation stays ready, a rollback being instant (default 30 minutes). */
    private Duration keepOld;

    /** Retire: how long no instance may serve the old path before the plan completes (default 24 hours). */
    private Duration quietPeriod;

    /**
     * Retire: whether, once the old implementation can be removed, the plan also removes its flag
     * {@code release.<name>} from the store, audited (default false); the canary's flag and the old code stay.
     */
    private Boolean removeFlags;

    /** Feature rollout: the flag whose {@code fractional} weights the plan writes; one of the toggles' flags. */
    private String flag;

    /** Feature rollout: the variant being rolled out, one of the flag's (the judge's canary side). */
    private String newVariant;

    /** Feature rollout: the variant it replaces, one of the flag's (the judge's baseline side). */
    private String oldVariant;

    /**
     * Feature rollout: the new variant's percents, increasing, each in 1 to 100, the last 100; one stage each
     * (default 1, 5, 25, 100).
     */
    private List<Integer> steps = new ArrayList<>();

    /**
     * Feature rollout: the metrics the judge compares between the new and the old variant, declared as a canary's
     * ({@code kind}, {@code quantile}, {@code direction}, {@code allowed-change}, {@code pass-margin},
     * {@code negligible-rate}, {@code critical}); none: the canaries' error rate, latency and p99 latency.
     */
    private List<ProgressiveCanaryProperties.AnalysisMetric> metrics = new ArrayList<>();

    /** Feature rollout: how long each step lasts at least before it can pass (default 10 minutes). */
    private Duration minDuration;

    /** Feature rollout: calls each variant must serve on the fleet in a step before it can pass (default 1,000). */
    private Long minRequestsPerVariant;

    /** Feature rollout: how long a step may stay inconclusive before the plan rolls back (default 30 minutes). */
    private Duration maxInconclusive;

    /** Feature rollout: the judge's false-alarm budget per step, in (0, 0.5) (default 0.005, as a canary's). */
    private Double alpha;

    public Kind getKind() {
      return kind;
    }

    public void setKind(Kind kind) {
      this.kind = kind;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Long getMinSuccessfulCalls() {
      return minSuccessfulCalls;
    }

    public void setMinSuccessfulCalls(Long minSuccessfulCalls) {
      this.minSuccessfulCalls = minSuccessfulCalls;
    }

    public Double getFailAboveErrorRate() {
      return failAboveErrorRate;
    }

    public void setFailAboveErrorRate(Double failAboveErrorRate) {
      this.failAboveErrorRate = failAboveErrorRate;
    }

    public Long getMinCallsToJudge() {
      return minCallsToJudge;
    }

    public void setMinCallsToJudge(Long minCallsToJudge) {
      this.minCallsToJudge = minCallsToJudge;
    }

    public String getExperiment() {
      return experiment;
    }

    public void setExperiment(String experiment) {
      this.experiment = experiment;
    }

    public String getShadowRoute() {
      return shadowRoute;
    }

    public void setShadowRoute(String shadowRoute) {
      this.shadowRoute = shadowRoute;
    }

    public Long getMinComparisons() {
      return minComparisons;
    }

    public void setMinComparisons(Long minComparisons) {
      this.minComparisons = minComparisons;
    }

    public Double getMinMatchRate() {
      return minMatchRate;
    }

    public void setMinMatchRate(Double minMatchRate) {
      this.minMatchRate = minMatchRate;
    }

    public Duration getWindow() {
      return window;
    }

    public void setWindow(Duration window) {
      this.window = window;
    }

    public Double getFailAboveMismatchRate() {
      return failAboveMismatchRate;
    }

    public void setFailAboveMismatchRate(Double failAboveMismatchRate) {
      this.failAboveMismatchRate = failAboveMismatchRate;
    }

    public List<ComparisonOutcome> getNoise() {
      return noise;
    }

    public void setNoise(List<ComparisonOutcome> noise) {
      this.noise = noise;
    }

    public Duration getKeepOld() {
      return keepOld;
    }

    public void setKeepOld(Duration keepOld) {
      this.keepOld = keepOld;
    }

    public Duration getQuietPeriod() {
      return quietPeriod;
    }

    public void setQuietPeriod(Duration quietPeriod) {
      this.quietPeriod = quietPeriod;
    }

    public Boolean getRemoveFlags() {
      return removeFlags;
    }

    public void setRemoveFlags(Boolean removeFlags) {
      this.removeFlags = removeFlags;
    }

    public String getFlag() {
      return flag;
    }

    public void setFlag(String flag) {
      this.flag = flag;
    }

    public String getNewVariant() {
      return newVariant;
    }

    public void setNewVariant(String newVariant) {
      this.newVariant = newVariant;
    }

    public String getOldVariant() {
      return oldVariant;
    }

    public void setOldVariant(String oldVariant) {
      this.oldVariant = oldVariant;
    }

    public List<Integer> getSteps() {
      return steps;
    }

    public void setSteps(List<Integer> steps) {
      this.steps = steps;
    }

    public List<ProgressiveCanaryProperties.AnalysisMetric> getMetrics() {
      return metrics;
    }

    public void setMetrics(List<ProgressiveCanaryProperties.AnalysisMetric> metrics) {
      this.metrics = metrics;
    }

    public Duration getMinDuration() {
      return minDuration;
    }

    public void setMinDuration(Duration minDuration) {
      this.minDuration = minDuration;
    }

    public Long getMinRequestsPerVariant() {
      return minRequestsPerVariant;
    }

    public void setMinRequestsPerVariant(Long minRequestsPerVariant) {
      this.minRequestsPerVariant = minRequestsPerVariant;
    }

    public Duration getMaxInconclusive() {
      return maxInconclusive;
    }

    public void setMaxInconclusive(Duration maxInconclusive) {
      this.maxInconclusive = maxInconclusive;
    }

    public Double getAlpha() {
      return alpha;
    }

    public void setAlpha(Double alpha) {
      this.alpha = alpha;
    }
  }
}
