package dev.progressive.spring.release;

import dev.progressive.parallelrun.ComparisonOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Release plans declared in properties: one {@code ReleasePlan} per entry of {@code progressive.releases}, each over
 * one configured or declared canary. See docs/releases.md.
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
     * its baseline is the old implementation, its canary the new one.
     */
    private String canary;

    /** Whether to start the plan at its first stage once the application has started, when it is still pending. */
    private boolean autoStart;

    /** How often the driver checks the gate; default: the canary's analysis interval. */
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
    /** A parallel-run experiment compares old and new. */
    VERIFY,
    /** The canary's steps and judge. */
    CANARY,
    /** Waits for a person to approve. */
    APPROVAL,
    /** Blue-green's one switch to 100%, the old kept ready for {@code keep-old}. */
    SWITCH,
    /** Watches the old path until it is unused for {@code quiet-period}. */
    RETIRE
  }

  /** One stage; a setting that does not apply to the stage's kind fails startup. */
  public static class StageDefinition {

    /** The stage's kind: dark, preview, verify, canary, approval, switch or retire. */
    private Kind kind;

    /** The stage's name, unique in the plan; default: its kind. */
    private String name;

    /** Dark and preview: successful explicit calls to the new implementation the gate needs; unset: a manual gate. */
    private Long minSuccessfulCalls;

    /** Verify: the name of the experiment on the application's parallel runner. */
    private String experiment;

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

    public String getExperiment() {
      return experiment;
    }

    public void setExperiment(String experiment) {
      this.experiment = experiment;
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
  }
}
