package dev.progressive.release;

import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Metric;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.ParallelRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One stage of a {@link ReleasePlan}: what happens on entry, the gate that lets the plan leave it, and what a
 * rollback does. Immutable; built with the factories below and {@link Builder}.
 *
 * <pre>{@code
 * Stage.dark().minSuccessfulCalls(50)                      // testers made 50 successful calls to the new one
 * Stage.verify(runner, "pricing").minComparisons(1_000).minMatchRate(0.99).window(Duration.ofMinutes(30))
 *     .failAboveMismatchRate(0.05).noise(ComparisonOutcome.TIMEOUT)
 * Stage.canary()                                           // the plan's canary: its steps and judge, as they are
 * Stage.approval()                                         // a person approves, with a reason
 * Stage.switchover().keepOld(Duration.ofMinutes(30))       // blue-green: everyone at once, the old kept ready
 * Stage.retire().quietPeriod(Duration.ofHours(24))         // the old path unused on every instance for a day
 * Stage.featureRollout("checkout-ui", "new", "old").steps(1, 5, 25, 100)   // a flag's fractional rollout, judged
 * }</pre>
 *
 * <table>
 * <caption>Entry, gate and rollback of each kind</caption>
 * <tr><th>kind</th><th>entry</th><th>gate</th></tr>
 * <tr><td>dark, preview</td><td>weight 0: only explicit cohorts reach the new one</td>
 *     <td>manual ({@code advance}), or at least {@code minSuccessfulCalls} successful explicit calls</td></tr>
 * <tr><td>verify</td><td>weight 0; the experiment compares</td>
 *     <td>after {@code window}, at least {@code minComparisons} and a match rate of at least {@code minMatchRate};
 *     fails above {@code failAboveMismatchRate}</td></tr>
 * <tr><td>canary</td><td>starts the canary</td><td>the canary promoted; fails when it rolled back</td></tr>
 * <tr><td>approval</td><td>nothing</td><td>{@code approve(actor, reason)}</td></tr>
 * <tr><td>switch</td><td>everyone on the new one at once</td><td>{@code keepOld} elapsed</td></tr>
 * <tr><td>retire</td><td>nothing</td><td>no instance served the old path for {@code quietPeriod}</td></tr>
 * <tr><td>rollout (one per step)</td><td>the flag's weights: the new variant at the step's percent</td>
 *     <td>the judge's PASS on the fleet's calls per variant (a 100% step passes at once); fails on its FAIL, or when
 *     INCONCLUSIVE past {@code maxInconclusive}; a rollback puts the old variant back at 100%</td></tr>
 * </table>
 *
 * <p>A rollback from any stage sends everyone back to the old implementation at once (see {@link ReleasePlan}).
 */
public final class Stage {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private final StageKind kind;
  private final String name;
  private final long minSuccessfulCalls;
  private final ParallelRunner runner;
  private final String experiment;
  private final long minComparisons;
  private final double minMatchRate;
  private final Duration window;
  private final double failAboveMismatchRate;
  private final Set<ComparisonOutcome> noise;
  private final Duration keepOld;
  private final Duration quietPeriod;
  private final String flagKey;
  private final String newVariant;
  private final String oldVariant;
  private final int percent;
  private final Judge judge;
  private final CanaryRelease analysis;

  private Stage(Builder b, int percent) {
    this.kind = b.kind;
    this.name = b.kind == StageKind.FEATURE_ROLLOUT
        ? (b.name != null ? b.name : b.kind.label()) + "-" + percent
        : (b.name != null ? b.name : b.kind.label());
    this.minSuccessfulCalls = b.minSuccessfulCalls;
    this.runner = b.runner;
    this.experiment = b.experiment;
    this.minComparisons = b.minComparisons;
    this.minMatchRate = b.minMatchRate;
    this.window = b.window;
    this.failAboveMismatchRate = b.failAboveMismatchRate;
    this.noise = Set.copyOf(b.noise);
    this.keepOld = b.keepOld;
    this.quietPeriod = b.quietPeriod;
    this.flagKey = b.flagKey;
    this.newVariant = b.newVariant;
    this.oldVariant = b.oldVariant;
    this.percent = percent;
    this.judge = b.judge;
    this.analysis = b.kind == StageKind.FEATURE_ROLLOUT && percent < 100 ? b.analysis(percent) : null;
  }

  /** A dark stage: weight 0, only explicit cohorts; its gate is manual unless {@link Builder#minSuccessfulCalls}. */
  public static Builder dark() {
    return new Builder(StageKind.DARK);
  }

  /** Blue-green's preview: testers reach the new version through explicit cohorts; a dark stage by another name. */
  public static Builder preview() {
    return new Builder(StageKind.PREVIEW);
  }

  /**
   * A verify stage on one experiment of a parallel runner: the comparisons it counts in
   * {@code progressive.parallelrun.comparisons} on every instance, pooled by the plan.
   */
  public static Builder verify(ParallelRunner runner, String experiment) {
    Builder b = new Builder(StageKind.VERIFY);
    b.runner = Objects.requireNonNull(runner, "runner");
    b.experiment = Objects.requireNonNull(experiment, "experiment");
    return b;
  }

  /** The plan's canary, with its steps and judge as they are. */
  public static Builder canary() {
    return new Builder(StageKind.CANARY);
  }

  /** Waits for a person: {@link ReleasePlan#approve}. */
  public static Builder approval() {
    return new Builder(StageKind.APPROVAL);
  }

  /** Blue-green's one switch to 100%, keeping the old implementation ready for {@link Builder#keepOld}. */
  public static Builder switchover() {
    return new Builder(StageKind.SWITCH);
  }

  /** Watches the old path after promotion, until no instance served it for {@link Builder#quietPeriod}. */
  public static Builder retire() {
    return new Builder(StageKind.RETIRE);
  }

  /**
   * A guarded feature rollout of a flag's {@code fractional} weights, one stage per step of {@link Builder#steps}
   * (named {@code rollout-1}, {@code rollout-5}, ...; add it with {@link ReleasePlan.Builder#stage(Builder)}). Each
   * step's entry writes the flag's weights (the new variant at the step's percent, the old one at the rest) through
   * the toggles store by compare-and-set, with the plan's actor, reason and evidence; its gate is the judge's verdict
   * on the calls served with each variant on every instance (recorded through
   * {@link dev.progressive.toggles.VariantRecording}); a rollback puts the old variant back at 100%.
   *
   * @param flagKey the flag whose weights the plan writes; its variants must include both below
   * @param newVariant the variant being rolled out (the judge's canary side)
   * @param oldVariant the variant it replaces (the judge's baseline side)
   */
  public static Builder featureRollout(String flagKey, String newVariant, String oldVariant) {
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(newVariant, "newVariant");
    Objects.requireNonNull(oldVariant, "oldVariant");
    if (flagKey.isBlank() || newVariant.isBlank() || oldVariant.isBlank()) {
      throw new IllegalArgumentException("a feature rollout needs a flag key and two variants, none blank; was '"
          + flagKey + "', '" + newVariant + "', '" + oldVariant + "'");
    }
    if (newVariant.equals(oldVariant)) {
      throw new IllegalArgumentException("a feature rollout of flag '" + flagKey + "' needs two different variants; "
          + "both are '" + newVariant + "'");
    }
    Builder b = new Builder(StageKind.FEATURE_ROLLOUT);
    b.flagKey = flagKey;
    b.newVariant = newVariant;
    b.oldVariant = oldVariant;
    return b;
  }

  public StageKind kind() {
    return kind;
  }

  /** The stage's name, unique in its plan: the kind's label unless named otherwise. */
  public String name() {
    return name;
  }

  /** Dark and preview: successful explicit calls to the new implementation the gate needs; 0 for a manual gate. */
  public long minSuccessfulCalls() {
    return minSuccessfulCalls;
  }

  /** Verify: the runner whose experiment is counted, or null. */
  public ParallelRunner runner() {
    return runner;
  }

  /** Verify: the experiment's name, or null. */
  public String experiment() {
    return experiment;
  }

  /** Verify: the comparisons the fleet must have made in the stage (noise and ignored ones not counted). */
  public long minComparisons() {
    return minComparisons;
  }

  /** Verify: the match rate the gate needs, in (0, 1]. */
  public double minMatchRate() {
    return minMatchRate;
  }

  /** Verify: how long the stage lasts at least before its gate can pass. */
  public Duration window() {
    return window;
  }

  /** Verify: the mismatch rate above which the plan is rolled back, once {@link #minComparisons()} were made. */
  public double failAboveMismatchRate() {
    return failAboveMismatchRate;
  }

  /** Verify: outcomes other than MATCH and MISMATCH that are noise, counted neither way (IGNORED always is). */
  public Set<ComparisonOutcome> noise() {
    return noise;
  }

  /** Switch: how long the old implementation stays ready (a rollback is instant) before the next stage. */
  public Duration keepOld() {
    return keepOld;
  }

  /** Retire: how long every instance must have served the old path 0 times. */
  public Duration quietPeriod() {
    return quietPeriod;
  }

  /** Feature rollout: the flag whose weights the stage writes, or null. */
  public String flagKey() {
    return flagKey;
  }

  /** Feature rollout: the variant being rolled out, or null. */
  public String newVariant() {
    return newVariant;
  }

  /** Feature rollout: the variant it replaces, or null. */
  public String oldVariant() {
    return oldVariant;
  }

  /** Feature rollout: the new variant's percent in this step, 1 to 100; 0 for other kinds. */
  public int percent() {
    return percent;
  }

  /** Feature rollout: the judge of the step. */
  public Judge judge() {
    return judge;
  }

  /**
   * Feature rollout: what the judge is given as the release of its {@link Judge.Look} (the step with its minimum
   * duration and requests per variant, the metrics, alpha, the latency samples and the inconclusive limit); null for
   * a 100% step, which has nothing left to compare, and for other kinds.
   */
  public CanaryRelease analysis() {
    return analysis;
  }

  /** Whether the gate waits for an operator's {@code advance} (or, for approval, {@code approve}). */
  public boolean manualGate() {
    return kind == StageKind.APPROVAL
        || ((kind == StageKind.DARK || kind == StageKind.PREVIEW) && minSuccessfulCalls == 0);
  }

  @Override
  public String toString() {
    return "Stage[" + name + ", " + kind.label() + "]";
  }

  /** Builds a {@link Stage}; every setter checks its argument at once and that it fits the stage's kind. */
  public static final class Builder {
    private final StageKind kind;
    private String name;
    private long minSuccessfulCalls;
    private ParallelRunner runner;
    private String experiment;
    private long minComparisons = 100;
    private double minMatchRate = 0.99;
    private Duration window = Duration.ZERO;
    private double failAboveMismatchRate = 1.0;
    private final Set<ComparisonOutcome> noise = EnumSet.noneOf(ComparisonOutcome.class);
    private Duration keepOld = Duration.ofMinutes(30);
    private Duration quietPeriod = Duration.ofHours(24);
    private String flagKey;
    private String newVariant;
    private String oldVariant;
    private int[] steps = {1, 5, 25, 100};
    private Judge judge = Judge.statistical();
    private final List<Metric> metrics = new ArrayList<>();
    private Duration minDuration = Duration.ofMinutes(10);
    private long minRequestsPerVariant = 1_000;
    private Duration maxInconclusive = Duration.ofMinutes(30);
    private double alpha = 0.005;

    private Builder(StageKind kind) {
      this.kind = kind;
    }

    StageKind kind() {
      return kind;
    }

    /** Names the stage (default: the kind's label): 1 to 63 of {@code [a-z0-9._-]}, unique in the plan. */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("a stage name is 1 to 63 of [a-z0-9._-], starting with a letter or digit;"
            + " was '" + name + "'");
      }
      this.name = name;
      return this;
    }

    /** Dark and preview: the gate passes after this many successful explicit calls to the new implementation. */
    public Builder minSuccessfulCalls(long calls) {
      only("minSuccessfulCalls", StageKind.DARK, StageKind.PREVIEW);
      if (calls < 0) {
        throw new IllegalArgumentException("minSuccessfulCalls must be 0 (a manual gate) or more, was " + calls);
      }
      this.minSuccessfulCalls = calls;
      return this;
    }

    /** Verify: comparisons needed, noise and ignored ones not counted; default 100. */
    public Builder minComparisons(long comparisons) {
      only("minComparisons", StageKind.VERIFY);
      if (comparisons < 1) {
        throw new IllegalArgumentException("minComparisons must be at least 1, was " + comparisons);
      }
      this.minComparisons = comparisons;
      return this;
    }

    /** Verify: the match rate needed, in (0, 1]; default 0.99. */
    public Builder minMatchRate(double rate) {
      only("minMatchRate", StageKind.VERIFY);
      if (!(rate > 0 && rate <= 1)) {
        throw new IllegalArgumentException("minMatchRate must be in (0, 1], was " + rate);
      }
      this.minMatchRate = rate;
      return this;
    }

    /** Verify: how long the stage lasts at least before it can pass; default 0. */
    public Builder window(Duration window) {
      only("window", StageKind.VERIFY);
      Objects.requireNonNull(window, "window");
      if (window.isNegative()) {
        throw new IllegalArgumentException("window must not be negative, was " + window);
      }
      this.window = window;
      return this;
    }

    /** Verify: a mismatch rate above this, once the minimum comparisons were made, fails the plan; default 1 (never). */
    public Builder failAboveMismatchRate(double rate) {
      only("failAboveMismatchRate", StageKind.VERIFY);
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("failAboveMismatchRate must be in [0, 1], was " + rate);
      }
      this.failAboveMismatchRate = rate;
      return this;
    }

    /**
     * Verify: outcomes that are noise and count neither as a match nor as a mismatch, e.g. {@code TIMEOUT} or
     * {@code REJECTED}. MATCH and MISMATCH cannot be noise. Without this, every outcome but MATCH and IGNORED counts
     * as a mismatch.
     */
    public Builder noise(ComparisonOutcome... outcomes) {
      only("noise", StageKind.VERIFY);
      for (ComparisonOutcome o : outcomes) {
        Objects.requireNonNull(o, "outcome");
        if (o == ComparisonOutcome.MATCH || o == ComparisonOutcome.MISMATCH) {
          throw new IllegalArgumentException(o + " cannot be noise: the gate would count nothing or pass everything");
        }
        noise.add(o);
      }
      return this;
    }

    /** Switch: how long the old implementation stays ready, a rollback being instant; default 30 minutes. */
    public Builder keepOld(Duration keep) {
      only("keepOld", StageKind.SWITCH);
      Objects.requireNonNull(keep, "keep");
      if (keep.isNegative()) {
        throw new IllegalArgumentException("keepOld must not be negative, was " + keep);
      }
      this.keepOld = keep;
      return this;
    }

    /** Retire: how long every instance must have served the old path 0 times; default 24 hours. */
    public Builder quietPeriod(Duration period) {
      only("quietPeriod", StageKind.RETIRE);
      Objects.requireNonNull(period, "period");
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("quietPeriod must be positive, was " + period);
      }
      this.quietPeriod = period;
      return this;
    }

    /**
     * Feature rollout: the new variant's percents, increasing, each in 1 to 100, the last 100; default 1, 5, 25,
     * 100. Each is a stage of its own.
     */
    public Builder steps(int... percents) {
      only("steps", StageKind.FEATURE_ROLLOUT);
      if (percents.length == 0) {
        throw new IllegalArgumentException("a feature rollout needs at least one step");
      }
      for (int i = 0; i < percents.length; i++) {
        if (percents[i] < 1 || percents[i] > 100) {
          throw new IllegalArgumentException("a rollout step is a percent in 1 to 100, was " + percents[i]
              + " (step " + (i + 1) + ")");
        }
        if (i > 0 && percents[i] <= percents[i - 1]) {
          throw new IllegalArgumentException("rollout steps must increase: " + percents[i] + "% after "
              + percents[i - 1] + "%");
        }
      }
      if (percents[percents.length - 1] != 100) {
        throw new IllegalArgumentException("a feature rollout's last step must be 100 (everyone on the new variant), "
            + "was " + percents[percents.length - 1]);
      }
      this.steps = percents.clone();
      return this;
    }

    /** Feature rollout: the judge; default {@link Judge#statistical()}, the canaries' judge. */
    public Builder judge(Judge judge) {
      only("judge", StageKind.FEATURE_ROLLOUT);
      this.judge = Objects.requireNonNull(judge, "judge");
      return this;
    }

    /** Feature rollout: a metric the judge compares; default the canaries' (error rate, latency, p99 latency). */
    public Builder metric(Metric metric) {
      only("metric", StageKind.FEATURE_ROLLOUT);
      metrics.add(Objects.requireNonNull(metric, "metric"));
      return this;
    }

    /** Feature rollout: how long each step lasts at least before it can pass; default 10 minutes. */
    public Builder minDuration(Duration minDuration) {
      only("minDuration", StageKind.FEATURE_ROLLOUT);
      Objects.requireNonNull(minDuration, "minDuration");
      if (minDuration.isNegative()) {
        throw new IllegalArgumentException("minDuration must not be negative, was " + minDuration);
      }
      this.minDuration = minDuration;
      return this;
    }

    /** Feature rollout: calls each variant must have served on the fleet in a step before it can pass; default 1,000. */
    public Builder minRequestsPerVariant(long requests) {
      only("minRequestsPerVariant", StageKind.FEATURE_ROLLOUT);
      if (requests < 1) {
        throw new IllegalArgumentException("minRequestsPerVariant must be at least 1, was " + requests);
      }
      this.minRequestsPerVariant = requests;
      return this;
    }

    /** Feature rollout: how long a step may stay INCONCLUSIVE before the plan is rolled back; default 30 minutes. */
    public Builder maxInconclusive(Duration maxInconclusive) {
      only("maxInconclusive", StageKind.FEATURE_ROLLOUT);
      Objects.requireNonNull(maxInconclusive, "maxInconclusive");
      if (maxInconclusive.isNegative()) {
        throw new IllegalArgumentException("maxInconclusive must not be negative, was " + maxInconclusive);
      }
      this.maxInconclusive = maxInconclusive;
      return this;
    }

    /** Feature rollout: the judge's false-alarm budget per step, in (0, 0.5); default 0.005, as a canary's. */
    public Builder alpha(double alpha) {
      only("alpha", StageKind.FEATURE_ROLLOUT);
      if (!(alpha > 0 && alpha < 0.5)) {
        throw new IllegalArgumentException("alpha must be in (0, 0.5), was " + alpha);
      }
      this.alpha = alpha;
      return this;
    }

    /**
     * Builds the stage. A feature rollout of several steps is several stages: add it with
     * {@link ReleasePlan.Builder#stage(Builder)}.
     *
     * @throws IllegalStateException for a feature rollout of more than one step
     */
    public Stage build() {
      if (kind == StageKind.FEATURE_ROLLOUT) {
        if (steps.length != 1) {
          throw new IllegalStateException("a feature rollout of " + steps.length + " steps is " + steps.length
              + " stages: add it with ReleasePlan.Builder.stage(Stage.Builder)");
        }
        return new Stage(this, steps[0]);
      }
      return new Stage(this, 0);
    }

    /** The stages this builder makes: one per rollout step, else one. */
    List<Stage> buildAll() {
      if (kind != StageKind.FEATURE_ROLLOUT) {
        return List.of(build());
      }
      List<Stage> all = new ArrayList<>();
      for (int percent : steps) {
        all.add(new Stage(this, percent));
      }
      return all;
    }

    /** The release the judge reads a step's minimums, metrics and alpha from. */
    private CanaryRelease analysis(int percent) {
      CanaryRelease.Builder b = CanaryRelease.builder(analysisName(flagKey))
          .step(percent, minDuration, minRequestsPerVariant)
          .maxInconclusive(maxInconclusive).alpha(alpha);
      metrics.forEach(b::metric);
      try {
        return b.build();
      } catch (IllegalStateException e) {
        throw new IllegalStateException("feature rollout of flag '" + flagKey + "', step " + percent + "%: "
            + e.getMessage().replace("raise the step's minimum requests", "raise minRequestsPerVariant"), e);
      }
    }

    private static String analysisName(String flagKey) {
      String n = flagKey.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
      n = n.replaceFirst("^[^a-z0-9]+", "");
      n = n.length() > 100 ? n.substring(0, 100) : n;
      return n.isEmpty() ? "rollout" : n;
    }

    private void only(String setting, StageKind... kinds) {
      for (StageKind k : kinds) {
        if (k == kind) {
          return;
        }
      }
      throw new IllegalStateException(setting + " does not apply to a " + kind.label() + " stage");
    }
  }
}
